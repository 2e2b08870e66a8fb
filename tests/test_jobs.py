"""The job machine itself (certportal.lib.jobs), on a real job table (outgoing e-mails): one claim
wins, a late worker never overwrites the result that counts, a failure keeps its error, a job that
loses its worker every time ends FAILED, and the sweep sends what the broker never got or a dead
worker left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from certportal.lib import jobs
from certportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status
KIND = jobs.JobKind(
    model=OutgoingEmail,
    task_name="certportal.tasks.email_send",
    working=Status.SENDING,
    ready=Status.SENT,
    error="last_error",
)


def new_job() -> OutgoingEmail:
    return OutgoingEmail.objects.create(to=["a@example.com"], subject="审核安排", body_text="您好")


def row(job: OutgoingEmail) -> OutgoingEmail:
    return OutgoingEmail.objects.get(pk=job.pk)


def test_of_two_claims_one_wins() -> None:
    job = new_job()
    assert jobs.job_claim(KIND, job.pk, claim="worker-a") is True
    assert jobs.job_claim(KIND, job.pk, claim="worker-b") is False
    claimed = row(job)
    assert (claimed.status, claimed.task_id, claimed.attempts) == (Status.SENDING, "worker-a", 1)
    assert jobs.job_claim(KIND, 987654, claim="worker-a") is False, "a missing row is nobody's job"


def test_a_job_already_done_is_not_claimed_again() -> None:
    job = new_job()
    assert jobs.job_claim(KIND, job.pk, claim="worker-a")
    assert jobs.job_finish(KIND, job.pk, claim="worker-a", fields={"subject": "done"})
    assert jobs.job_claim(KIND, job.pk, claim="worker-a") is False
    assert row(job).status == Status.SENT


def test_a_late_worker_does_not_overwrite_the_result_that_counts() -> None:
    job = new_job()
    assert jobs.job_claim(KIND, job.pk, claim="slow")
    # The slow worker runs past the hard time limit; another takes the job over and finishes it.
    OutgoingEmail.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - KIND.abandoned_after() - timedelta(seconds=5)
    )
    assert jobs.job_claim(KIND, job.pk, claim="fast")
    assert jobs.job_finish(KIND, job.pk, claim="fast", fields={"subject": "fast's result"})
    assert jobs.job_finish(KIND, job.pk, claim="slow", fields={"subject": "slow's result"}) is False
    assert jobs.job_fail(KIND, job.pk, claim="slow", error="too late") is False
    finished = row(job)
    assert (finished.status, finished.subject, finished.last_error) == (Status.SENT, "fast's result", "")


def test_a_late_workers_stored_file_is_thrown_away(private_media) -> None:
    job = new_job()

    def slow_work() -> jobs.Outcome:
        name = default_storage.save("jobs/slow.txt", ContentFile(b"slow"))
        # Meanwhile another worker took the job over and finished it.
        OutgoingEmail.objects.filter(pk=job.pk).update(task_id="fast", status=Status.SENT, subject="fast's result")
        return jobs.Outcome(fields={"subject": "slow's result"}, stored=[name])

    assert jobs.job_run(KIND, job.pk, claim="slow", work=slow_work) == jobs.SKIPPED
    assert row(job).subject == "fast's result"
    assert not default_storage.exists("jobs/slow.txt")


def test_a_failure_keeps_its_error_and_a_retry_starts_afresh() -> None:
    job = new_job()

    def broken() -> jobs.Outcome:
        raise OSError("No space left on device")

    assert jobs.job_run(KIND, job.pk, claim="worker-a", work=broken) == jobs.FAILED
    failed = row(job)
    assert (failed.status, failed.last_error) == (Status.FAILED, "OSError: No space left on device")
    assert jobs.job_claim(KIND, job.pk, claim="worker-b") is False, "a failed job waits for a person"
    assert jobs.job_retry(KIND, job.pk)
    retried = row(job)
    assert (retried.status, retried.last_error, retried.attempts, retried.task_id) == (Status.PENDING, "", 0, "")
    assert jobs.job_run(KIND, job.pk, claim="worker-b", work=lambda: jobs.Outcome()) == jobs.READY


def test_a_transient_error_gives_the_job_back_until_the_last_delivery() -> None:
    job = new_job()

    def dropped() -> jobs.Outcome:
        raise ConnectionError("connection dropped")

    for delivery in range(1, KIND.max_deliveries):
        with pytest.raises(ConnectionError):
            jobs.job_run(KIND, job.pk, claim="task-1", work=dropped, transient=(ConnectionError,))
        assert (row(job).status, row(job).attempts) == (Status.PENDING, delivery)
        assert "connection dropped" in row(job).last_error
    assert jobs.job_run(KIND, job.pk, claim="task-1", work=dropped, transient=(ConnectionError,)) == jobs.FAILED
    assert (row(job).status, row(job).attempts) == (Status.FAILED, KIND.max_deliveries)


def test_a_job_whose_worker_dies_each_time_ends_failed_after_a_bounded_number_of_deliveries() -> None:
    job = new_job()
    # Redis hands the same task back each time its worker was killed (acks_late): it takes over.
    for _ in range(KIND.max_deliveries):
        assert jobs.job_claim(KIND, job.pk, claim="task-1")
    assert jobs.job_claim(KIND, job.pk, claim="task-1") is False
    given_up = row(job)
    assert given_up.status == Status.FAILED
    assert given_up.attempts == KIND.max_deliveries
    assert f"Stopped after {KIND.max_deliveries} attempts" in given_up.last_error


def test_the_sweep_sends_jobs_never_sent_and_jobs_left_by_a_dead_worker(monkeypatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, pk: sent.append(pk) or True)
    now = timezone.now()
    fresh, never_sent, working, abandoned, done = (new_job() for _ in range(5))
    OutgoingEmail.objects.filter(pk=never_sent.pk).update(updated_at=now - jobs.STUCK_AFTER - timedelta(seconds=5))
    OutgoingEmail.objects.filter(pk=working.pk).update(status=Status.SENDING, task_id="alive", updated_at=now)
    OutgoingEmail.objects.filter(pk=abandoned.pk).update(
        status=Status.SENDING, task_id="dead", updated_at=now - KIND.abandoned_after() - timedelta(seconds=5)
    )
    OutgoingEmail.objects.filter(pk=done.pk).update(status=Status.SENT, updated_at=now - timedelta(days=1))
    assert jobs.job_sweep(KIND) == 2
    assert sorted(sent) == sorted([never_sent.pk, abandoned.pk])
    assert (row(abandoned).status, row(abandoned).task_id) == (Status.PENDING, "")
    assert row(working).status == Status.SENDING, "a job being worked on is left alone"
    assert fresh.pk not in sent, "a fresh job is left to the worker it was sent to"
    sent.clear()
    assert jobs.job_sweep(KIND) == 0, "not again at the next sweep"


def test_a_job_the_broker_refused_stays_for_the_next_sweep(monkeypatch) -> None:
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, pk: False)
    job = new_job()
    OutgoingEmail.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert jobs.job_sweep(KIND) == 0
    assert row(job).status == Status.PENDING


def test_one_stuck_policy_for_every_job(settings) -> None:
    from applications.services.forms import RENDITION_JOB
    from applications.tasks.evidence import ARCHIVE_JOB, THUMBNAIL_JOB
    from audits.tasks import CERTIFICATE_PDF_JOB
    from certportal.tasks import EMAIL_JOB

    kinds = [RENDITION_JOB, THUMBNAIL_JOB, ARCHIVE_JOB, CERTIFICATE_PDF_JOB, EMAIL_JOB]
    for kind in kinds:
        assert (
            kind.abandoned_after()
            == timedelta(seconds=kind.time_limit or settings.CELERY_TASK_TIME_LIMIT) + jobs.ABANDON_MARGIN
        )
        assert kind.attempts and kind.claim, "every job counts its deliveries and names its claimant"
    assert ARCHIVE_JOB.abandoned_after() > timedelta(minutes=30), "a ZIP may take half an hour"
