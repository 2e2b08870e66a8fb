"""An enterprise's sign-up: its name, the first user, and the password that opens the account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
from certportal.lib.fields import MobileField


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
