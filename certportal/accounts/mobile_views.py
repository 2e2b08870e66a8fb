"""Proving a mobile number (from the account settings page) and resetting the password by SMS code."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certportal.accounts import mobile, throttle
from certportal.accounts.models import User
from certportal.lib.http import AuthenticatedHttpRequest

RESET_SESSION_KEY = "sms_reset_user"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Code"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": gettext_lazy("The code has 6 digits.")},
    )  # fmt: skip


class ResetStartForm(forms.Form):
    identifier = forms.CharField(label=gettext_lazy("Username or mobile number"), max_length=150)


@require_POST
def mobile_verify_send_post(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.mobile:
        messages.error(request, _("Enter your mobile number in the settings first."))
        return redirect("accounts:settings")
    if throttle.client_throttled(request, group="mobile-verify") or throttle.address_throttled(
        request, group="mobile-verify", address=user.mobile
    ):
        return throttle.too_many(request)
    mobile.mobile_code_send(user=user, purpose=mobile.Purpose.VERIFY)
    messages.success(request, _("A code was sent by SMS. Enter it below within 10 minutes."))
    return redirect("accounts:settings")


@require_POST
def mobile_verify_post(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid() and mobile.mobile_verify(user=request.user, code=form.cleaned_data["code"]):
        messages.success(request, _("Your mobile number is verified."))
    else:
        messages.error(request, _("The code is wrong or no longer valid. Ask for a new one."))
    return redirect("accounts:settings")


@login_not_required
def password_reset_sms_page(request: HttpRequest) -> HttpResponse:
    """Ask for a code by SMS: the same answer whether or not the account exists or has a verified
    number, so the page does not tell who has an account."""
    form = ResetStartForm(request.POST or None)
    if request.method == "POST":
        if throttle.client_throttled(request, group="password-reset-sms"):
            return throttle.too_many(request)
        if form.is_valid():
            user = mobile.reset_user_for(form.cleaned_data["identifier"])
            if user is not None:
                if throttle.address_throttled(request, group="password-reset-sms", address=user.mobile):
                    return throttle.too_many(request)
                mobile.mobile_code_send(user=user, purpose=mobile.Purpose.RESET)
            request.session[RESET_SESSION_KEY] = user.pk if user else 0
            return redirect("accounts:password_reset_sms_confirm")
    return render(request, "accounts/password_reset_sms.html", {"form": form})


@login_not_required
def password_reset_sms_confirm_page(request: HttpRequest) -> HttpResponse:
    user = User.objects.filter(pk=request.session.get(RESET_SESSION_KEY) or 0, is_active=True).first()
    code_form = CodeForm(request.POST or None)
    password_form = SetPasswordForm(user or User(), request.POST or None)
    if request.method == "POST" and code_form.is_valid() and password_form.is_valid():
        code = code_form.cleaned_data["code"]
        if user is not None and mobile.mobile_code_check(user=user, purpose=mobile.Purpose.RESET, code=code):
            password_form.save()
            request.session.pop(RESET_SESSION_KEY, None)
            return redirect("accounts:password_reset_complete")
        code_form.add_error("code", _("The code is wrong or no longer valid. Ask for a new one."))
    context = {"code_form": code_form, "password_form": password_form}
    return render(request, "accounts/password_reset_sms_confirm.html", context)
