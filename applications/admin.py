from django.contrib import admin

from applications import services
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    ConsultantInvitation,
    Enterprise,
    FormRendition,
    LawStandardRow,
    PaperShipment,
    Product,
    ServiceManager,
    ServiceOutlet,
)


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0


class OutletInline(admin.TabularInline):
    model = ServiceOutlet
    extra = 0


class ManagerInline(admin.TabularInline):
    model = ServiceManager
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "contact_person", "contact_mobile", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc", "contact_person", "email"]
    inlines = [ProductInline, OutletInline, ManagerInline]


class EventInline(admin.TabularInline):
    """The timeline, read-only: events are never edited or deleted."""

    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "enterprise", "status", "consultant", "kind", "created_at", "submitted_at"]
    list_filter = ["status", "kind", "consultant"]
    search_fields = ["reference", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "consultant"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["scope"]
    readonly_fields = ["reference", "status", "status_changed_at", "submitted_at", "closed_at"]
    inlines = [EventInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """An admin assigning a consultant goes through the service, so the timeline shows it."""
        super().save_model(request, obj, form, change)
        if "consultant" in form.changed_data and obj.consultant is not None:
            services.consultant_assign(application=obj, consultant=obj.consultant, actor=request.user)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind", "to_status"]
    search_fields = ["application__reference", "comment"]
    list_select_related = ["application", "actor"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ConsultantInvitation)
class ConsultantInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "application", "invited_by", "created_at", "accepted_at"]
    search_fields = ["email", "application__reference"]
    readonly_fields = ["token"]


admin.site.register(
    Product, search_fields=["name", "model", "enterprise__name"], list_display=["name", "model", "enterprise"]
)
admin.site.register(
    ServiceOutlet, search_fields=["name", "enterprise__name"], list_display=["name", "kind", "phone", "enterprise"]
)
admin.site.register(
    ServiceManager,
    search_fields=["name", "enterprise__name"],
    list_display=["name", "department", "post", "enterprise"],
)


# --- The application forms: looked at here, changed only through the portal's pages -------------


class LawRowInline(admin.TabularInline):
    model = LawStandardRow
    extra = 0
    fields = ["name", "number", "issuer"]


@admin.register(ApplicationForm)
class ApplicationFormAdmin(admin.ModelAdmin):
    list_display = ["application", "form_type", "updated_at"]
    list_filter = ["form_type"]
    search_fields = ["application__reference", "application__enterprise__name"]
    list_select_related = ["application"]
    readonly_fields = ["application", "form_type"]
    inlines = [LawRowInline]


@admin.register(FormRendition)
class FormRenditionAdmin(admin.ModelAdmin):
    """Versions are made by the portal; the admin shows them (and their errors), nothing more."""

    list_display = ["form", "version", "kind", "status", "size", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind", "form__form_type"]
    search_fields = ["form__application__reference", "sha256"]
    list_select_related = ["form__application", "requested_by"]
    exclude = ["context"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(
    PaperShipment,
    list_display=["application", "courier", "tracking_number", "sent_on", "received_on"],
    search_fields=["application__reference", "tracking_number"],
)
