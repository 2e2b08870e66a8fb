from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    list_display = ["subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    readonly_fields = ["to", "subject", "body_text", "body_html", "attachments", "attempts", "last_error", "sent_at"]
