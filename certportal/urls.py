from django.contrib import admin
from django.urls import include, path

from audits.views import public as verification
from certportal import views
from certportal.accounts import views as account_views

urlpatterns = [
    path("", views.landing_page, name="landing"),
    path("home/", views.home, name="home"),
    path("health/", views.health_check, name="health"),
    path("language/", account_views.language_switch, name="language_switch"),
    path("accounts/", include("certportal.accounts.urls")),
    path("", include("applications.urls")),
    path("notifications/", include("certportal.notifications.urls")),
    path("audits/", include("audits.urls")),
    path("verify/", verification.verify_search, name="verify_search"),
    path("verify/<str:number>/", verification.verify_certificate, name="verify_certificate"),
    path("admin/", admin.site.urls),
]
