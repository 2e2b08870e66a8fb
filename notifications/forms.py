from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
from certportal.lib.outbound import MAX_URL_LENGTH, url_problem
from notifications.models import EmailPreference, Kind, WebhookEvent


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


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH,
        help_text=_("An http:// or https:// address of your server; it receives a signed JSON POST for each event."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = url_problem(url)
        if problem == "private":
            raise forms.ValidationError(_("Private, loopback and link-local addresses cannot receive webhooks."))
        if problem:
            raise forms.ValidationError(_("Please enter an http:// or https:// address with a host name."))
        return url
