"""A wrong certificate number pattern should stop the portal at start-up, not at the first certificate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility)
def check_certificate_number_pattern(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    pattern = settings.CERTIFICATE_NUMBER_PATTERN
    try:
        first = pattern.format(year=2026, sequence=1, body=settings.CERTIFICATION_BODY_CODE)
        second = pattern.format(year=2026, sequence=2, body=settings.CERTIFICATION_BODY_CODE)
    except (KeyError, IndexError, ValueError) as error:
        return [
            Error(
                f"CERTIFICATE_NUMBER_PATTERN {pattern!r} cannot be filled in: {error}.",
                hint="Use {year}, {sequence} (e.g. {sequence:05d}) and optionally {body}.",
                id="audits.E001",
            )
        ]
    if first == second or len(first) > 60:
        return [
            Error(
                f"CERTIFICATE_NUMBER_PATTERN {pattern!r} must contain {{sequence}} and give at most 60 characters.",
                id="audits.E002",
            )
        ]
    return []
