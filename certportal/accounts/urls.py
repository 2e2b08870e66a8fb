from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from certportal.accounts import mobile_views, views
from certportal.accounts.forms import LoginForm, QueuedPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        views.LanguageLoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.account_settings, name="settings"),
    path("api-tokens/", views.api_tokens_page, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke_post, name="api_token_revoke"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.ThrottledPasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=QueuedPasswordResetForm,
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path("mobile/send-code/", mobile_views.mobile_verify_send_post, name="mobile_verify_send"),
    path("mobile/verify/", mobile_views.mobile_verify_post, name="mobile_verify"),
    path("password/reset-by-sms/", mobile_views.password_reset_sms_page, name="password_reset_sms"),
    path(
        "password/reset-by-sms/code/", mobile_views.password_reset_sms_confirm_page, name="password_reset_sms_confirm"
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
