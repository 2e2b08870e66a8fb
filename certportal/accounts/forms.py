"""Sign-up, login and account forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
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


class SignupForm(forms.Form):
    enterprise_name = forms.CharField(
        label=_("Enterprise name"),
        max_length=200,
        help_text=_("The full registered name, as on the business licence."),
    )
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), help_text=_("You log in with this address."))
    mobile = MobileField(label=_("Mobile"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_enterprise_name(self) -> str:
        return self.cleaned_data["enterprise_name"].strip()

    def clean_email(self) -> str:
        # No check for an existing account here: the answer must not tell (the e-mail does).
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        help_text=_("The password you chose when signing up."),
    )


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
