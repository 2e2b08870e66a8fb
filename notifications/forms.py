from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
from notifications.models import EmailPreference, Kind


class EmailPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me an e-mail for"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Unticked kinds still appear under the bell in the portal."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        opted_out = set(EmailPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
        kwargs.setdefault("initial", {"email_kinds": [kind for kind in Kind.values if kind not in opted_out]})
        super().__init__(*args, **kwargs)
