"""The login lockout (django-axes): failures count per account, whatever way its login was written,
and per client address across accounts.

The backend accepts the username or the e-mail in any case with spaces around it, so the lockout
must not count under the text typed: "Wang@Example.com " and "wang" are the same account and share
one counter. A login that names no account is counted under its normalised text (trimmed,
case-folded), so its variants share a counter too and an unknown login is treated like a known one.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from certportal.accounts.backends import login_account


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the account's username, or the normalised text when it names none."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials is not None else getattr(request, "POST", {})
    login = source.get(field) or ""
    account = login_account(login)
    return account.get_username() if account is not None else login.strip().casefold()


class LockoutHandler(AxesDatabaseHandler):
    """Locked out when this account failed AXES_FAILURE_LIMIT times from the client's address, or
    when the address failed LOGIN_ADDRESS_FAILURE_LIMIT times across all accounts (one client
    trying a password on many accounts)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        from_address = self._recent_attempts(request)
        on_account = _failures(from_address.filter(username=get_client_username(request, credentials)))
        if _failures(from_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(on_account, get_failure_limit(request, credentials))
        return on_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # A good password clears this account's failures only: clearing the address's would let a
        # client reset its count across accounts by logging in to an account of its own now and then.
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            username=get_client_username(request, credentials),
        )
        count, _ = attempts.delete()
        return count

    def _recent_attempts(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
        if settings.AXES_COOLOFF_TIME is None:
            return attempts
        return attempts.filter(attempt_time__gte=get_cool_off_threshold(request))


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
