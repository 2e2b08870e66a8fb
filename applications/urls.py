from django.urls import path

from applications.views import applications, profile

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
]
