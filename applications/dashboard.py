"""The consultant's dashboard: every application assigned to them, one row each, with what is done
and who must move next. Every column is an SQL annotation, so a page costs the same few queries
whether the consultant follows three applications or ten thousand.

The dashboard opens on the open applications; "all" and "closed" are a choice away. Days elapsed
count from the day the application was started (its creation), as on the application page; the
seed's 20–40-day target gives the pace of open applications: on track up to 20 days, at risk after
20, late after 40. Closed applications stop the clock at the day they closed and have no pace.
Evidence progress and "waiting on" are the portal's one definition of each
(`checklist.evidence_counts`, `progress.waiting_on_expression`); the evidence figures and the files
awaiting review are read from the application's counters (`applications.counters`), which the
services keep equal to that definition, so that neither a page nor a sort computes them per row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
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
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import (
    Application,
    ApplicationEvent,
    FormRendition,
)
from applications.models.application import TARGET_DAYS_MAX, TARGET_DAYS_MIN, ApplicationQuerySet
from applications.models.forms import FormType
from applications.progress import Party, waiting_on_expression
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
# The pace column of a closed application (not a filter choice).
CLOSED_PACE = pgettext_lazy("pace", "Closed")


def pace_label(pace: str) -> Promise:
    return PACES.get(pace, CLOSED_PACE)


def _count(queryset: QuerySet[Any], field: str = "application") -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows belonging to the outer application."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _signed_forms() -> QuerySet[FormRendition]:
    """Forms with a signature: a signed version ready, or a scan the consultant confirmed."""
    return FormRendition.objects.filter(
        Q(kind=FormRendition.Kind.SIGNED, status=FormRendition.Status.READY)
        | Q(kind=FormRendition.Kind.SCAN, scan_review=FormRendition.ScanReview.CONFIRMED)
    )


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


# Stage choices besides the workflow states; the dashboard opens on the open applications.
STAGE_GROUPS = ("open", "closed", "all")
DEFAULT_STAGE = "open"


@dataclass(frozen=True)
class Filters:
    stage: str = DEFAULT_STAGE
    waiting: str = ""
    pace: str = ""
    query: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Filters:
        """Unknown values are ignored rather than refused: a stale bookmark still shows the list."""
        stage = params.get("stage") or DEFAULT_STAGE
        waiting = params.get("waiting", "")
        pace = params.get("pace", "")
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            stage=stage if stage in STAGE_GROUPS or stage in Status.values else DEFAULT_STAGE,
            waiting=waiting if waiting in Party.LABELS else "",
            pace=pace if pace in PACES else "",
            query=search_terms(params.get("q", "")),
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        )

    def as_params(self) -> dict[str, str]:
        values = {"stage": self.stage, "waiting": self.waiting, "pace": self.pace, "q": self.query, "sort": self.sort}
        if values["stage"] == DEFAULT_STAGE:
            del values["stage"]
        return {key: value for key, value in values.items() if value}

    @property
    def narrowed(self) -> bool:
        """Anything chosen beyond the default view of the open applications."""
        return bool(self.as_params().keys() - {"sort"})


def consultant_applications(user: User) -> ApplicationQuerySet:
    """The applications on this consultant's dashboard (all of them for a superuser)."""
    return Application.objects.visible_to(user)


def filtered(applications: QuerySet[Application], filters: Filters) -> QuerySet[Application]:
    """`applications` carry the dashboard's annotations (`waiting_on` among them)."""
    if filters.stage == "open":
        applications = applications.exclude(status__in=Application.CLOSED_STATUSES)
    elif filters.stage == "closed":
        applications = applications.filter(status__in=Application.CLOSED_STATUSES)
    elif filters.stage != "all":
        applications = applications.filter(status=filters.stage)
    if filters.waiting:
        # `waiting_on` is the annotation of annotate_rows(), which the type checker does not follow.
        applications = applications.filter(waiting_on=filters.waiting)  # type: ignore[misc]
    if filters.pace:
        # The pace of open applications (closed ones have stopped the clock).
        at_risk_before, late_before = pace_bounds()
        applications = applications.exclude(status__in=Application.CLOSED_STATUSES).filter(
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
    applications = filtered(annotate_rows(consultant_applications(user)), filters)
    key = filters.sort.lstrip("-")
    ordering = SORTS[key]
    if key == "evidence":
        # Share accepted; no items required counts as nothing accepted (the counters, no subquery).
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
        awaiting=Coalesce(Sum("files_awaiting_review"), Value(0)),
    )
    open_ids = applications.open().values("pk")
    scans = FormRendition.objects.filter(
        form__application__in=open_ids,
        kind=FormRendition.Kind.SCAN,
        scan_review=FormRendition.ScanReview.WAITING,
        status=FormRendition.Status.READY,
    ).count()
    return Summary(
        stage_counts=[(status, str(label), by_status.get(status, 0)) for status, label in Status.choices],
        awaiting_review=pace["awaiting"],
        scans_to_check=scans,
        at_risk=pace["at_risk"],
        late=pace["late"],
        open_count=pace["open_count"],
    )
