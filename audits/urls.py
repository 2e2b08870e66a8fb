from django.urls import path

from audits.views import (
    certificate_changes,
    certificate_deadlines,
    certificates,
    dashboard,
    decisions,
    findings,
    review,
    rounds,
    scoring,
    surveillance,
)

app_name = "audits"

urlpatterns = [
    path("dashboard/", dashboard.body_dashboard, name="dashboard"),
    path("schedule/", rounds.audit_schedule, name="schedule"),
    path("applications/<int:pk>/review/", review.review, name="review"),
    path("applications/<int:pk>/rounds/", rounds.rounds_overview, name="rounds"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/schedule/", rounds.round_plan_page, name="round_schedule"),
    path("rounds/<int:pk>/answer/", rounds.round_respond_post, name="round_respond"),
    path("rounds/<int:pk>/done/", rounds.round_done, name="round_done"),
    path("rounds/<int:pk>/calendar.ics", rounds.round_calendar, name="round_calendar"),
    path("rounds/<int:pk>/interviews/new/", rounds.interview_edit, name="interview_add"),
    path("rounds/<int:pk>/interviews/<int:interview_pk>/", rounds.interview_edit, name="interview_edit"),
    path(
        "rounds/<int:pk>/interviews/<int:interview_pk>/delete/",
        rounds.interview_delete_post,
        name="interview_delete",
    ),
    path("rounds/<int:pk>/photos/", rounds.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", rounds.photo_file, name="photo"),
    path("photos/<int:pk>/delete/", rounds.photo_delete_post, name="photo_delete"),
    path("applications/<int:pk>/findings/", findings.finding_list, name="findings"),
    path("applications/<int:pk>/findings/new/", findings.finding_create, name="finding_add"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding"),
    path("findings/<int:pk>/answer/", findings.finding_answer_post, name="finding_answer"),
    path("findings/<int:pk>/verify/", findings.finding_verify_post, name="finding_verify"),
    path("evidence/<int:pk>/", findings.evidence_file, name="evidence"),
    path("applications/<int:pk>/score/", scoring.score_sheet, name="score_sheet"),
    path("applications/<int:pk>/score/<int:indicator_pk>/", scoring.indicator_save, name="indicator_save"),
    path("applications/<int:pk>/score/special/", scoring.special_item_add_post, name="special_item_add"),
    path(
        "applications/<int:pk>/score/special/<int:item_pk>/delete/",
        scoring.special_item_delete_post,
        name="special_item_delete",
    ),
    path("applications/<int:pk>/score/recommendation/", scoring.recommendation_save_post, name="recommendation"),
    path("applications/<int:pk>/decision/", decisions.decision, name="decision"),
    path(
        "certificates/<int:pk>/surveillance/open/", surveillance.surveillance_open_post, name="surveillance_open"
    ),
    path(
        "applications/<int:pk>/surveillance/confirm/",
        surveillance.surveillance_confirm_page,
        name="surveillance_confirm",
    ),
    path(
        "applications/<int:pk>/surveillance/decision/",
        surveillance.surveillance_decision_page,
        name="surveillance_decision",
    ),
    path("certificates/", certificates.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", certificates.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/pdf/status/", certificates.certificate_pdf_status, name="certificate_pdf_status"),
    path("certificates/<int:pk>/pdf/retry/", certificates.certificate_pdf_retry_post, name="certificate_pdf_retry"),
    path("certificates/<int:pk>/status/", certificates.certificate_status, name="certificate_status"),
    path("certificates/<int:pk>/surveillance/", certificates.certificate_surveillance, name="certificate_surveillance"),
    path(
        "certificates/<int:pk>/surveillance/extend/",
        certificate_deadlines.certificate_extension_post,
        name="certificate_extension",
    ),
    path(
        "certificates/<int:pk>/changes/new/",
        certificate_changes.certificate_change_request_page,
        name="certificate_change_request",
    ),
    path("certificate-changes/<int:pk>/", certificate_changes.certificate_change_page, name="certificate_change"),
    path(
        "certificate-changes/<int:pk>/decide/",
        certificate_changes.certificate_change_decide_post,
        name="certificate_change_decide",
    ),
    path(
        "certificate-change-files/<int:pk>/",
        certificate_changes.certificate_change_file,
        name="certificate_change_file",
    ),
    path(
        "certificate-versions/<int:pk>/pdf/",
        certificate_changes.certificate_version_pdf,
        name="certificate_version_pdf",
    ),
]
