from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User

Role = User.Role

# Each role with what it lets its holder do, so that whoever makes an account knows what they give.
ROLE_CHOICES = [
    ("", _("No portal role: an administrator of this site only, who sees no application in the portal")),
    (
        Role.ENTERPRISE,
        _(
            "Enterprise user: keeps the enterprise's basic information, applies for certification, uploads "
            "the evidence, signs the forms and answers the findings of its own applications (choose the "
            "enterprise below)"
        ),
    ),
    (
        Role.CONSULTANT,
        _(
            "Consultant: helps the enterprises that chose them, for the applications they are assigned to: "
            "reviews the evidence and prepares the application forms"
        ),
    ),
    (
        Role.AUDITOR,
        _(
            "Auditor (certification-body staff): sees every submitted application, reviews it, schedules and "
            "runs the three video audits, raises findings and fills in the score sheet"
        ),
    ),
    (
        Role.CERTIFIER,
        _(
            "Certifier (certification-body staff): decides on certification after the audits and issues, "
            "suspends and withdraws the certificates"
        ),
    ),
    (
        Role.BODY_MANAGER,
        _(
            "Body manager (certification-body staff): sees everything the auditors and certifiers see, "
            "assigns complaints and appeals and keeps their register"
        ),
    ),
]


class StaffCreationForm(UserCreationForm):
    """The admin's "add user" form: the role chosen with what each one may do, and admin access explained."""

    role = forms.ChoiceField(
        label=_("role"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Certification-body staff are the auditors, the certifiers and the body manager. Enterprise users "
            "belong to exactly one enterprise; every other role belongs to none."
        ),
    )
    is_staff = forms.BooleanField(
        label=_("admin access"),
        required=False,
        help_text=_(
            "May sign in to this administration site and change what their permissions allow. The portal "
            "itself does not need it: give it only to the people who administer the portal."
        ),
    )
    is_superuser = forms.BooleanField(
        label=_("every admin permission"),
        required=False,
        help_text=_(
            "Has every permission of the administration site without being given each one (superuser). "
            "Needs admin access too."
        ),
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "language", "role", "enterprise", "is_staff", "is_superuser")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        is_enterprise_user = cleaned.get("role") == Role.ENTERPRISE
        if is_enterprise_user and cleaned.get("enterprise") is None:
            self.add_error("enterprise", _("An enterprise user belongs to an enterprise: choose it."))
        if not is_enterprise_user and cleaned.get("enterprise") is not None:
            self.add_error("enterprise", _("Only enterprise users belong to an enterprise: leave it empty."))
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "email", "role", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "mobile", "enterprise__name"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "mobile", "language")}),
        (_("Role in the portal"), {"fields": ("role", "enterprise")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "language")}),
        (_("Role in the portal"), {"classes": ("wide",), "fields": ("role", "enterprise")}),
        (_("Admin access"), {"classes": ("wide",), "fields": ("is_staff", "is_superuser")}),
        (_("Password"), {"classes": ("wide",), "fields": ("password1", "password2")}),
    )
