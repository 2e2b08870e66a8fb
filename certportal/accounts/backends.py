"""Log in with either the username or the e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest


def login_account(login: str) -> Any:
    """The one account whose username or e-mail is `login` (trimmed, any case), or None."""
    text = login.strip()
    if not text:
        return None
    matches = list(get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text))[:2])
    return matches[0] if len(matches) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        user = login_account(username)
        if user is None:
            # Run the hasher anyway so that timing does not tell whether the login exists.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
