from django.contrib import admin
from django.urls import include, path

from certportal import views
from certportal.accounts import views as account_views

urlpatterns = [
    path("", views.landing_page, name="landing"),
    path("home/", views.home, name="home"),
    path("health/", views.health_check, name="health"),
    path("language/", account_views.language_switch, name="language_switch"),
    path("accounts/signup/", include("applications.signup_urls")),
    path("accounts/", include("certportal.accounts.urls")),
    path("", include("applications.urls")),
    path("notifications/", include("notifications.urls")),
    path("audits/", include("audits.urls")),
    path("verify/", include("audits.public_urls")),
    # The JSON API serves both apps, so it lives in the top layer (included by name, like audits.urls).
    path("api/v1/", include("audits.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "certportal.views.bad_request_page"
handler403 = "certportal.views.permission_denied_page"
handler404 = "certportal.views.not_found_page"
handler500 = "certportal.views.server_error_page"
