"""Login and account forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import ApiToken, User
from certportal.lib.fields import MobileField
from certportal.lib.mail import email_queue


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("The username or e-mail and the password do not match. Please try again."),
        "inactive": _("This account has been disabled. Please contact the portal's administrator."),
    }


class AccountSettingsForm(forms.ModelForm):
    mobile = MobileField(label=_("Mobile"), required=False)

    class Meta:
        model = User
        fields = ["full_name", "mobile", "language"]


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail is sent by a Celery worker instead of inside the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        with translation.override(user.language):
            subject = render_to_string(subject_template_name, context)
            body = render_to_string(email_template_name, context)
        email_queue(to=[to_email], subject=subject, body_text=body)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
