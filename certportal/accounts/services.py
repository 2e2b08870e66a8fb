"""Account operations: preferences and personal API tokens. (An enterprise's sign-up, which creates
the enterprise, lives in applications.services.signup.)"""

from __future__ import annotations

import hashlib
import secrets

from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from certportal.accounts.models import ApiToken, User

API_KEY_PREFIX = "cp_"


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's language, used for the pages and the e-mails they receive."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its key, which is never stored (only its hash)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), scope=scope, key_hash=api_key_hash(key), prefix=key[:10]
    )
    return token, key


def api_token_revoke(*, user: User, pk: int) -> ApiToken:
    """Revoke one of the user's own tokens (anyone else's is not found)."""
    token = ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404(_("No such API token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_for_key(key: str) -> ApiToken | None:
    """The live token with this key, of an active user; None for anything else."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_key_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def api_token_record_use(*, token: ApiToken, address: str | None) -> None:
    """Count a use of the token and remember when and from where (a single UPDATE)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address, use_count=F("use_count") + 1)
    token.last_used_at, token.last_used_ip = now, address
