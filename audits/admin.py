"""Admin for the audits. The score sheet versions are data the administrators edit: copy the current
version into a draft, change its indicators and thresholds, publish it. Published versions are
read-only, so every score sheet keeps the indicators it was scored on. Certificates, decisions and
their histories are read-only here: they change through the portal's pages, which keep the events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import (
    AuditRound,
    Certificate,
    CertificateEvent,
    CertificationDecision,
    Finding,
    Indicator,
    PlatformExport,
    ReportColumn,
    ScoreSheet,
    ScoreSheetVersion,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "version"
    extra = 0
    fields = ["position", "code", "name", "name_en", "parent", "max_points", "sampled", "guidance"]
    ordering = ["position", "code"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # A second-level indicator belongs under a first-level one of the same version.
            version_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Indicator.objects.filter(parent__isnull=True, version_id=version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published


@admin.register(ScoreSheetVersion)
class ScoreSheetVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "published_at", "sheet_count"]
    inlines = [IndicatorInline]
    actions = ["copy_as_draft", "publish"]
    readonly_fields = ["published_at"]

    @admin.display(description=_("score sheets"))
    def sheet_count(self, obj: ScoreSheetVersion) -> int:
        return obj.sheets.count()

    def has_change_permission(self, request: HttpRequest, obj: ScoreSheetVersion | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request: HttpRequest, obj: ScoreSheetVersion | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)

    @admin.action(description=_("Copy as a new draft version"))
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[ScoreSheetVersion]) -> None:
        for version in queryset:
            copy = version_copy(version)
            self.message_user(request, _("Draft version %(number)s created.") % {"number": copy.number})

    @admin.action(description=_("Publish (new score sheets will use it)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ScoreSheetVersion]) -> None:
        for version in queryset.filter(published_at__isnull=True):
            problems = version.problems()
            if problems:
                self.message_user(request, f"v{version.number}: " + " ".join(map(str, problems)), messages.ERROR)
                continue
            version.published_at = timezone.now()
            version.save(update_fields=["published_at", "updated_at"])
            self.message_user(request, _("Version %(number)s published.") % {"number": version.number})


@transaction.atomic
def version_copy(version: ScoreSheetVersion) -> ScoreSheetVersion:
    """A draft copy of a version, indicators included, numbered after the highest version."""
    number = (ScoreSheetVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    fields = {f.name: getattr(version, f.name) for f in ScoreSheetVersion._meta.concrete_fields
              if f.name not in {"id", "number", "published_at", "created_at", "updated_at"}}  # fmt: skip
    copy = ScoreSheetVersion.objects.create(**fields, number=number, published_at=None)
    parents: dict[int, Indicator] = {}
    # First-level indicators first, so that their copies exist when the second level is copied.
    first_level = version.indicators.filter(parent__isnull=True).order_by("position")
    second_level = version.indicators.filter(parent__isnull=False).order_by("position")
    for indicator in [*first_level, *second_level]:
        old_pk, old_parent = indicator.pk, indicator.parent_id
        indicator.pk = None
        indicator.version = copy
        indicator.parent = parents.get(old_parent) if old_parent else None
        indicator.save()
        parents[old_pk] = indicator
    return copy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder_name", "star_level", "issued_on", "expires_on", "status", "surveillance_due_on"]
    list_filter = ["status", "star_level", "pdf_status"]
    search_fields = ["number", "holder_name", "holder_uscc"]


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind", "to_status"]
    search_fields = ["certificate__number", "reason"]


@admin.register(CertificationDecision)
class CertificationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "star_level", "score", "certifier", "decided_at"]
    list_filter = ["outcome"]


@admin.register(AuditRound)
class AuditRoundAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "starts_at", "ends_at", "schedule_status", "lead_auditor", "done_at"]
    list_filter = ["schedule_status", "method"]
    search_fields = ["application__reference", "application__enterprise__name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "grade", "indicator", "deadline", "status"]
    list_filter = ["grade", "status"]
    search_fields = ["application__reference", "description"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["application", "version", "updated_at"]


@admin.register(ReportColumn)
class ReportColumnAdmin(admin.ModelAdmin):
    """The national platform's columns: their order and headings follow the platform's template."""

    list_display = ("position", "heading", "field")
    list_editable = ("heading", "field")
    ordering = ("position",)


@admin.register(PlatformExport)
class PlatformExportAdmin(ReadOnlyAdmin):
    list_display = ("exported_at", "exported_by", "date_from", "date_to", "file_format", "row_count")
