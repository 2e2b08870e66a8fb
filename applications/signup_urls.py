"""An enterprise's sign-up, mounted at /accounts/signup/ by the project's URLs."""

from django.urls import path

from applications.views import signup

app_name = "signup"

urlpatterns = [
    path("", signup.signup_page, name="start"),
    path("sent/", signup.signup_sent_page, name="sent"),
    path("confirm/<uidb64>/<token>/", signup.signup_confirm_page, name="confirm"),
]
