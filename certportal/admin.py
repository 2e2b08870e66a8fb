from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from certportal.models import OutgoingEmail, WorkerHeartbeat

admin.site.site_header = _("certportal administration")
admin.site.site_title = _("certportal administration")
admin.site.index_title = _("Administration")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "beat_at"]
    readonly_fields = ["hostname", "beat_at"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    readonly_fields = ["to", "subject", "body_text", "body_html", "attachments", "attempts", "last_error", "sent_at"]

    @admin.display(description=_("recipients"), ordering="to")
    def recipients(self, email: OutgoingEmail) -> str:
        return ", ".join(email.to)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # e-mails are queued by the portal, which also has them sent


# --- The login lockouts (django-axes) -------------------------------------------------------------
# django-axes ships no Chinese. Its labels are listed here so that the portal's catalogue translates
# them (the project's catalogue comes first for every app).
AXES_LABELS = [
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("access log"),
    gettext_noop("access logs"), gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("Username"), gettext_noop("HTTP Accept"),
    gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Logout Time"), gettext_noop("Failed Logins"),
    gettext_noop("GET Data"), gettext_noop("POST Data"), gettext_noop("Access lock out"),
    gettext_noop("Session key hash (sha256)"), gettext_noop("Expires At"), gettext_noop("Access Attempt"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Locked Out"), gettext_noop("Attempt Remaining"), gettext_noop("Not set"),
    gettext_noop("Form Data"), gettext_noop("Meta Data"), gettext_noop("Clean up expired attempts"),
]  # fmt: skip


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        return str(super().status(obj))

    @admin.display(description=_("expires"))
    def expiration(self, obj: AccessAttempt) -> str:
        return str(super().expiration(obj))


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
