"""An enterprise's sign-up pages: the form, the "check your e-mail" page, and the link that opens
the account with the password chosen at sign-up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from applications.forms.signup import SignupConfirmForm, SignupForm
from applications.services import signup
from certportal.accounts import throttle
from certportal.accounts.models import User


@login_not_required
def signup_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if throttle.client_throttled(request, group="signup"):
            return throttle.too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            if throttle.address_throttled(request, group="signup", address=data["email"]):
                return throttle.too_many(request)
            signup.enterprise_signup(
                enterprise_name=data["enterprise_name"],
                full_name=data["full_name"],
                email=data["email"],
                mobile=data["mobile"],
                password=data["password1"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            # The same page whether or not the address already had an account: the e-mail tells.
            return redirect("signup:sent")
    return render(request, "applications/signup/form.html", {"form": form})


@login_not_required
@require_safe
def signup_sent_page(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/signup/sent.html")


@login_not_required
@never_cache
def signup_confirm_page(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _signup_user(uidb64, token)
    if user is None:
        return render(request, "applications/signup/link_invalid.html", status=404)
    form = SignupConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.enterprise_signup_confirm(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
            messages.success(
                request,
                _("Welcome! Your account is ready. Next step: fill in your enterprise's basic information."),
            )
            return redirect("home")
    return render(request, "applications/signup/confirm.html", {"form": form, "pending_user": user})


def _signup_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.select_related("enterprise").get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, OverflowError, User.DoesNotExist):
        return None
    if not signup.signup_pending(user) or not signup.signup_token.check_token(user, token):
        return None
    return user
