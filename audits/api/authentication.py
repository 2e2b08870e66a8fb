"""Personal API tokens: `Authorization: Bearer <key>`. Each use is counted with its address."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from certportal.accounts import services
from certportal.accounts.models import ApiToken, User
from certportal.lib.client_ip import client_ip

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("The Authorization header must be: Bearer followed by the token."))
        token = services.api_token_for_key(header[1].decode(errors="replace"))
        if token is None:
            raise AuthenticationFailed(_("This token is unknown or has been revoked."))
        services.api_token_record_use(token=token, address=client_ip(request._request) or None)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            # A program that names no language gets the one its user chose for the portal.
            translation.activate(token.user.language)
            request._request.LANGUAGE_CODE = token.user.language
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (account settings)."}
