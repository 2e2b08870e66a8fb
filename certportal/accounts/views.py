"""Login, password reset, account settings and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certportal.accounts import services, throttle
from certportal.accounts.forms import AccountSettingsForm, ApiTokenForm
from certportal.accounts.models import ApiToken
from certportal.lib.http import AuthenticatedHttpRequest


class LanguageLoginView(auth_views.LoginView):
    """The login; the user's own language then follows them to any device."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _remember_language(response, form.get_user().language)
        return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset, limited per client and per address like the sign-up."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.client_throttled(request, group="password-reset"):
            return throttle.too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        if throttle.address_throttled(self.request, group="password-reset", address=form.cleaned_data["email"]):
            return throttle.too_many(self.request)
        return super().form_valid(form)


def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings have been saved."))
        response = redirect("accounts:settings")
        _remember_language(response, form.cleaned_data["language"])
        return response
    return render(request, "accounts/settings.html", {"form": form})


NEW_KEY_SESSION = "api_token_new_key"


def api_tokens_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens: make one (its key shown once, on the next page), see when each was used."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        request.session[NEW_KEY_SESSION] = {"pk": token.pk, "key": key}
        return redirect("accounts:api_tokens")
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_key": request.session.pop(NEW_KEY_SESSION, None),
    }
    return render(request, "accounts/api_tokens.html", context)


@require_POST
def api_token_revoke_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, pk=pk)
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


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
