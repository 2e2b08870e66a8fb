from django.urls import path

from applications.views import applications, documents, profile

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
    # The application documents (申请文件).
    path("applications/<int:pk>/forms/", documents.form_list, name="forms"),
    path("applications/<int:pk>/forms/table/", documents.forms_table, name="forms_table"),
    path("applications/<int:pk>/forms/generate/", documents.forms_generate, name="forms_generate"),
    path("applications/<int:pk>/forms/laws/rows/new/", documents.law_row_edit, name="law_row_add"),
    path("applications/<int:pk>/forms/laws/rows/<int:row_pk>/", documents.law_row_edit, name="law_row_edit"),
    path("applications/<int:pk>/forms/laws/rows/<int:row_pk>/delete/", documents.law_row_delete, name="law_row_delete"),
    path("applications/<int:pk>/forms/<str:form_type>/", documents.form_detail, name="form"),
    path("applications/<int:pk>/forms/<str:form_type>/status/", documents.form_status, name="form_status"),
    path("applications/<int:pk>/forms/<str:form_type>/generate/", documents.form_generate, name="form_generate"),
    path("applications/<int:pk>/forms/<str:form_type>/sign/", documents.form_sign, name="form_sign"),
    path("applications/<int:pk>/forms/<str:form_type>/scan/", documents.form_scan_upload, name="form_scan"),
    path("applications/<int:pk>/versions/<int:rendition_pk>/", documents.rendition_download, name="rendition"),
    path("applications/<int:pk>/versions/<int:rendition_pk>/retry/", documents.rendition_retry, name="rendition_retry"),
    path("applications/<int:pk>/versions/<int:rendition_pk>/review/", documents.scan_review, name="scan_review"),
    path("applications/<int:pk>/paper-copies/", documents.shipment_add, name="shipment_add"),
    path(
        "applications/<int:pk>/paper-copies/<int:shipment_pk>/received/",
        documents.shipment_receive,
        name="shipment_receive",
    ),
    path("enterprises/<int:pk>/seal/", documents.enterprise_seal, name="enterprise_seal"),
    path("enterprises/<int:pk>/seal/image/", documents.enterprise_seal_image, name="enterprise_seal_image"),
]
