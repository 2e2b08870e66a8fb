"""What the pages say of a job (certportal.lib.jobs.job_state): queued, being prepared, ready or
failed, and "taking longer than usual" once it has been waited on for more than a minute, on the
clock of when it was asked for (which the sweep never moves)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from applications.models import EvidenceFile, FormRendition
from applications.services.forms import RENDITION_JOB
from applications.tasks.evidence import THUMBNAIL_JOB
from certportal.lib import jobs
from certportal.models import OutgoingEmail
from tests.test_jobs import KIND as EMAIL_KIND

Status = FormRendition.Status
NOW = timezone.now()


def version(status: str, *, queued: timedelta = timedelta(0), error: str = "") -> FormRendition:
    return FormRendition(status=status, queued_at=NOW - queued, updated_at=NOW, started_at=NOW, error=error)


def state_of(rendition: FormRendition) -> jobs.JobState:
    return jobs.job_state(RENDITION_JOB, rendition, now=NOW)


def test_each_status_maps_to_one_state() -> None:
    assert state_of(version(Status.PENDING)) == jobs.JobState(jobs.QUEUED)
    assert state_of(version(Status.RENDERING)) == jobs.JobState(jobs.PREPARING)
    assert state_of(version(Status.READY)) == jobs.JobState(jobs.READY)
    failed = state_of(version(Status.FAILED, error="OSError: No space left on device"))
    assert failed == jobs.JobState(jobs.FAILED, error="OSError: No space left on device")
    assert (failed.waiting, failed.failed, failed.ready) == (False, True, False)
    assert state_of(version(Status.PENDING)).waiting and state_of(version(Status.RENDERING)).waiting


def test_a_job_waited_on_for_more_than_a_minute_is_slow() -> None:
    assert not state_of(version(Status.PENDING, queued=timedelta(seconds=59))).slow
    assert state_of(version(Status.PENDING, queued=timedelta(seconds=61))).slow
    assert state_of(version(Status.RENDERING, queued=timedelta(minutes=3))).slow
    assert not state_of(version(Status.READY, queued=timedelta(hours=1))).slow, "a job done is never slow"
    assert not state_of(version(Status.FAILED, queued=timedelta(hours=1))).slow


def test_the_slow_clock_is_when_it_was_asked_for_not_the_sweeps_touch() -> None:
    # The sweep re-sends a job pending for two minutes and touches its `updated` field: the page
    # must still say it is slow.
    rendition = version(Status.PENDING, queued=timedelta(minutes=3))
    rendition.updated_at = NOW
    assert state_of(rendition).slow


def test_other_finished_statuses_count_as_done() -> None:
    no_preview = EvidenceFile(thumbnail_status=EvidenceFile.ThumbnailStatus.NONE, thumbnail_queued_at=NOW)
    assert jobs.job_state(THUMBNAIL_JOB, no_preview, now=NOW) == jobs.JobState(jobs.READY)


def test_a_kind_without_a_queued_field_uses_its_update_and_claim_times() -> None:
    email = OutgoingEmail(status=OutgoingEmail.Status.PENDING, updated_at=NOW - timedelta(seconds=90))
    assert jobs.job_state(EMAIL_KIND, email, now=NOW) == jobs.JobState(jobs.QUEUED, slow=True)
    email.status, email.updated_at = OutgoingEmail.Status.SENDING, NOW - timedelta(seconds=10)
    assert jobs.job_state(EMAIL_KIND, email, now=NOW) == jobs.JobState(jobs.PREPARING)
