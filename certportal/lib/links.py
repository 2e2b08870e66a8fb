"""Absolute links to the portal, for e-mails, calendar files and certificate QR codes."""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(url: str) -> str:
    """A path on the portal made absolute; an absolute URL as it is."""
    return site_url() + url if url.startswith("/") else url
