"""Sign-up, login, account settings and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certportal.accounts import services
from certportal.accounts.forms import AccountSettingsForm, SignupForm
from certportal.lib.http import AuthenticatedHttpRequest


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.enterprise_signup(
            enterprise_name=data["enterprise_name"],
            full_name=data["full_name"],
            email=data["email"],
            mobile=data["mobile"],
            password=data["password1"],
        )
        login(request, user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
        messages.success(
            request,
            _("Welcome! Your account is ready. Next step: fill in your enterprise's basic information."),
        )
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings have been saved."))
        response = redirect("accounts:settings")
        _remember_language(response, form.cleaned_data["language"])
        return response
    return render(request, "accounts/settings.html", {"form": form})


@login_not_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    _remember_language(response, language)
    return response


def _remember_language(response: HttpResponse, language: str) -> None:
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
