"""/api/v1/: the JSON API, its OpenAPI schema and its documentation (Swagger UI and Redoc, served
from our own static files). DRF authenticates the API's requests itself (a token or the session),
so the portal's log-in redirect does not apply to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from audits.api import views

app_name = "api"


def api(view: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view())


def docs(view: Any, **options: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view(**options))


urlpatterns = [
    path("enterprises/", api(views.EnterpriseList), name="enterprise_list"),
    path("enterprises/<int:pk>/", api(views.EnterpriseDetail), name="enterprise_detail"),
    path("applications/", api(views.ApplicationList), name="application_list"),
    path("applications/<int:pk>/", api(views.ApplicationDetail), name="application_detail"),
    path("applications/<int:pk>/events/", api(views.ApplicationEventList), name="application_events"),
    path("applications/<int:pk>/transition/", api(views.ApplicationTransition), name="application_transition"),
    path("applications/<int:pk>/evidence/", api(views.RequirementList), name="requirement_list"),
    path("applications/<int:pk>/forms/", api(views.FormList), name="form_list"),
    path("applications/<int:pk>/audit-rounds/", api(views.RoundList), name="round_list"),
    path("applications/<int:pk>/findings/", api(views.FindingList), name="finding_list"),
    path("applications/<int:pk>/score-sheet/", api(views.ScoreSheetDetail), name="score_sheet"),
    path("evidence-requirements/<int:pk>/", api(views.RequirementDetail), name="requirement_detail"),
    path("evidence-files/<int:pk>/", api(views.EvidenceFileDetail), name="evidence_file_detail"),
    path("audit-rounds/<int:pk>/", api(views.RoundDetail), name="round_detail"),
    path("findings/<int:pk>/", api(views.FindingDetail), name="finding_detail"),
    path("certificates/", api(views.CertificateList), name="certificate_list"),
    path("certificates/<int:pk>/", api(views.CertificateDetail), name="certificate_detail"),
    path("certificates/<int:pk>/history/", api(views.CertificateHistory), name="certificate_history"),
    path("certificates/<int:pk>/status/", api(views.CertificateStatusChange), name="certificate_status"),
    path("notifications/", api(views.NotificationList), name="notification_list"),
    path("public/certificates/<str:number>/", api(views.PublicCertificate), name="public_certificate"),
    path("schema/", docs(SpectacularAPIView), name="schema"),
    path("docs/", docs(SpectacularSwaggerSplitView, url_name="api:schema"), name="docs"),
    path("redoc/", docs(SpectacularRedocView, url_name="api:schema"), name="redoc"),
]
