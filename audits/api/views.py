"""The API's views. Each loads through the pages' access helpers or `visible_to()` querysets and
writes only through the pages' services, so a user has exactly the access they have in the pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import django_filters
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from applications import services as application_services
from applications import workflow
from applications.access import (
    get_application_for,
    get_enterprise_for,
    get_evidence_file_for,
    get_requirement_for,
    sees_unsigned_versions,
)
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    Enterprise,
    EvidenceFile,
    EvidenceRequirement,
)
from audits import selectors
from audits.access import get_certificate_for, get_finding_for, get_round_for, get_score_sheet_for
from audits.api import serializers as s
from audits.models import AuditRound, Certificate, CertificateEvent, Finding
from audits.services.certificate_changes import public_change_history
from audits.services.certificates import certificate_change_status
from audits.views.public import PUBLIC_FIELDS
from certportal.accounts.models import User
from notifications.models import Notification


def user_of(request: Request) -> User:
    assert isinstance(request.user, User)  # TokenScope lets only signed-in users through
    return request.user


class Detail(generics.GenericAPIView):
    """One object with an ETag: a client that sends it back in If-None-Match gets 304 while the
    object (as this user sees it, in this language) is unchanged."""

    def loaded(self) -> Any:
        raise NotImplementedError

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(self.loaded()).data
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()
        etag = f'"{digest}"'
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


# --- Enterprises ---------------------------------------------------------------------------------


class EnterpriseList(generics.ListAPIView):
    queryset = Enterprise.objects.none()  # the model, for the schema
    serializer_class = s.EnterpriseSerializer

    def get_queryset(self) -> QuerySet[Enterprise]:
        return Enterprise.objects.visible_to(user_of(self.request)).order_by("name", "pk")


class EnterpriseDetail(Detail):
    serializer_class = s.EnterpriseProfileSerializer

    def loaded(self) -> Enterprise:
        return get_enterprise_for(user_of(self.request), self.kwargs["pk"])


# --- Applications --------------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Application.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Application.Kind.choices)
    reference = django_filters.CharFilter(lookup_expr="icontains")
    open = django_filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Application
        fields = ["status", "kind", "enterprise", "reference", "open"]

    def filter_open(self, queryset: QuerySet[Application], name: str, value: bool | None) -> QuerySet[Application]:
        if value is None:
            return queryset
        closed = Application.CLOSED_STATUSES
        return queryset.exclude(status__in=closed) if value else queryset.filter(status__in=closed)


class ApplicationList(generics.ListAPIView):
    queryset = Application.objects.none()  # the model, for the schema
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self) -> QuerySet[Application]:
        return (
            Application.objects.visible_to(user_of(self.request))
            .select_related("enterprise", "consultant")
            .order_by("-created_at", "-pk")
        )


def allowed_transitions(user: User, application: Application) -> list[dict[str, Any]]:
    """The steps the application page offers this user, each with what still blocks it."""
    return [
        {
            "target": transition.target,
            "name": str(transition.label),
            "comment_required": transition.comment_required,
            "problems": [str(problem) for problem in workflow.blocking_problems(transition, application, user)],
        }
        for transition in workflow.transitions_for(user, application)
    ]


class ApplicationDetail(Detail):
    serializer_class = s.ApplicationDetailSerializer

    def loaded(self) -> Application:
        return get_application_for(user_of(self.request), self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if "pk" in self.kwargs:  # not while the schema is drawn
            context["transitions"] = allowed_transitions(user_of(self.request), self.loaded())
        return context


class ApplicationEventList(generics.ListAPIView):
    queryset = ApplicationEvent.objects.none()  # the model, for the schema
    serializer_class = s.EventSerializer

    def get_queryset(self) -> QuerySet[Any]:
        application = get_application_for(user_of(self.request), self.kwargs["pk"])
        return application.events.select_related("actor").order_by("-created_at", "-pk")


class ApplicationTransition(APIView):
    """Take a step of the workflow, as the application page's buttons do."""

    @extend_schema(request=s.TransitionRequestSerializer, responses=s.ApplicationDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        user = user_of(request)
        application = get_application_for(user, pk)
        body = s.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = body.validated_data["target"]
        transition = workflow.find_transition(application.status, target)
        if transition is not None and transition.own_page:
            # A step with its own page (the certification decision) is not taken by a bare transition.
            raise exceptions.ValidationError({"target": [_("This step is taken on its own page.")]})
        application_services.application_transition(
            application=application, actor=user, target=target, comment=body.validated_data["comment"]
        )
        application = get_application_for(user, pk)
        context = {"request": request, "transitions": allowed_transitions(user, application)}
        return Response(s.ApplicationDetailSerializer(application, context=context).data)


# --- Evidence and forms --------------------------------------------------------------------------


class RequirementList(generics.ListAPIView):
    queryset = EvidenceRequirement.objects.none()  # the model, for the schema
    serializer_class = s.EvidenceRequirementSerializer

    def get_queryset(self) -> QuerySet[EvidenceRequirement]:
        application = get_application_for(user_of(self.request), self.kwargs["pk"])
        return (
            EvidenceRequirement.objects.filter(application=application)
            .select_related("item")
            .prefetch_related("files")
            .order_by("item__position", "pk")
        )


class RequirementDetail(Detail):
    serializer_class = s.EvidenceRequirementSerializer

    def loaded(self) -> EvidenceRequirement:
        return get_requirement_for(user_of(self.request), self.kwargs["pk"])


class EvidenceFileDetail(Detail):
    serializer_class = s.EvidenceFileSerializer

    def loaded(self) -> EvidenceFile:
        return get_evidence_file_for(user_of(self.request), self.kwargs["pk"])


class FormList(generics.ListAPIView):
    queryset = ApplicationForm.objects.none()  # the model, for the schema
    serializer_class = s.FormSerializer
    pagination_class = None  # six forms

    def get_queryset(self) -> QuerySet[Any]:
        application = get_application_for(user_of(self.request), self.kwargs["pk"])
        return application.forms.prefetch_related("renditions").order_by("pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if "pk" in self.kwargs:
            application = get_application_for(user_of(self.request), self.kwargs["pk"])
            context["show_unsigned"] = sees_unsigned_versions(user_of(self.request), application)
        return context


# --- Audits --------------------------------------------------------------------------------------


class RoundList(generics.ListAPIView):
    queryset = AuditRound.objects.none()  # the model, for the schema
    serializer_class = s.AuditRoundSerializer
    pagination_class = None  # three rounds

    def get_queryset(self) -> QuerySet[Any]:
        application = get_application_for(user_of(self.request), self.kwargs["pk"])
        return application.audit_rounds.select_related("lead_auditor").order_by("number")


class RoundDetail(Detail):
    serializer_class = s.AuditRoundSerializer

    def loaded(self) -> Model:
        return get_round_for(user_of(self.request), self.kwargs["pk"])


class FindingList(generics.ListAPIView):
    queryset = Finding.objects.none()  # the model, for the schema
    serializer_class = s.FindingSerializer

    def get_queryset(self) -> QuerySet[Finding]:
        user = user_of(self.request)
        application = get_application_for(user, self.kwargs["pk"])
        return Finding.objects.visible_to(user).filter(application=application).select_related("indicator")


class FindingDetail(Detail):
    serializer_class = s.FindingSerializer

    def loaded(self) -> Finding:
        return get_finding_for(user_of(self.request), self.kwargs["pk"])


class ScoreSheetDetail(Detail):
    serializer_class = s.ScoreSheetSerializer

    def loaded(self) -> dict[str, Any]:
        sheet = get_score_sheet_for(user_of(self.request), self.kwargs["pk"])
        result = selectors.score_sheet_result(sheet)
        entries = {entry.indicator_id: entry for entry in sheet.entries.all()}
        return {
            "application": sheet.application_id,
            "version": sheet.version.number,
            "recommendation": sheet.recommendation,
            "complete": result.complete,
            "total": result.total,
            "star_level": result.star_level,
            "vetoed": result.vetoed,
            "indicators": [
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "max_points": indicator.max_points,
                    "awarded": entries[indicator.pk].awarded if indicator.pk in entries else None,
                    "excluded": entries[indicator.pk].excluded if indicator.pk in entries else False,
                }
                for indicator in selectors.scored_indicators(sheet)
            ],
        }


# --- Certificates --------------------------------------------------------------------------------


class CertificateFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Certificate.Status.choices)
    number = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Certificate
        fields = ["status", "number", "star_level"]


class CertificateList(generics.ListAPIView):
    queryset = Certificate.objects.none()  # the model, for the schema
    serializer_class = s.CertificateSerializer
    filterset_class = CertificateFilter

    def get_queryset(self) -> QuerySet[Certificate]:
        return Certificate.objects.visible_to(user_of(self.request)).order_by("-issued_on", "-pk")


class CertificateDetail(Detail):
    serializer_class = s.CertificateSerializer

    def loaded(self) -> Certificate:
        return get_certificate_for(user_of(self.request), self.kwargs["pk"])


class CertificateHistory(generics.ListAPIView):
    queryset = CertificateEvent.objects.none()  # the model, for the schema
    serializer_class = s.CertificateEventSerializer

    def get_queryset(self) -> QuerySet[Any]:
        certificate = get_certificate_for(user_of(self.request), self.kwargs["pk"])
        return certificate.events.select_related("actor").order_by("-created_at", "-pk")


class CertificateStatusChange(APIView):
    """Suspend, reinstate, withdraw or cancel a certificate (certifiers), as on its status page."""

    @extend_schema(request=s.CertificateStatusRequestSerializer, responses=s.CertificateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        user = user_of(request)
        certificate = get_certificate_for(user, pk, write=True)
        body = s.CertificateStatusRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        certificate = certificate_change_status(certificate=certificate, actor=user, **body.validated_data)
        return Response(s.CertificateSerializer(certificate).data)


# --- Notifications -------------------------------------------------------------------------------


class NotificationList(generics.ListAPIView):
    queryset = Notification.objects.none()  # the model, for the schema
    serializer_class = s.NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.for_user(user_of(self.request))


# --- The public certificate check ----------------------------------------------------------------


class PublicCertificate(Detail):
    """Anyone checks a certificate by its number: the facts of the public page, nothing more."""

    serializer_class = s.PublicCertificateSerializer
    # No token needed; a signed-in visitor's session is still read, so that what they receive is
    # marked private like every other response to them.
    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]

    def loaded(self) -> Certificate:
        # Per client address, in the database cache shared by every web process.
        if is_ratelimited(self.request._request, group="api-verify", key="ip", rate=settings.API_VERIFY_RATE,
                          increment=True):  # fmt: skip
            raise exceptions.Throttled(detail=_("Too many requests. Please wait a minute and try again."))
        typed = self.kwargs["number"].strip()
        certificate = Certificate.objects.filter(number__in={typed, typed.upper()}).only(*PUBLIC_FIELDS).first()
        if certificate is None:
            raise exceptions.NotFound(_("No certificate has this number."))
        return certificate

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer[Any]:
        if args and isinstance(args[0], Certificate):
            kwargs["context"] = {"changes": public_change_history(args[0])}
        return super().get_serializer(*args, **kwargs)
