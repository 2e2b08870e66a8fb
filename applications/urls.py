from django.urls import path

from applications.views import applications, evidence, profile

app_name = "applications"

urlpatterns = [
    path("enterprise/", profile.my_enterprise, name="my_enterprise"),
    path("enterprises/<int:pk>/", profile.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/edit/", profile.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/<str:kind>/new/", profile.profile_item_edit, name="profile_item_add"),
    path("enterprises/<int:pk>/<str:kind>/<int:item_pk>/", profile.profile_item_edit, name="profile_item_edit"),
    path(
        "enterprises/<int:pk>/<str:kind>/<int:item_pk>/delete/",
        profile.profile_item_delete,
        name="profile_item_delete",
    ),
    path("applications/", applications.application_list, name="list"),
    path("applications/new/", applications.application_create, name="create"),
    path("applications/<int:pk>/", applications.application_detail, name="detail"),
    path("applications/<int:pk>/transition/", applications.application_transition, name="transition"),
    path("applications/<int:pk>/scope/", applications.application_scope, name="scope"),
    path("applications/<int:pk>/invite/", applications.consultant_invite, name="invite"),
    path("invitations/<str:token>/", applications.invitation_accept, name="invitation"),
    path("applications/<int:pk>/evidence/", evidence.evidence_checklist, name="evidence"),
    path("applications/<int:pk>/evidence/archive/", evidence.evidence_archive_request, name="evidence_archive_request"),
    path("evidence/items/<int:pk>/", evidence.evidence_requirement, name="evidence_requirement"),
    path("evidence/items/<int:pk>/upload/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/items/<int:pk>/answer/", evidence.evidence_answer, name="evidence_answer"),
    path("evidence/items/<int:pk>/review/", evidence.evidence_requirement_review, name="evidence_requirement_review"),
    path("evidence/files/<int:pk>/", evidence.evidence_file_download, name="evidence_file"),
    path("evidence/files/<int:pk>/preview/", evidence.evidence_file_preview, name="evidence_file_preview"),
    path("evidence/files/<int:pk>/thumbnail/", evidence.evidence_file_thumbnail, name="evidence_file_thumbnail"),
    path("evidence/files/<int:pk>/replace/", evidence.evidence_file_replace, name="evidence_file_replace"),
    path("evidence/files/<int:pk>/edit/", evidence.evidence_file_edit, name="evidence_file_edit"),
    path("evidence/files/<int:pk>/withdraw/", evidence.evidence_file_withdraw, name="evidence_file_withdraw"),
    path("evidence/files/<int:pk>/review/", evidence.evidence_file_review, name="evidence_file_review"),
    path("evidence/archives/<int:pk>/", evidence.evidence_archive, name="evidence_archive"),
    path("evidence/archives/<int:pk>/download/", evidence.evidence_archive_download, name="evidence_archive_download"),
]
