"""A certificate number pattern that cannot work stops the portal at start-up."""

from __future__ import annotations

import pytest
from django.test import override_settings

from audits.checks import check_certificate_number_pattern


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("CSA-{year}-SV-{sequence:05d}", None),
        ("{body}/{year}/{sequence}", None),
        ("CSA-{year}-{number}", "audits.E001"),
        ("CSA-{year}-{sequence:05q}", "audits.E001"),
        ("CSA-{year}", "audits.E002"),
    ],
)
def test_certificate_number_pattern_check(pattern: str, error: str | None) -> None:
    with override_settings(CERTIFICATE_NUMBER_PATTERN=pattern):
        errors = check_certificate_number_pattern()
    assert [e.id for e in errors] == ([error] if error else [])
