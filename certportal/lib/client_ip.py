"""The client's address, for the login lockout and rate limits, behind a known number of proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address our outermost trusted proxy saw when TRUSTED_PROXY_COUNT is set.

    Each proxy appends the address it saw to X-Forwarded-For, so with N proxies the client is the
    N-th entry from the right; whatever lies further left was written by the client and may be forged.
    The header is ignored when no proxy is trusted, and when it is shorter than the proxy chain
    (a request that bypassed a proxy), so a forged header can never choose whose lockout counts.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
