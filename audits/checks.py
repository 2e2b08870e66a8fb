"""A wrong certificate number pattern should stop the portal at start-up, not at the first certificate;
a missing signing certificate is said at start-up too."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


@register(Tags.compatibility)
def check_signing_certificate(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without a signing certificate the PDFs are unsigned and nobody can prove them genuine."""
    from audits.signing import SigningProblem, body_signer, signing_configured

    if not signing_configured():
        named = settings.CERTIFICATE_SIGNING_P12
        return [
            Warning(
                f"No signing certificate at {named!r}: certificate PDFs are issued unsigned."
                if named
                else "CERTIFICATE_SIGNING_P12 is not set: certificate PDFs are issued unsigned.",
                hint="Set CERTIFICATE_SIGNING_P12 to the body's PKCS#12 file and CERTIFICATE_SIGNING_PASSWORD "
                "or CERTIFICATE_SIGNING_PASSWORD_FILE (in development: manage.py make_signing_certificate).",
                id="audits.W001",
            )
        ]
    try:
        body_signer()
    except SigningProblem as problem:
        return [Error(str(problem), hint="Check CERTIFICATE_SIGNING_PASSWORD(_FILE).", id="audits.E003")]
    return []
