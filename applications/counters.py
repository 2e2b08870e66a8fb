"""Counters kept on each application, so that the dashboards read a column instead of computing a
subquery per row: the application-phase evidence items (`evidence_required`), those complete
(`evidence_accepted`), and the current files waiting for the consultant (`files_awaiting_review`).

They are never incremented by hand: every service that changes what they count recomputes them
from the one definition (`checklist.evidence_counts`) for the applications concerned, in its own
transaction, with `application_counters_refresh()`. `manage.py recount_application_counters`
recomputes every application (after bulk imports, the bench's seed, or a change of the checklist
items themselves in the admin).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from applications.checklist import evidence_counts
from applications.models import Application, Enterprise, EvidenceFile

COUNTERS = ("evidence_required", "evidence_accepted", "files_awaiting_review")


def counter_expressions() -> dict[str, Coalesce]:
    """Each counter's full recount, as an expression over the outer application row."""
    pending = (
        EvidenceFile.objects.filter(
            requirement__application=OuterRef("pk"), is_current=True, status=EvidenceFile.Status.PENDING
        )
        .order_by()
        .values("requirement__application")
        .annotate(n=Count("*"))
        .values("n")
    )
    return {
        **evidence_counts(),
        "files_awaiting_review": Coalesce(Subquery(pending, output_field=IntegerField()), Value(0)),
    }


def application_counters_refresh(application_ids: Iterable[int]) -> None:
    """Recompute the counters of these applications; call it inside the transaction of the change.

    The rows are locked first, in a statement of their own: a second change of the same application
    waits here until the first commits, and its recount (a new statement) then sees both changes,
    so two concurrent changes cannot leave a count that misses one of them. Called outside a
    transaction (a command, a test's set-up), it makes its own: PostgreSQL locks rows only in one."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    with transaction.atomic():
        list(Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        Application.objects.filter(pk__in=ids).update(**counter_expressions())


def enterprise_counters_refresh(enterprise: Enterprise) -> None:
    """After a change of the basic information (contact fields, outlets, managers, staff), which
    the profile-sourced items of every application of the enterprise read."""
    application_counters_refresh(Application.objects.filter(enterprise=enterprise).values_list("pk", flat=True))


def counters_recount(applications: QuerySet[Application] | None = None, *, batch: int = 2000) -> int:
    """Recompute the counters of `applications` (all by default) in batches; returns how many."""
    ids = list((applications if applications is not None else Application.objects.all()).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        Application.objects.filter(pk__in=ids[start : start + batch]).update(**counter_expressions())
    return len(ids)
