from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
from certportal.lib.outbound import MAX_URL_LENGTH, url_problem
from notifications.models import Channel, ChannelPreference, EmailPreference, Kind, WebhookEvent, WecomRobot


class EmailPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me an e-mail for"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Unticked kinds still appear under the bell in the portal."),
    )

    sms_kinds = forms.MultipleChoiceField(
        label=_("Also send me an SMS for"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sent to the mobile number of your account."),
    )
    wecom_kinds = forms.MultipleChoiceField(
        label=_("Also post to the WeChat Work group for"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Posted by your team's group robot (the certification body's own for its staff)."),
    )
    robot_url = forms.CharField(
        label=_("WeChat Work group robot webhook URL"),
        max_length=MAX_URL_LENGTH,
        required=False,
        help_text=_("In the group: add a robot, then copy its webhook address here."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        opted_out = set(EmailPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
        chosen = ChannelPreference.objects.filter(user=user).values_list("channel", "kind")
        robot = WecomRobot.objects.filter(owner=user).first()
        kwargs.setdefault(
            "initial",
            {
                "email_kinds": [kind for kind in Kind.values if kind not in opted_out],
                "sms_kinds": [kind for channel, kind in chosen if channel == Channel.SMS],
                "wecom_kinds": [kind for channel, kind in chosen if channel == Channel.WECOM],
                "robot_url": robot.url if robot else "",
            },
        )
        super().__init__(*args, **kwargs)
        if not user.is_consultant:
            del self.fields["robot_url"]

    def clean_robot_url(self) -> str:
        url = self.cleaned_data["robot_url"].strip()
        if url and url_problem(url):
            raise forms.ValidationError(_("Please enter an http:// or https:// address with a host name."))
        return url


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
