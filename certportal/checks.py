"""System checks for what the portal needs from the machine: PDF fonts and tools, and the broker."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from certportal.lib.broker import broker_reachable


@register(Tags.compatibility)
def check_pdf_toolchain(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if not harfbuzz_subsetter_available():
        errors.append(
            Error(
                "WeasyPrint cannot load HarfBuzz's subsetter (libharfbuzz-subset0).",
                hint="Install it with: apt-get install libharfbuzz-subset0 "
                "(without it a Chinese page takes about 10 s instead of 0.2 s).",
                id="certportal.E001",
            )
        )
    if not chinese_font_installed():
        errors.append(
            Error(
                "No Chinese font is installed, so PDFs would show empty boxes.",
                hint="Install one with: apt-get install fonts-noto-cjk",
                id="certportal.E002",
            )
        )
    return errors


@register(Tags.compatibility)
def check_broker(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION or broker_reachable():
        return []
    return [
        Error(
            f"The Celery broker at {redacted_url(settings.CELERY_BROKER_URL)} does not answer.",
            hint="Start Redis or set REDIS_URL to a Redis server that answers.",
            id="certportal.E003",
        )
    ]


def harfbuzz_subsetter_available() -> bool:
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


def chinese_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20, check=False)
    return bool(found.stdout.strip())


def redacted_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
