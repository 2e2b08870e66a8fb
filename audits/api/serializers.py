"""What the API shows of each object: the facts its page shows, never more."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    Enterprise,
    EvidenceFile,
    EvidenceRequirement,
    FormRendition,
    Product,
    ServiceOutlet,
)
from audits.models import AuditRound, Certificate, CertificateEvent, Finding
from audits.views.public import PUBLIC_FIELDS
from notifications.models import Notification


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "model", "description"]


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceOutlet
        fields = ["id", "name", "address", "phone", "kind", "contact"]


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "uscc", "kind", "registered_address", "service_address"]


class EnterpriseProfileSerializer(serializers.ModelSerializer):
    products = ProductSerializer(many=True, read_only=True)
    outlets = OutletSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "uscc", "kind", "registered_address", "service_address", "legal_representative",
            "founded_on", "registered_capital", "contact_person", "contact_mobile", "phone", "email", "website",
            "service_hotline", "headcount_total", "headcount_after_sales", "headcount_service_management",
            "sales_regions", "sales_methods", "certifications_held", "after_sales_since",
            "has_after_sales_department", "has_qualified_staff", "has_fixed_premises", "has_electronic_management",
            "keeps_service_records", "products", "outlets",
        ]  # fmt: skip


class ApplicationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    consultant: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Application
        fields = [
            "id", "reference", "kind", "status", "status_display", "enterprise", "enterprise_name", "consultant",
            "desired_star_level", "status_changed_at", "submitted_at", "closed_at", "created_at",
        ]  # fmt: skip


class AllowedTransitionSerializer(serializers.Serializer):
    target = serializers.CharField()
    name = serializers.CharField()
    comment_required = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class ApplicationDetailSerializer(ApplicationSerializer):
    scope = ProductSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "scope", "allowed_transitions"]

    @extend_schema_field(AllowedTransitionSerializer(many=True))
    def get_allowed_transitions(self, application: Application) -> list[dict[str, Any]]:
        return self.context["transitions"]


class EventSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = ["id", "kind", "kind_display", "from_status", "to_status", "actor", "comment", "created_at"]


class TransitionRequestSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=30)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class EvidenceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id", "requirement", "original_name", "size", "content_type", "status", "version", "is_current",
            "note", "document_date", "created_at", "reviewed_at", "review_reason", "download_url",
        ]  # fmt: skip

    def get_download_url(self, evidence: EvidenceFile) -> str:
        return reverse("applications:evidence_file", kwargs={"pk": evidence.pk})


class EvidenceRequirementSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    title = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceRequirement
        fields = [
            "id", "application", "code", "title", "copies_required", "per_product", "answer", "answer_note",
            "review_status", "review_reason", "reviewed_at", "files",
        ]  # fmt: skip

    def get_title(self, requirement: EvidenceRequirement) -> str:
        return str(requirement.item)

    @extend_schema_field(EvidenceFileSerializer(many=True))
    def get_files(self, requirement: EvidenceRequirement) -> list[dict[str, Any]]:
        current = [evidence for evidence in requirement.files.all() if evidence.is_current]
        return EvidenceFileSerializer(current, many=True).data  # type: ignore[return-value]  # a ReturnList


class RenditionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = FormRendition
        fields = ["id", "version", "kind", "status", "original_name", "sha256", "size", "created_at", "download_url"]

    def get_download_url(self, rendition: FormRendition) -> str:
        application_pk = rendition.form.application_id
        return reverse("applications:rendition", kwargs={"pk": application_pk, "rendition_pk": rendition.pk})


class FormSerializer(serializers.ModelSerializer):
    form_type_display = serializers.CharField(source="get_form_type_display", read_only=True)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationForm
        fields = ["id", "form_type", "form_type_display", "updated_at", "versions"]

    @extend_schema_field(RenditionSerializer(many=True))
    def get_versions(self, form: ApplicationForm) -> list[dict[str, Any]]:
        show_unsigned = self.context["show_unsigned"]
        shown = [r for r in form.renditions.all() if show_unsigned or r.kind != FormRendition.Kind.UNSIGNED]
        return RenditionSerializer(shown, many=True).data  # type: ignore[return-value]  # a ReturnList


class AuditRoundSerializer(serializers.ModelSerializer):
    lead_auditor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = AuditRound
        fields = [
            "id", "application", "number", "starts_at", "ends_at", "method", "platform", "lead_auditor",
            "schedule_status", "summary", "done_at",
        ]  # fmt: skip


class FindingSerializer(serializers.ModelSerializer):
    indicator: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Finding
        fields = [
            "id", "application", "audit_round", "number", "indicator", "grade", "description", "deadline",
            "status", "root_cause", "correction", "corrective_action", "answered_at", "verification_note",
            "verified_at",
        ]  # fmt: skip


class IndicatorScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    awarded = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    excluded = serializers.BooleanField()


class ScoreSheetSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    version = serializers.IntegerField()
    recommendation = serializers.CharField()
    complete = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    star_level = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    indicators = IndicatorScoreSerializer(many=True)


class CertificateSerializer(serializers.ModelSerializer):
    status_display = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "version", "application", "enterprise", "holder_name", "holder_address", "holder_uscc",
            "scope", "standard", "star_level", "score", "issued_on", "expires_on", "status", "status_display",
            "status_changed_at", "status_reason", "suspended_until", "surveillance_due_on",
            "surveillance_extended_to", "pdf_status", "pdf_url",
        ]  # fmt: skip

    def get_status_display(self, certificate: Certificate) -> str:
        return str(certificate.effective_status_display())

    def get_pdf_url(self, certificate: Certificate) -> str:
        return reverse("audits:certificate_pdf", kwargs={"pk": certificate.pk})


class CertificateEventSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CertificateEvent
        fields = ["id", "kind", "kind_display", "from_status", "to_status", "actor", "reason", "created_at"]


class CertificateStatusRequestSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=20)
    reason = serializers.CharField(allow_blank=True, default="", max_length=2000)
    suspended_until = serializers.DateField(required=False, allow_null=True, default=None)


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="shown_title", read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "application", "title", "body", "url", "created_at", "read_at"]


class PublicChangeSerializer(serializers.Serializer):
    """One approved change, as the public page lists it: never the body's reasons."""

    date = serializers.DateField()
    version = serializers.IntegerField()
    holder_name = serializers.CharField()
    holder_address = serializers.CharField()
    added = serializers.ListField(child=serializers.CharField())
    removed_count = serializers.IntegerField()


class PublicCertificateSerializer(serializers.ModelSerializer):
    status_display = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [*PUBLIC_FIELDS, "status_display", "changes"]  # the public page's facts

    def get_status_display(self, certificate: Certificate) -> str:
        return str(certificate.effective_status_display())

    @extend_schema_field(PublicChangeSerializer(many=True))
    def get_changes(self, certificate: Certificate) -> list[dict[str, Any]]:
        return [
            {
                "date": timezone.localdate(event.created_at),
                "version": event.data.get("version"),
                "holder_name": event.data.get("holder_name", ""),
                "holder_address": event.data.get("holder_address", ""),
                "added": event.data.get("added", []),
                "removed_count": len(event.data.get("removed", [])),
            }
            for event in self.context["changes"]
        ]
