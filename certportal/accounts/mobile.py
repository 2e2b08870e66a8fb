"""Codes sent by SMS: proving a mobile number on the account settings page, and resetting the
password with that number. Six digits, kept only as a keyed hash, valid 10 minutes and for 5 tries;
a new code replaces the previous one of the same purpose."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certportal.accounts.models import MobileCode, User
from certportal.lib.messages import message_queue
from certportal.models import OutgoingMessage

CODE_VALID_FOR = datetime.timedelta(minutes=10)
CODE_MAX_TRIES = 5
Purpose = MobileCode.Purpose


def _hash(code_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"mobile-code:{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def mobile_code_send(*, user: User, purpose: str) -> MobileCode:
    """Send a new code to the user's mobile number (the previous unused one stops counting)."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        MobileCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = MobileCode.objects.create(
            user=user, purpose=purpose, mobile=user.mobile, code_hash="", expires_at=now + CODE_VALID_FOR
        )
        MobileCode.objects.filter(pk=row.pk).update(code_hash=_hash(row.pk, code))
        with translation.override(user.language):
            text = _("Your certification portal code is %(code)s, valid for 10 minutes. Do not share it.") % {
                "code": code
            }
        message_queue(channel=OutgoingMessage.Channel.SMS, to=user.mobile, text=text)
    return row


def mobile_code_check(*, user: User, purpose: str, code: str) -> bool:
    """True, once, for the right code of the user's latest unexpired code, sent to their current
    number, with tries left; every wrong try counts."""
    row = (
        MobileCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None or row.mobile != user.mobile or row.tries >= CODE_MAX_TRIES:
        return False
    # Counted first, under a conditional update: parallel guesses cannot share a try.
    counted = MobileCode.objects.filter(pk=row.pk, tries__lt=CODE_MAX_TRIES, used_at__isnull=True).update(
        tries=F("tries") + 1
    )
    if not counted or not hmac.compare_digest(row.code_hash, _hash(row.pk, code.strip())):
        return False
    return bool(MobileCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()))


def mobile_verify(*, user: User, code: str) -> bool:
    """Mark the user's current number as verified when the code is right."""
    if not mobile_code_check(user=user, purpose=Purpose.VERIFY, code=code):
        return False
    User.objects.filter(pk=user.pk).update(mobile_verified=user.mobile)
    user.mobile_verified = user.mobile
    return True


def reset_user_for(identifier: str) -> User | None:
    """The active user a password reset by SMS is for: by username or by verified mobile number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    for user in User.objects.filter(is_active=True, username=identifier) | User.objects.filter(
        is_active=True, mobile=identifier
    ):
        if user.has_verified_mobile:
            return user
    return None
