from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from applications import services
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    ConsultantInvitation,
    Enterprise,
    EvidenceArchive,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    FormRendition,
    LawStandardRow,
    PaperShipment,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from certportal.accounts.models import User
from certportal.lib.uploads import FAMILY_CHOICES

M = TypeVar("M", bound=Model)


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
    # Uploaded on the seal page, where it is checked and processed; never raw through the admin.
    readonly_fields = ["seal"]


class EventInline(admin.TabularInline):
    """The timeline, read-only: events are never edited or deleted."""

    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "actor", "from_status", "to_status", "comment")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def people_of(application: Application | None) -> QuerySet[User]:
    """Who prepares an application: its enterprise's users and its consultant (any of them, before
    the application is known)."""
    if application is None:
        return User.objects.filter(role__in=[User.Role.ENTERPRISE, User.Role.CONSULTANT])
    return User.objects.filter(Q(enterprise_id=application.enterprise_id) | Q(pk=application.consultant_id))


class PickerForm(forms.ModelForm):
    """An admin form whose pickers list only what belongs to the object being changed."""

    def saved(self, model: type[M]) -> M | None:
        """The object being changed, or None on the add page."""
        instance = self.instance
        return instance if isinstance(instance, model) and instance.pk else None

    def limit(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):  # many-to-many fields are one too
            field.queryset = queryset


class ApplicationAdminForm(PickerForm):
    """The scope lists the application's own enterprise's products; the consultant, consultants only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        application = self.saved(Application)
        if application is not None:
            self.limit("scope", Product.objects.filter(enterprise_id=application.enterprise_id).order_by("name", "pk"))
        elif "scope" in self.fields:
            self.limit("scope", Product.objects.none())
            self.fields["scope"].help_text = _(
                "Save the application first: the scope then lists its enterprise's products."
            )
        self.limit("consultant", User.objects.filter(role=User.Role.CONSULTANT).order_by("full_name", "pk"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        enterprise = cleaned.get("enterprise")
        if any(product.enterprise_id != getattr(enterprise, "pk", None) for product in cleaned.get("scope", [])):
            self.add_error("scope", _("Every product in the scope must be one of the application's enterprise's."))
        return cleaned


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    form = ApplicationAdminForm
    list_display = ["reference", "enterprise", "status", "consultant", "kind", "created_at", "submitted_at"]
    list_filter = ["status", "kind", "consultant"]
    search_fields = ["reference", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "consultant"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["scope"]
    readonly_fields = ["reference", "status", "status_changed_at", "submitted_at", "closed_at"]
    inlines = [EventInline]

    def save_model(self, request: HttpRequest, obj: Application, form: forms.ModelForm, change: bool) -> None:
        """An admin assigning a consultant goes through the service, so the timeline shows it."""
        super().save_model(request, obj, form, change)
        if "consultant" in form.changed_data and obj.consultant is not None:
            assert isinstance(request.user, User)  # the admin site is for signed-in staff only
            services.consultant_assign(application=obj, consultant=obj.consultant, actor=request.user)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind", "to_status"]
    search_fields = ["application__reference", "comment"]
    list_select_related = ["application", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ConsultantInvitationAdminForm(PickerForm):
    """Only the application's enterprise's users invite its consultant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitation = self.saved(ConsultantInvitation)
        if invitation is None:
            self.limit("invited_by", User.objects.filter(role=User.Role.ENTERPRISE))
        else:
            self.limit("invited_by", User.objects.filter(enterprise_id=invitation.application.enterprise_id))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        application, inviter = cleaned.get("application"), cleaned.get("invited_by")
        if application is not None and inviter is not None and inviter.enterprise_id != application.enterprise_id:
            self.add_error("invited_by", _("The invitation must come from one of the enterprise's users."))
        return cleaned


@admin.register(ConsultantInvitation)
class ConsultantInvitationAdmin(admin.ModelAdmin):
    form = ConsultantInvitationAdminForm
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


# --- Evidence -------------------------------------------------------------------------------------


class EvidenceItemForm(forms.ModelForm):
    """The accepted file types as checkboxes rather than raw JSON."""

    accepted_types = forms.MultipleChoiceField(
        label=_("accepted file types"), choices=FAMILY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = EvidenceItem
        fields = [
            "code", "phase", "position", "title_zh", "title_en", "guidance_zh", "guidance_en", "copies_required",
            "per_product", "accepted_types", "kind", "profile_source", "prerequisite", "active",
        ]  # fmt: skip


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    """The checklist definition: editable by admins; new applications take their copy of it."""

    form = EvidenceItemForm
    list_display = ["code", "title_zh", "phase", "copies_required", "per_product", "kind", "active"]
    list_editable = ["copies_required", "per_product", "active"]
    list_filter = ["phase", "kind", "per_product", "active"]
    search_fields = ["code", "title_zh", "title_en"]
    ordering = ["phase", "position"]


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "original_name",
        "status",
        "is_current",
        "version",
        "uploaded_by",
        "created_at",
        "review_reason",
    )

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(admin.ModelAdmin):
    """One application's copy of an item; copies and coverage may be adjusted for that application."""

    list_display = ["application", "item", "copies_required", "per_product", "review_status"]
    list_filter = ["review_status", "item__phase"]
    search_fields = ["application__reference", "item__title_zh"]
    list_select_related = ["application", "item"]
    readonly_fields = ["application", "item", "reviewed_by", "reviewed_at"]
    inlines = [EvidenceFileInline]


class EvidenceFileAdminForm(PickerForm):
    """Its pickers list only what belongs to the file's application: its scope's products, the item's
    other files, the application's people, its consultant (who reviews the evidence)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = self.saved(EvidenceFile)
        requirement = evidence.requirement if evidence is not None else None
        application = requirement.application if requirement is not None else None
        self.limit("products", Product.objects.filter(applications=application))
        self.limit("replaces", EvidenceFile.objects.filter(requirement=requirement).exclude(pk=self.instance.pk))
        self.limit("uploaded_by", people_of(application))
        reviewer = application.consultant_id if application is not None else None
        self.limit("reviewed_by", User.objects.filter(pk=reviewer) if reviewer else User.objects.none())


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """Files come in through the portal's upload check (the admin cannot add one); here their details
    may be corrected, with pickers limited to the file's own application."""

    form = EvidenceFileAdminForm
    list_display = ["original_name", "requirement", "status", "is_current", "size", "uploaded_by", "created_at"]
    list_filter = ["status", "is_current", "family", "thumbnail_status"]
    search_fields = ["original_name", "sha256", "requirement__application__reference"]
    list_select_related = ["requirement__application", "requirement__item", "uploaded_by"]
    readonly_fields = ["file", "thumbnail", "preview"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(EvidenceArchive)
class EvidenceArchiveAdmin(admin.ModelAdmin):
    list_display = ["application", "requested_by", "status", "file_count", "size", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["application__reference"]
    readonly_fields = ["application", "requested_by", "status", "file", "sha256", "size", "file_count", "error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PaperShipmentAdminForm(PickerForm):
    """The shipment is recorded by one of the application's people."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shipment = self.saved(PaperShipment)
        self.limit("recorded_by", people_of(shipment.application if shipment is not None else None))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        application, recorder = cleaned.get("application"), cleaned.get("recorded_by")
        if application is not None and recorder is not None and not people_of(application).filter(pk=recorder.pk):
            self.add_error("recorded_by", _("Choose one of the application's enterprise users or its consultant."))
        return cleaned


@admin.register(PaperShipment)
class PaperShipmentAdmin(admin.ModelAdmin):
    form = PaperShipmentAdminForm
    list_display = ["application", "courier", "tracking_number", "sent_on", "received_on"]
    search_fields = ["application__reference", "tracking_number"]
