"""A self-signed demo signing certificate for the certificate PDFs (`make run` calls this). The real
body signs with its own certificate: CERTIFICATE_SIGNING_P12 and its password (docs/deployment.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.signing import demo_signing_password, signing_identity_create


class Command(BaseCommand):
    help = "Create a self-signed demo signing certificate at CERTIFICATE_SIGNING_P12, unless one is there."
    requires_system_checks: list[str] = []  # the checks would warn about the certificate this creates

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Production signs with the body's own certificate: set CERTIFICATE_SIGNING_P12.")
        if not settings.CERTIFICATE_SIGNING_P12:
            raise CommandError("CERTIFICATE_SIGNING_P12 is not set: there is nowhere to put the certificate.")
        p12 = Path(settings.CERTIFICATE_SIGNING_P12)
        if p12.exists():
            return
        password = self._password()
        body = str(settings.CERTIFICATION_BODY_NAME)
        content = signing_identity_create(common_name=f"{body} (demo signing)", organisation=body, password=password)
        p12.parent.mkdir(parents=True, exist_ok=True)
        _write_private(p12, content)
        self.stdout.write(f"Created the demo signing certificate {p12}.")

    def _password(self) -> bytes:
        if settings.CERTIFICATE_SIGNING_PASSWORD:
            return str(settings.CERTIFICATE_SIGNING_PASSWORD).encode()
        if not settings.CERTIFICATE_SIGNING_PASSWORD_FILE:
            raise CommandError("Set CERTIFICATE_SIGNING_PASSWORD or CERTIFICATE_SIGNING_PASSWORD_FILE.")
        password = demo_signing_password()
        password_file = Path(settings.CERTIFICATE_SIGNING_PASSWORD_FILE)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        _write_private(password_file, password + b"\n")
        return password


def _write_private(path: Path, content: bytes) -> None:
    """Readable by the portal's own user only: the key signs certificates in the body's name."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
