"""Account operations: enterprise sign-up and preferences."""

from __future__ import annotations

from django.db import transaction

from applications.models import Enterprise
from certportal.accounts.models import User


@transaction.atomic
def enterprise_signup(*, enterprise_name: str, full_name: str, email: str, mobile: str, password: str) -> User:
    """Create an enterprise and its first user, who then fills in the enterprise's profile."""
    enterprise = Enterprise.objects.create(name=enterprise_name)
    user = User(
        username=email.lower(),
        email=email.lower(),
        full_name=full_name,
        mobile=mobile,
        role=User.Role.ENTERPRISE,
        enterprise=enterprise,
    )
    user.set_password(password)
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's language, used for the pages and the e-mails they receive."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
