"""The one job machine: background work (PDFs, thumbnails and previews, ZIPs, e-mails) whose state
lives in our own rows, never in Celery's result backend.

A job is a row with a status field. A worker claims it with a conditional update (pending →
working; two deliveries of the same job: one wins), counting the delivery in the row; it ends READY
with the result written only while the claim is still its own (a late or duplicate worker cannot
overwrite another's result), or FAILED with the error kept for the page to show. A job the worker
died on (out of memory, killed) is delivered again by Redis (`acks_late`) and taken over by the same
task; after `max_deliveries` it ends FAILED instead of stalling the queue for ever. The periodic
sweep sends again what the broker never got (pending for `STUCK_AFTER`) and what a dead worker left
(working for longer than the task's hard time limit).

Each model describes its fields once, in a `JobKind`; tasks stay thin: `job_run(KIND, pk, ...)`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from certportal.lib.broker import enqueue

logger = logging.getLogger(__name__)

# A job still pending after this was probably never handed to the broker (it was down).
STUCK_AFTER = timedelta(minutes=2)
# A job waited on for longer than this is "taking longer than usual" on its page.
SLOW_AFTER = timedelta(seconds=60)
# A job still working this long after the task's hard time limit has lost its worker.
ABANDON_MARGIN = timedelta(seconds=30)
# Deliveries of one job before it ends FAILED: a file that kills its worker must not come back for ever.
MAX_DELIVERIES = 3
SWEEP_BATCH = 500
ERROR_MAX_LENGTH = 2000

READY = "ready"
FAILED = "failed"
SKIPPED = "skipped"
# What a page shows of a job (JobState.state): READY and FAILED as above, or one of these.
QUEUED = "queued"
PREPARING = "preparing"


@dataclass(frozen=True)
class JobKind:
    """Where one model keeps its job: the names of its fields and of the task that does the work."""

    model: type[models.Model]
    task_name: str
    working: str
    status: str = "status"
    pending: str = "pending"
    ready: str = "ready"
    failed: str = "failed"
    updated: str = "updated_at"
    claimed_at: str = ""  # when the claim was taken (default: `updated`)
    queued: str = ""  # when the job was last asked for: the page's clock (the sweep never touches it)
    claim: str = "task_id"
    attempts: str = "attempts"
    error: str = "error"
    finished: str = ""  # set when the job ends, READY or FAILED (optional)
    time_limit: int | None = None  # the task's hard limit in seconds (default: CELERY_TASK_TIME_LIMIT)
    max_deliveries: int = MAX_DELIVERIES
    scope: Q = field(default_factory=Q)  # rows that are jobs at all (e.g. not uploaded scans)

    @property
    def claimed_field(self) -> str:
        return self.claimed_at or self.updated

    def abandoned_after(self) -> timedelta:
        return timedelta(seconds=self.time_limit or settings.CELERY_TASK_TIME_LIMIT) + ABANDON_MARGIN

    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(self.scope)


@dataclass
class Outcome:
    """What a finished job writes. `stored`: files written for it (deleted if another worker's result
    counts); `superseded`: files it replaces (deleted once its result counts)."""

    fields: dict[str, Any] = field(default_factory=dict)
    status: str | None = None  # instead of the kind's READY (e.g. 'no preview for this kind of file')
    stored: Sequence[str] = ()
    superseded: Sequence[str] = ()


def task_claim(request_id: str | None, pk: int) -> str:
    """The claimant's name: the Celery task id, so the same task delivered again takes its job over."""
    return request_id or f"direct-{pk}"


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def _claimable(kind: JobKind, claim: str) -> Q:
    abandoned_before = timezone.now() - kind.abandoned_after()
    return (
        Q(**{kind.status: kind.pending})
        | Q(**{kind.status: kind.working, kind.claim: claim})
        | Q(**{kind.status: kind.working, f"{kind.claimed_field}__lt": abandoned_before})
    )


def _mine(kind: JobKind, pk: int, claim: str) -> models.QuerySet[Any]:
    return kind.rows().filter(**{"pk": pk, kind.status: kind.working, kind.claim: claim})


def job_claim(kind: JobKind, pk: int, *, claim: str) -> bool:
    """Take the job if it is to be done: pending, or working under this same claim (the task came
    back after its worker died), or working long after its worker must have died. Counts the
    delivery; one past `max_deliveries` ends the job FAILED instead. True when this caller has it."""
    now = timezone.now()
    claimable = kind.rows().filter(_claimable(kind, claim), pk=pk)
    values: dict[str, Any] = {kind.status: kind.working, kind.claim: claim, kind.updated: now, kind.claimed_field: now}
    if kind.attempts:
        values[kind.attempts] = F(kind.attempts) + 1
        claimed = claimable.filter(**{f"{kind.attempts}__lt": kind.max_deliveries}).update(**values)
        if not claimed:
            _give_up(kind, pk, claimable)
        return bool(claimed)
    return bool(claimable.update(**values))


def _give_up(kind: JobKind, pk: int, claimable: models.QuerySet[Any]) -> None:
    message = f"Stopped after {kind.max_deliveries} attempts: the worker was lost each time (out of memory?)."
    values: dict[str, Any] = {kind.status: kind.failed, kind.error: message, kind.updated: timezone.now()}
    if kind.finished:
        values[kind.finished] = timezone.now()
    if claimable.filter(**{f"{kind.attempts}__gte": kind.max_deliveries}).update(**values):
        logger.error("%s %s: %s", kind.model.__name__, pk, message)


def job_finish(kind: JobKind, pk: int, *, claim: str, fields: dict[str, Any], status: str | None = None) -> bool:
    """Write the result and READY, only while the claim is still ours; False when another worker
    took the job over meanwhile (its result counts, ours must be thrown away)."""
    now = timezone.now()
    values = {**fields, kind.status: status or kind.ready, kind.error: "", kind.updated: now}
    if kind.finished:
        values[kind.finished] = now
    return bool(_mine(kind, pk, claim).update(**values))


def job_fail(kind: JobKind, pk: int, *, claim: str, error: BaseException | str) -> bool:
    """End the job FAILED with its error kept (only while the claim is ours)."""
    now = timezone.now()
    text = error if isinstance(error, str) else error_text(error)
    values: dict[str, Any] = {kind.status: kind.failed, kind.error: text[:ERROR_MAX_LENGTH], kind.updated: now}
    if kind.finished:
        values[kind.finished] = now
    return bool(_mine(kind, pk, claim).update(**values))


def job_release(kind: JobKind, pk: int, *, claim: str, error: BaseException) -> bool:
    """Give the job back (pending, with the error kept) to be tried again after a transient error."""
    values = {kind.status: kind.pending, kind.error: error_text(error), kind.updated: timezone.now()}
    return bool(_mine(kind, pk, claim).update(**values))


def job_retry(kind: JobKind, pk: int) -> bool:
    """A FAILED job queued again by a person (after its cause was fixed): pending, with every
    delivery available again. The caller sends the task after commit."""
    now = timezone.now()
    values: dict[str, Any] = {kind.status: kind.pending, kind.error: "", kind.claim: "", kind.updated: now}
    if kind.queued:
        values[kind.queued] = now
    if kind.attempts:
        values[kind.attempts] = 0
    return bool(kind.rows().filter(**{"pk": pk, kind.status: kind.failed}).update(**values))


@dataclass(frozen=True)
class JobState:
    """What a page says of one job: QUEUED, PREPARING, READY or FAILED; `slow` when it has been
    waited on for longer than SLOW_AFTER; `error` (for staff) when it failed. Every spot that shows
    a job (a badge, a status card, a count above a table) reads this, so they cannot disagree."""

    state: str
    slow: bool = False
    error: str = ""

    @property
    def waiting(self) -> bool:
        """Still to be done: the page keeps polling."""
        return self.state in (QUEUED, PREPARING)

    @property
    def ready(self) -> bool:
        return self.state == READY

    @property
    def failed(self) -> bool:
        return self.state == FAILED


def job_state(kind: JobKind, row: models.Model, *, now: datetime | None = None) -> JobState:
    """The state of the job `row` holds. Statuses other than pending, working and failed (ready, or
    'nothing to make' such as no preview for a kind of file) are done: READY."""
    status = getattr(row, kind.status)
    if status == kind.failed:
        return JobState(FAILED, error=getattr(row, kind.error))
    if status not in (kind.pending, kind.working):
        return JobState(READY)
    state = QUEUED if status == kind.pending else PREPARING
    since = getattr(row, kind.queued or (kind.claimed_field if state == PREPARING else kind.updated))
    slow = since is not None and (now or timezone.now()) - since > SLOW_AFTER
    return JobState(state, slow=slow)


def job_run(
    kind: JobKind,
    pk: int,
    *,
    claim: str,
    work: Callable[[], Outcome],
    transient: tuple[type[BaseException], ...] = (),
) -> str:
    """Claim the job, do the work, end READY or FAILED; returns READY, FAILED or SKIPPED.

    `work` re-fetches what it needs. An error in `transient` gives the job back and is raised again
    for Celery to retry with backoff, until the last delivery, which ends FAILED like any other error.
    """
    if not job_claim(kind, pk, claim=claim):
        return SKIPPED
    try:
        outcome = work()
    except transient as error:
        if _deliveries(kind, pk) < kind.max_deliveries:
            job_release(kind, pk, claim=claim, error=error)
            raise
        job_fail(kind, pk, claim=claim, error=error)
        return FAILED
    except Exception as error:  # a failed job keeps its error for the page; it does not retry for ever
        logger.warning("%s %s failed: %s", kind.model.__name__, pk, error_text(error), exc_info=True)
        job_fail(kind, pk, claim=claim, error=error)
        return FAILED
    if not job_finish(kind, pk, claim=claim, fields=outcome.fields, status=outcome.status):
        _delete(outcome.stored)  # another worker took the job over meanwhile (we ran past the limit)
        return SKIPPED
    _delete([name for name in outcome.superseded if name and name not in outcome.stored])
    return READY


def _deliveries(kind: JobKind, pk: int) -> int:
    if not kind.attempts:
        return 0
    return kind.rows().filter(pk=pk).values_list(kind.attempts, flat=True).first() or 0


def _delete(names: Sequence[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def job_sweep(kind: JobKind, *, batch: int = SWEEP_BATCH) -> int:
    """Send again the jobs the broker never got (pending for `STUCK_AFTER`) and those a dead worker
    left (working past the hard time limit, given back as pending); returns how many were sent."""
    now = timezone.now()
    rows = kind.rows()
    abandoned_filter = {kind.status: kind.working, f"{kind.claimed_field}__lt": now - kind.abandoned_after()}
    abandoned = list(rows.filter(**abandoned_filter).values_list("pk", flat=True)[:batch])
    freed = {kind.status: kind.pending, kind.claim: "", kind.updated: now}
    rows.filter(pk__in=abandoned, **abandoned_filter).update(**freed)
    stuck_filter = {kind.status: kind.pending, f"{kind.updated}__lt": now - STUCK_AFTER}
    stuck = list(rows.filter(**stuck_filter).values_list("pk", flat=True)[:batch])
    # Touched, so the next sweep leaves them to the worker they were just sent to.
    rows.filter(pk__in=stuck, **stuck_filter).update(**{kind.updated: now})
    task = _task(kind.task_name)
    return sum(enqueue(task, pk) for pk in [*abandoned, *stuck])


def _task(name: str) -> Task:
    # Every task is named after its module and function, so its module can be loaded by name when
    # this process has not imported it yet.
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]
