"""The certification body's dashboard (auditors and certifiers): what waits for review, the week's
video audits, score sheets to finish, decisions to make, surveillance audits coming due, decisions
waiting on certificates (overdue surveillance, suspensions), and the
certificates by star level and status. Each block is one query, whatever the number of rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from applications.dashboard import start_of_day
from applications.models import Application
from audits.models import AuditRound, Certificate, Indicator, IndicatorScore
from audits.models.certificates import STAR_NAMES
from audits.services.certificate_deadlines import certificates_awaiting_decision, decision_row
from certportal.accounts.models import User

Status = Application.Status
LIST_LIMIT = 20
AGENDA_PER_DAY = 8
SURVEILLANCE_HORIZON_DAYS = 60
REVIEW_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)
SCORING_STATUSES = (Status.REMOTE_AUDIT, Status.EVALUATION)


@dataclass
class Block:
    """A list shown on the dashboard: its first rows and how many there are in all."""

    items: list[Any]
    total: int


@dataclass
class AgendaDay:
    day: datetime.date
    rounds: list[AuditRound] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rounds)


def _block(queryset: QuerySet[Any], limit: int = LIST_LIMIT) -> Block:
    items = list(queryset[:limit])
    total = len(items) if len(items) < limit else queryset.count()
    return Block(items=items, total=total)


def body_applications(user: User) -> QuerySet[Application]:
    return Application.objects.visible_to(user).select_related("enterprise", "consultant")


def waiting_for_review(user: User) -> Block:
    return _block(body_applications(user).filter(status__in=REVIEW_STATUSES).order_by("status_changed_at", "pk"))


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week `today` is in."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def agenda(user: User, today: datetime.date) -> list[AgendaDay]:
    """This week's video audits, day by day (Monday to Sunday): the first few of each day and how
    many there are, in one query (a window function numbers each day's rounds)."""
    monday, sunday = week_bounds(today)
    day = TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
    rounds = (
        AuditRound.objects.filter(
            application__in=Application.objects.visible_to(user),
            starts_at__gte=start_of_day(monday),
            starts_at__lt=start_of_day(sunday + datetime.timedelta(days=1)),
        )
        .annotate(
            position=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at").asc(), F("pk").asc()]),
            day_total=Window(Count("*"), partition_by=[day]),
        )
        .filter(position__lte=AGENDA_PER_DAY)
        .select_related("application__enterprise", "lead_auditor")
        .order_by("starts_at", "pk")
    )
    days = {monday + datetime.timedelta(days=offset): AgendaDay(monday + datetime.timedelta(days=offset))
            for offset in range(7)}  # fmt: skip
    for audit_round in rounds:
        entry = days[timezone.localdate(audit_round.starts_at)]
        entry.rounds.append(audit_round)
        entry.total = audit_round.day_total
    return list(days.values())


def score_sheets_to_finish(user: User) -> Block:
    """Applications being audited or evaluated, with how many indicators are scored so far."""
    scored = (
        IndicatorScore.objects.filter(sheet__application=OuterRef("pk"))
        .filter(Q(awarded__isnull=False) | Q(excluded=True) | Q(samples__isnull=False))
        .order_by()
        .values("sheet")
        .annotate(n=Count("*"))
        .values("n")
    )
    indicators = (
        Indicator.objects.filter(version__sheets__application=OuterRef("pk"), parent__isnull=False)
        .order_by()
        .values("version")
        .annotate(n=Count("*"))
        .values("n")
    )
    applications = (
        body_applications(user)
        .filter(status__in=SCORING_STATUSES)
        .annotate(
            indicators_scored=Coalesce(Subquery(scored, output_field=IntegerField()), Value(0)),
            indicators_total=Coalesce(Subquery(indicators, output_field=IntegerField()), Value(0)),
        )
        .order_by("-status", "status_changed_at", "pk")
    )
    return _block(applications)


def decisions_pending(user: User) -> Block:
    return _block(body_applications(user).filter(status=Status.DECISION).order_by("status_changed_at", "pk"))


def surveillance_due(user: User, today: datetime.date) -> Block:
    """Valid certificates whose surveillance audit is overdue or due within 60 days."""
    horizon = today + datetime.timedelta(days=SURVEILLANCE_HORIZON_DAYS)
    certificates = (
        Certificate.objects.visible_to(user)
        .filter(status=Certificate.Status.VALID, surveillance_due_on__lte=horizon)
        .order_by("surveillance_due_on", "number")
    )
    return _block(certificates)


def certificate_decisions(user: User, today: datetime.date) -> Block:
    """Certificates waiting for a certifier: an overdue surveillance audit (extend or suspend), a
    suspension to decide after the grace period, a suspension that ended (reinstate or withdraw)."""
    block = _block(certificates_awaiting_decision(today, Certificate.objects.visible_to(user)))
    return Block(items=[row for row in (decision_row(c, today) for c in block.items) if row], total=block.total)


def certificate_chart(user: User) -> dict[str, Any]:
    """Certificates per star level (rows) and status (stacked bars), for Chart.js."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    rows = Certificate.objects.visible_to(user).order_by().values_list("star_level", "status").annotate(n=Count("*"))
    for star_level, status, number in rows:
        counts[(star_level, status)] += number
    levels = [5, 4, 3, 2]
    colours = {"valid": "#198754", "suspended": "#ffc107", "withdrawn": "#b3261e", "cancelled": "#6c757d",
               "expired": "#adb5bd"}  # fmt: skip
    return {
        "labels": [str(STAR_NAMES[level]) for level in levels],
        "datasets": [
            {
                "label": str(label),
                "data": [counts[(level, status)] for level in levels],
                "backgroundColor": colours[status],
            }
            for status, label in Certificate.Status.choices
        ],
        "stacked": True,
        "total": sum(counts.values()),
    }
