"""Account operations: preferences. (An enterprise's sign-up, which creates the enterprise, lives in
applications.services.signup.)"""

from __future__ import annotations

from certportal.accounts.models import User


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's language, used for the pages and the e-mails they receive."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
