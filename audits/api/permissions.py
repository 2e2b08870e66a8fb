"""Who may call the API at all: signed-in users; writes only with a session or a read-and-write token.
What each user may see or change is decided by the access helpers and services, as on the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from certportal.accounts.models import ApiToken


class TokenScope(BasePermission):
    message = _("This token may only read. Make a token with read and write access to change anything.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return not isinstance(request.auth, ApiToken) or request.auth.may_write
