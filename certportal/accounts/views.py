"""Sign-up, login, account settings and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from certportal.accounts import services
from certportal.accounts.forms import AccountSettingsForm, SignupConfirmForm, SignupForm
from certportal.accounts.models import User


def _client_throttled(request: HttpRequest, *, group: str) -> bool:
    """Counts every POST of the form per client address (in the database cache, shared by every web
    process); True once over ACCOUNT_EMAIL_RATE_PER_CLIENT."""
    return is_ratelimited(request, group=group, key="ip", rate=settings.ACCOUNT_EMAIL_RATE_PER_CLIENT, increment=True)


def _address_throttled(request: HttpRequest, *, group: str, address: str) -> bool:
    """Counts the submissions that would send an e-mail to `address`; True once over
    ACCOUNT_EMAIL_RATE_PER_ADDRESS, so that nobody can have the portal mail an address over and over
    (and a typing mistake on the form does not use up the address's count)."""
    return is_ratelimited(
        request,
        group=f"{group}-address",
        key=lambda _group, _request: address.strip().casefold(),
        rate=settings.ACCOUNT_EMAIL_RATE_PER_ADDRESS,
        increment=True,
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/too_many.html", status=429)


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if _client_throttled(request, group="signup"):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            if _address_throttled(request, group="signup", address=data["email"]):
                return _too_many(request)
            services.enterprise_signup(
                enterprise_name=data["enterprise_name"],
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                password=data["password1"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            # The same page whether or not the address already had an account: the e-mail tells.
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@login_not_required
@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _signup_user(uidb64, token)
    if user is None:
        return render(request, "accounts/signup_link_invalid.html", status=404)
    form = SignupConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_signup_confirm(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
            messages.success(
                request,
                _("Welcome! Your account is ready. Next step: fill in your enterprise's basic information."),
            )
            return redirect("home")
    return render(request, "accounts/signup_confirm.html", {"form": form, "pending_user": user})


def _signup_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.select_related("enterprise").get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, OverflowError, User.DoesNotExist):
        return None
    if not services.signup_pending(user) or not services.signup_token.check_token(user, token):
        return None
    return user


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset, limited per client and per address like the sign-up."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _client_throttled(request, group="password-reset"):
            return _too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        if _address_throttled(self.request, group="password-reset", address=form.cleaned_data["email"]):
            return _too_many(self.request)
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
