"""An enterprise signs up: the enterprise and its first user, opened by a link sent to the address.
The answer never tells whether the address already has an account (the e-mail says it)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from applications.models import Enterprise
from certportal.accounts.models import User
from certportal.lib.links import absolute_url
from certportal.lib.mail import email_queue


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """The link in the sign-up e-mail: valid for PASSWORD_RESET_TIMEOUT, once (it opens the
    account), and only for the latest sign-up with the address (a new one changes the password)."""

    key_salt = "certportal.accounts.signup"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


signup_token = SignupTokenGenerator()


def signup_pending(user: User) -> bool:
    """An enterprise user who signed up and has not yet followed the link in the e-mail."""
    return user.is_enterprise_user and not user.is_active and user.last_login is None


@transaction.atomic
def enterprise_signup(
    *, enterprise_name: str, full_name: str, email: str, mobile: str, password: str, language: str
) -> None:
    """Start an enterprise's sign-up; the answer never tells whether the address has an account.

    Whatever happens goes to the address: a new address gets a closed account (the enterprise and
    its first user) and a link that opens it; an address with an account gets a notice with links
    to log in and to reset the password. A second sign-up before the link was followed replaces the
    first one's details (only the address's owner, with the password typed last, can open it).
    """
    address = email.strip().lower()
    # Hash in every case: an address with an account must not answer faster.
    password_hash = make_password(password)
    existing = User.objects.filter(Q(email__iexact=address) | Q(username__iexact=address)).first()
    if existing is not None and not signup_pending(existing):
        _send_signup_notice(address=address, user=existing)
        return
    details = {"full_name": full_name, "mobile": mobile, "password": password_hash, "language": language}
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create(
                    username=address,
                    email=address,
                    role=User.Role.ENTERPRISE,
                    enterprise=Enterprise.objects.create(name=enterprise_name),
                    is_active=False,
                    **details,
                )
        except IntegrityError:  # the same address signed up at the same moment
            return
    else:
        user = existing
        for name, value in details.items():
            setattr(user, name, value)
        user.date_joined = timezone.now()
        user.save(update_fields=[*details, "date_joined"])
        enterprise = user.enterprise
        assert enterprise is not None  # a pending sign-up always has its enterprise
        enterprise.name = enterprise_name
        enterprise.save(update_fields=["name"])
    _send_signup_link(user)


def enterprise_signup_confirm(*, user: User, password: str) -> None:
    """Open the account of a pending sign-up: the link proved the address, the password the person."""
    if not signup_pending(user):
        raise ValidationError(_("This account is already open. Please log in."), code="not_pending")
    if not user.check_password(password):
        raise ValidationError(_("This is not the password chosen when signing up."), code="wrong_password")
    user.is_active = True
    user.save(update_fields=["is_active"])


def _send_signup_link(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = absolute_url(reverse("signup:confirm", args=[uid, signup_token.make_token(user)]))
    enterprise = user.enterprise
    assert enterprise is not None  # a pending sign-up always has its enterprise
    context = {"user": user, "enterprise": enterprise.name, "link": link}
    with translation.override(user.language):
        subject = _("Open your certportal account")
        body = render_to_string("emails/signup_confirm.txt", context)
    email_queue(to=[user.email], subject=subject, body_text=body)


def _send_signup_notice(*, address: str, user: User) -> None:
    context = {
        "user": user,
        "login_link": absolute_url(reverse("accounts:login")),
        "reset_link": absolute_url(reverse("accounts:password_reset")),
    }
    with translation.override(user.language):
        subject = _("Someone tried to sign up with your e-mail address")
        body = render_to_string("emails/signup_existing.txt", context)
    email_queue(to=[address], subject=subject, body_text=body)
