"""The consultant's dashboard: every application assigned to them, one row each, with what is done
and who must move next. Every column is an SQL annotation, so a page costs the same few queries
whether the consultant follows three applications or ten thousand.

Days elapsed count from the day the application was started (its creation), as on the application
page; the seed's 20–40-day target gives the pace: on track up to 20 days, at risk after 20, late
after 40. Closed applications stop the clock at the day they closed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    FormRendition,
)
from applications.models.application import TARGET_DAYS_MAX, TARGET_DAYS_MIN, ApplicationQuerySet
from applications.models.forms import FormType
from applications.progress import WAITING_ON, Party
from audits import interface as audits
from certportal.accounts.models import User
from certportal.lib.validators import search_terms

Status = Application.Status
FORM_COUNT = len(FormType.values)
PAGE_SIZE = 25

PACES: dict[str, Promise] = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "late": _("Late"),
}


def _count(queryset: QuerySet[Any], field: str = "application") -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows belonging to the outer application."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _file_items() -> QuerySet[EvidenceRequirement]:
    """The application-phase requirements that ask for files (the evidence progress bar)."""
    return EvidenceRequirement.objects.filter(item__phase=EvidenceItem.Phase.APPLICATION, item__kind="files")


def _accepted_items() -> QuerySet[EvidenceRequirement]:
    """Accepted as a whole by the consultant, or (not sent back and) enough copies accepted.
    Per-product coverage is judged on the checklist page itself."""
    accepted_files = (
        EvidenceFile.objects.filter(requirement=OuterRef("pk"), is_current=True, status=EvidenceFile.Status.ACCEPTED)
        .order_by()
        .values("requirement")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        _file_items()
        .annotate(accepted_files=Coalesce(Subquery(accepted_files, output_field=IntegerField()), Value(0)))
        .filter(
            Q(review_status=EvidenceRequirement.ReviewStatus.ACCEPTED)
            | (
                ~Q(review_status=EvidenceRequirement.ReviewStatus.REJECTED)
                & Q(accepted_files__gte=F("copies_required"))
            )
        )
    )


def _signed_forms() -> QuerySet[FormRendition]:
    """Forms with a signature: a signed version ready, or a scan the consultant confirmed."""
    return FormRendition.objects.filter(
        Q(kind=FormRendition.Kind.SIGNED, status=FormRendition.Status.READY)
        | Q(kind=FormRendition.Kind.SCAN, scan_review=FormRendition.ScanReview.CONFIRMED)
    )


def waiting_on_expression() -> Case:
    return Case(
        *[When(status=status, then=Value(party)) for status, party in WAITING_ON.items() if party],
        default=Value(Party.NOBODY),
        output_field=CharField(),
    )


def statuses_waiting_on(party: str) -> list[str]:
    return [status for status, waiting in WAITING_ON.items() if waiting == party]


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def pace_bounds(today: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """Applications started before the first moment are at risk (more than 20 days), before the
    second late (more than 40), matching Application.pace()."""
    today = today or timezone.localdate()
    return (
        start_of_day(today - datetime.timedelta(days=TARGET_DAYS_MIN)),
        start_of_day(today - datetime.timedelta(days=TARGET_DAYS_MAX)),
    )


def annotate_rows(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The dashboard's columns as annotations (one SELECT with correlated subqueries)."""
    next_round = (
        audits.unfinished_scheduled_rounds()
        .filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(first=Min("starts_at"))
        .values("first")
    )
    last_event = (
        ApplicationEvent.objects.filter(application=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    signed = (
        _signed_forms()
        .filter(form__application=OuterRef("pk"))
        .order_by()
        .values("form__application")
        .annotate(n=Count("form", distinct=True))
        .values("n")
    )
    return applications.select_related("enterprise").annotate(
        evidence_required=_count(_file_items()),
        evidence_accepted=_count(_accepted_items()),
        forms_signed=Coalesce(Subquery(signed, output_field=IntegerField()), Value(0)),
        next_audit_at=Subquery(next_round, output_field=DateTimeField()),
        open_findings=_count(audits.open_findings()),
        last_activity_at=Coalesce(Subquery(last_event, output_field=DateTimeField()), F("updated_at")),
        waiting_on=waiting_on_expression(),
    )


# Sort keys users may choose (?sort=key or ?sort=-key) and the SQL ordering behind each.
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "enterprise": ("enterprise__name", "reference"),
    "stage": ("status", "reference"),
    "evidence": ("evidence_ratio", "reference"),
    "forms": ("forms_signed", "reference"),
    "next_audit": ("next_audit_at", "reference"),
    # More days elapsed = started earlier.
    "days": ("-created_at", "-pk"),
    "findings": ("open_findings", "reference"),
    "activity": ("last_activity_at", "reference"),
    "waiting": ("waiting_on", "reference"),
}
DEFAULT_SORT = "-days"


@dataclass(frozen=True)
class Filters:
    stage: str = ""
    waiting: str = ""
    pace: str = ""
    query: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Filters:
        """Unknown values are ignored rather than refused: a stale bookmark still shows the list."""
        stage = params.get("stage", "")
        waiting = params.get("waiting", "")
        pace = params.get("pace", "")
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            stage=stage if stage == "open" or stage in Status.values else "",
            waiting=waiting if waiting in Party.LABELS else "",
            pace=pace if pace in PACES else "",
            query=search_terms(params.get("q", "")),
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        )

    def as_params(self) -> dict[str, str]:
        values = {"stage": self.stage, "waiting": self.waiting, "pace": self.pace, "q": self.query, "sort": self.sort}
        return {key: value for key, value in values.items() if value}


def consultant_applications(user: User) -> ApplicationQuerySet:
    """The applications on this consultant's dashboard (all of them for a superuser)."""
    return Application.objects.visible_to(user)


def filtered(applications: ApplicationQuerySet, filters: Filters) -> ApplicationQuerySet:
    if filters.stage == "open":
        applications = applications.open()
    elif filters.stage:
        applications = applications.filter(status=filters.stage)
    if filters.waiting:
        applications = applications.filter(status__in=statuses_waiting_on(filters.waiting))
    if filters.pace:
        # The pace of open applications (closed ones have stopped the clock).
        at_risk_before, late_before = pace_bounds()
        applications = applications.open().filter(
            {
                "on_track": Q(created_at__gte=at_risk_before),
                "at_risk": Q(created_at__lt=at_risk_before, created_at__gte=late_before),
                "late": Q(created_at__lt=late_before),
            }[filters.pace]
        )
    if filters.query:
        text = filters.query
        applications = applications.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__uscc__iexact=text.upper())
            | Q(reference__icontains=text)
        )
    return applications


def rows(user: User, filters: Filters) -> QuerySet[Application]:
    """The filtered, annotated and sorted rows of the dashboard."""
    applications = annotate_rows(filtered(consultant_applications(user), filters))
    key = filters.sort.lstrip("-")
    ordering = SORTS[key]
    if key == "evidence":
        # Share accepted; no items required counts as nothing accepted (each subquery evaluated once).
        applications = applications.annotate(
            evidence_ratio=Coalesce(
                Cast("evidence_accepted", FloatField()) / NullIf(Cast("evidence_required", FloatField()), Value(0.0)),
                Value(0.0),
            )
        )
    descending = filters.sort.startswith("-")
    if descending:
        ordering = tuple(_reverse(field) for field in ordering)
    if key == "next_audit":
        # Applications without a planned audit come last both ways, on every database.
        first = F("next_audit_at").desc(nulls_last=True) if descending else F("next_audit_at").asc(nulls_last=True)
        return applications.order_by(first, *ordering[1:])
    return applications.order_by(*ordering)


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


@dataclass
class Summary:
    stage_counts: list[tuple[str, str, int]]  # (status, label, count) in workflow order
    awaiting_review: int
    scans_to_check: int
    at_risk: int
    late: int
    open_count: int


def summary(user: User, today: datetime.date | None = None) -> Summary:
    """The band above the table: counts per stage, what waits for this consultant, what is late."""
    applications = consultant_applications(user)
    by_status = dict(applications.order_by().values_list("status").annotate(n=Count("*")))
    at_risk_before, late_before = pace_bounds(today)
    pace = applications.open().aggregate(
        open_count=Count("*"),
        at_risk=Count("pk", filter=Q(created_at__lt=at_risk_before, created_at__gte=late_before)),
        late=Count("pk", filter=Q(created_at__lt=late_before)),
    )
    open_ids = applications.open().values("pk")
    awaiting = EvidenceFile.objects.filter(
        requirement__application__in=open_ids, is_current=True, status=EvidenceFile.Status.PENDING
    ).count()
    scans = FormRendition.objects.filter(
        form__application__in=open_ids,
        kind=FormRendition.Kind.SCAN,
        scan_review=FormRendition.ScanReview.WAITING,
        status=FormRendition.Status.READY,
    ).count()
    return Summary(
        stage_counts=[(status, str(label), by_status.get(status, 0)) for status, label in Status.choices],
        awaiting_review=awaiting,
        scans_to_check=scans,
        at_risk=pace["at_risk"],
        late=pace["late"],
        open_count=pace["open_count"],
    )
