"""Certificates: numbering under concurrency, every lifecycle transition, surveillance due dates,
expiry, the PDF (its text as pdftotext reads it) and the PDF job through a real worker."""

from __future__ import annotations

import datetime
import itertools
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audits import services
from audits.models import Certificate, CertificateEvent, CertificationDecision
from audits.services.certificates import CERTIFIER_TRANSITIONS, add_months, expiry_date, surveillance_due_date
from audits.tasks import certificate_render_pdf, expire_certificates, sweep_certificate_pdfs
from certportal.models import OutgoingEmail
from tests.audits.conftest import ready_for_decision
from tests.conftest import client_for, put_in_status
from tests.factories import ApplicationFactory, EnterpriseFactory, complete_profile
from tests.helpers import pdf_text, squashed

Status = Certificate.Status
TODAY = timezone.localdate
SEEDS = itertools.count(30)


def new_application() -> Application:
    """An application of a new enterprise with its own unified social credit code."""
    return ApplicationFactory(enterprise=complete_profile(EnterpriseFactory(), seed=next(SEEDS)))


def make_certificate(
    *, application=None, status: str = Status.VALID, issued_on=None, star_level: int = 4, **extra
) -> Certificate:
    """A certificate set up directly (the decision service is tested on its own)."""
    application = application or new_application()
    put_in_status(application, Application.Status.CERTIFIED)
    issued_on = issued_on or TODAY()
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier_id=extra.pop("certifier_id"),
        score=Decimal("925.50"), computed_star_level=star_level, star_level=star_level,
    )  # fmt: skip
    certificate = services.certificate_issue(application=application, decision=decision, actor=decision.certifier,
                                             today=issued_on)  # fmt: skip
    Certificate.objects.filter(pk=certificate.pk).update(status=status, **extra)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    return make_certificate(application=application, certifier_id=certifier.pk)


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 15), 12, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 2, 29), 36, datetime.date(2031, 2, 28)),
        (datetime.date(2026, 12, 31), 1, datetime.date(2027, 1, 31)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("issued", "last_valid_day"),
    [
        (datetime.date(2026, 12, 3), datetime.date(2029, 12, 2)),
        (datetime.date(2026, 1, 1), datetime.date(2028, 12, 31)),
        (datetime.date(2028, 2, 29), datetime.date(2031, 2, 28)),
        (datetime.date(2029, 3, 1), datetime.date(2032, 2, 29)),
        (datetime.date(2027, 3, 1), datetime.date(2030, 2, 28)),
    ],
)
def test_a_certificate_is_valid_for_three_years_to_the_day_before_the_anniversary(
    issued: datetime.date, last_valid_day: datetime.date
) -> None:
    assert expiry_date(issued) == last_valid_day


@pytest.mark.django_db
def test_a_certificate_issued_on_3_december_2026_shows_valid_until_2_december_2029(certifier, private_media) -> None:
    certificate = make_certificate(certifier_id=certifier.pk, issued_on=datetime.date(2026, 12, 3))
    assert certificate.expires_on == datetime.date(2029, 12, 2)
    assert certificate.effective_status(datetime.date(2029, 12, 2)) == Status.VALID
    assert certificate.effective_status(datetime.date(2029, 12, 3)) == Status.EXPIRED
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    text = squashed(pdf_text((private_media / certificate.pdf_file.name).read_bytes()))
    assert "有效期至：2029年12月2日" in text
    page = client_for(None).get(reverse("verify_certificate", args=[certificate.number])).content.decode()
    assert "2029-12-02" in page and "2029-12-03" not in page


def test_surveillance_is_due_12_and_24_months_after_issue_then_recertification() -> None:
    issued = datetime.date(2026, 5, 10)
    assert surveillance_due_date(issued, 0) == datetime.date(2027, 5, 10)
    assert surveillance_due_date(issued, 1) == datetime.date(2028, 5, 10)
    assert surveillance_due_date(issued, 2) is None


# --- Numbering -----------------------------------------------------------------------------------


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_certificate_numbers_stay_unique_when_issued_at_the_same_moment() -> None:
    numbers: list[str] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(services.certificate_number(year=2041))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"CSA-2041-SV-{n:05d}" for n in range(1, 9)]


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_certifiers_deciding_at_the_same_moment_get_different_numbers(auditor, certifier, other_certifier) -> None:
    applications = [new_application(), new_application()]
    for application in applications:
        ready_for_decision(application, auditor)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def decide(application: Application, user) -> None:
        try:
            copy = Application.objects.get(pk=application.pk)
            barrier.wait()
            services.certification_decide(application=copy, actor=user, certify=True)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(applications[0], certifier)),
               threading.Thread(target=decide, args=(applications[1], other_certifier))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = TODAY().year
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [
        f"CSA-{year}-SV-00001", f"CSA-{year}-SV-00002",
    ]  # fmt: skip


# --- Lifecycle -----------------------------------------------------------------------------------

ALL_PAIRS = [(source, target) for source in Status.values for target in Status.values if source != target]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=[f"{s}->{t}" for s, t in ALL_PAIRS])
def test_every_status_change(source: str, target: str, application, certifier, enterprise_user) -> None:
    certificate = make_certificate(application=application, certifier_id=certifier.pk, status=source)
    until = TODAY() + datetime.timedelta(days=30)
    if (source, target) in CERTIFIER_TRANSITIONS:
        services.certificate_change_status(
            certificate=certificate, actor=certifier, target=target, reason="监督审核发现问题", suspended_until=until
        )
        certificate.refresh_from_db()
        assert certificate.status == target
        assert certificate.suspended_until == (until if target == Status.SUSPENDED else None)
        event = certificate.events.get(kind=CertificateEvent.Kind.STATUS_CHANGED)
        assert (event.from_status, event.to_status, event.reason, event.actor) == (
            source,
            target,
            "监督审核发现问题",
            certifier,
        )
        assert OutgoingEmail.objects.filter(to=[enterprise_user.email], subject__contains=certificate.number).exists()
    else:
        with pytest.raises(ValidationError):
            services.certificate_change_status(
                certificate=certificate, actor=certifier, target=target, reason="x", suspended_until=until
            )
        certificate.refresh_from_db()
        assert certificate.status == source


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["auditor", "enterprise_user", "consultant"])
def test_only_certifiers_change_the_status(persona: str, certificate, request) -> None:
    with pytest.raises(PermissionDenied):
        services.certificate_change_status(
            certificate=certificate, actor=request.getfixturevalue(persona), target=Status.WITHDRAWN, reason="x"
        )


SUSPENSION_ENDS = [
    ("none", None, False),
    ("today", lambda today: today, False),
    ("tomorrow", lambda today: today + datetime.timedelta(days=1), True),
    ("six months", lambda today: add_months(today, 6), True),
    ("six months and a day", lambda today: add_months(today, 6) + datetime.timedelta(days=1), False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "end", "allowed"), SUSPENSION_ENDS, ids=[case[0] for case in SUSPENSION_ENDS])
def test_a_suspension_ends_within_six_months(name, end, allowed, certificate, certifier) -> None:
    until = end(TODAY()) if end else None
    kwargs = {"certificate": certificate, "actor": certifier, "target": Status.SUSPENDED, "reason": "未按期监督审核",
              "suspended_until": until}  # fmt: skip
    if allowed:
        services.certificate_change_status(**kwargs)
        certificate.refresh_from_db()
        assert certificate.suspended_until == until
    else:
        with pytest.raises(ValidationError) as error:
            services.certificate_change_status(**kwargs)
        assert "suspended_until" in error.value.error_dict


@pytest.mark.django_db
def test_a_reason_is_always_required(certificate, certifier) -> None:
    with pytest.raises(ValidationError) as error:
        services.certificate_change_status(
            certificate=certificate, actor=certifier, target=Status.CANCELLED, reason=" "
        )
    assert "reason" in error.value.error_dict


@pytest.mark.django_db
def test_expiry_is_the_nightly_tasks(application, certifier, enterprise_user) -> None:
    old = make_certificate(application=application, certifier_id=certifier.pk, issued_on=datetime.date(2020, 3, 1))
    other = new_application()
    suspended = make_certificate(application=other, certifier_id=certifier.pk, issued_on=datetime.date(2020, 4, 1),
                                 status=Status.SUSPENDED)  # fmt: skip
    current = make_certificate(certifier_id=certifier.pk)
    assert old.effective_status() == Status.EXPIRED, "past its expiry, it shows as expired at once"
    with pytest.raises(ValidationError):
        services.certificate_change_status(certificate=old, actor=certifier, target=Status.SUSPENDED, reason="x",
                                           suspended_until=TODAY() + datetime.timedelta(days=9))  # fmt: skip
    assert expire_certificates() == 2
    assert expire_certificates() == 0
    old.refresh_from_db()
    suspended.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, suspended.status, current.status) == (Status.EXPIRED, Status.EXPIRED, Status.VALID)
    event = old.events.get(kind=CertificateEvent.Kind.STATUS_CHANGED)
    assert event.actor is None
    assert "2023-02-28" in event.reason, "the last day of validity, the day before the third anniversary"


@pytest.mark.django_db
def test_expiry_boundary(certifier) -> None:
    issued = TODAY() - datetime.timedelta(days=3 * 366)
    certificate = make_certificate(certifier_id=certifier.pk, issued_on=issued)
    assert certificate.effective_status(certificate.expires_on) == Status.VALID, "valid through its expiry date"
    assert certificate.effective_status(certificate.expires_on + datetime.timedelta(days=1)) == Status.EXPIRED


# --- Surveillance ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_surveillance_moves_the_due_date(certifier, auditor) -> None:
    issued = TODAY() - datetime.timedelta(days=400)
    certificate = make_certificate(certifier_id=certifier.pk, issued_on=issued)
    assert certificate.surveillance_overdue()
    assert Certificate.objects.surveillance_overdue().get() == certificate
    first_done = TODAY() - datetime.timedelta(days=10)
    services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=first_done, note="符合")
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 1
    assert certificate.surveillance_due_on == add_months(issued, 24)
    assert not certificate.surveillance_overdue()
    services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=TODAY())
    certificate.refresh_from_db()
    assert certificate.surveillance_due_on is None
    with pytest.raises(ValidationError, match="再认证"):
        services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=TODAY())


@pytest.mark.django_db
def test_surveillance_dates_and_who_records_them(certificate, enterprise_user, auditor) -> None:
    with pytest.raises(PermissionDenied):
        services.certificate_record_surveillance(certificate=certificate, actor=enterprise_user, done_on=TODAY())
    with pytest.raises(ValidationError):
        services.certificate_record_surveillance(
            certificate=certificate, actor=auditor, done_on=TODAY() + datetime.timedelta(days=1)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("days_after_first", [0, -1])
def test_two_surveillance_audits_cannot_be_completed_on_one_day_or_out_of_order(
    days_after_first: int, certifier, auditor
) -> None:
    certificate = make_certificate(certifier_id=certifier.pk, issued_on=TODAY() - datetime.timedelta(days=400))
    first = TODAY() - datetime.timedelta(days=5)
    services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=first)
    certificate.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.certificate_record_surveillance(
            certificate=certificate, actor=auditor, done_on=first + datetime.timedelta(days=days_after_first)
        )
    assert first.isoformat() in str(error.value.message_dict["done_on"])
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 1
    page = client_for(auditor).post(
        reverse("audits:certificate_surveillance", args=[certificate.pk]), {"done_on": first.isoformat(), "note": ""}
    )
    assert page.status_code == 200
    assert first.isoformat() in squashed(page.content.decode()).split('id="surveillance"')[1]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED])
def test_a_finished_certificate_shows_no_surveillance_due_date(status: str, certifier) -> None:
    certificate = make_certificate(certifier_id=certifier.pk, status=status)
    assert certificate.surveillance_due_on is not None  # the row still holds it
    assert certificate.next_surveillance_due() is None
    detail = client_for(certifier).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    due = squashed(detail.split('id="surveillance-due"')[1].split("</dd>")[0])
    assert certificate.surveillance_due_on.isoformat() not in due
    assert "无" in due
    public = client_for(None).get(reverse("verify_certificate", args=[certificate.number])).content.decode()
    assert certificate.surveillance_due_on.isoformat() not in public


@pytest.mark.django_db
def test_a_certificate_past_expiry_shows_no_due_date_before_the_nightly_task(certifier) -> None:
    issued = add_months(TODAY(), -37)
    certificate = make_certificate(certifier_id=certifier.pk, issued_on=issued)
    assert certificate.status == Status.VALID and certificate.next_surveillance_due() is None


@pytest.mark.django_db
def test_a_lapsed_suspension_never_reads_suspended_until_a_past_date(certifier) -> None:
    ended = TODAY() - datetime.timedelta(days=3)
    certificate = make_certificate(certifier_id=certifier.pk, status=Status.SUSPENDED, suspended_until=ended)
    assert certificate.suspension_lapsed()
    public = squashed(client_for(None).get(reverse("verify_certificate", args=[certificate.number])).content.decode())
    assert "暂停期已于" + ended.isoformat() + "结束" in public
    assert "最长至" + ended.isoformat() not in public
    detail = client_for(certifier).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert "决定" in detail.split('id="suspended-until"')[1].split("</dd>")[0]


@pytest.mark.django_db
def test_a_certifier_sees_why_the_status_cannot_change(certifier, auditor) -> None:
    certificate = make_certificate(certifier_id=certifier.pk, status=Status.WITHDRAWN)
    page = client_for(certifier).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    problem = page.split('id="change-status-problem"')[1].split("</p>")[0]
    assert "撤销" in problem
    assert (
        'id="change-status-problem"'
        not in client_for(auditor).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    )


@pytest.mark.django_db
def test_staff_see_overdue_certificates_flagged(certifier, auditor, enterprise_user) -> None:
    overdue = make_certificate(certifier_id=certifier.pk, issued_on=TODAY() - datetime.timedelta(days=380))
    fine = make_certificate(certifier_id=certifier.pk)
    page = client_for(auditor).get(reverse("audits:certificate_list")).content.decode()
    assert 'id="overdue-alert"' in page
    assert page.count("surveillance-overdue") == 1
    filtered = client_for(auditor).get(reverse("audits:certificate_list") + "?status=overdue").content.decode()
    assert overdue.number in filtered and fine.number not in filtered
    detail = client_for(certifier).get(reverse("audits:certificate", args=[overdue.pk])).content.decode()
    assert 'id="surveillance-overdue"' in detail


@pytest.mark.django_db
def test_the_certificate_list_needs_few_queries(certifier, django_assert_max_num_queries) -> None:
    for _number in range(12):
        make_certificate(certifier_id=certifier.pk)
    client = client_for(certifier)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("audits:certificate_list")).content.decode()
    assert page.count('data-number="CSA-') == 12


# --- The PDF -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_shows_holder_number_and_star_level(certificate, private_media) -> None:
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY
    content = (private_media / certificate.pdf_file.name).read_bytes()
    text = squashed(pdf_text(content))
    issued = f"{TODAY().year}年{TODAY().month}月{TODAY().day}日"
    for expected in (certificate.holder_name, certificate.number, "四星级", "售后服务认证证书", "GB/T27922-2011",
                     certificate.holder_uscc, "925.50", issued):  # fmt: skip
        assert squashed(expected) in text, expected
    assert len(certificate.pdf_sha256) == 64 and certificate.pdf_size == len(content)


@pytest.mark.django_db
def test_the_certificate_carries_the_body_its_approval_number_the_service_and_where_to_check_it(
    certificate, settings, private_media
) -> None:
    assert certificate.body_approval_number == settings.CERTIFICATION_BODY_APPROVAL_NUMBER
    assert certificate.body_address == str(settings.CERTIFICATION_BODY_ADDRESS)
    products = "、".join(certificate.scope)
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    text = squashed(pdf_text((private_media / certificate.pdf_file.name).read_bytes()))
    first_surveillance = certificate.surveillance_due_on.strftime("%Y年%-m月%-d日")
    for expected in (f"{products}的售后服务", certificate.holder_address, "批准号", certificate.body_approval_number,
                     "全国认证认可信息公共服务平台", first_surveillance):  # fmt: skip
        assert squashed(expected) in text, expected
    public = squashed(client_for(None).get(reverse("verify_certificate", args=[certificate.number])).content.decode())
    for expected in (f"{products}的售后服务", certificate.holder_uscc, certificate.body_approval_number, "925.50",
                     "全国认证认可信息公共服务平台", certificate.surveillance_due_on.isoformat()):  # fmt: skip
        assert squashed(expected) in public, expected


@pytest.mark.django_db
def test_the_scope_reads_as_a_service_in_english_with_commas(certificate) -> None:
    from django.utils import translation

    certificate.scope = ["Air conditioners", "Washing machines"]
    with translation.override("en"):
        assert certificate.service_scope == "After-sales service of Air conditioners, Washing machines"


@pytest.mark.django_db
def test_the_pdf_is_landscape_a4_on_one_page(certificate, private_media) -> None:
    from pypdf import PdfReader

    certificate_render_pdf(certificate.pk)
    certificate.refresh_from_db()
    reader = PdfReader(str(private_media / certificate.pdf_file.name))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


@pytest.mark.django_db
def test_the_pdf_task_is_idempotent(certificate) -> None:
    assert certificate_render_pdf(999999) == "skipped"
    assert certificate_render_pdf(certificate.pk) == "ready"
    assert certificate_render_pdf(certificate.pk) == "skipped", "already ready"
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf_status=Certificate.PdfStatus.RENDERING, pdf_task_id="another-task"
    )
    assert certificate_render_pdf(certificate.pk) == "skipped", "another worker has it"
    assert certificate_render_pdf.apply(args=(certificate.pk,), task_id="another-task").get() == "ready", (
        "the same task delivered again after its worker died takes the job over"
    )


@pytest.mark.django_db
def test_a_failed_render_keeps_the_error(certificate, monkeypatch) -> None:
    def broken(_certificate: Certificate) -> bytes:
        raise OSError("font missing")

    monkeypatch.setattr("audits.pdf.certificate_pdf", broken)
    assert certificate_render_pdf(certificate.pk) == "failed"
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.FAILED
    assert "font missing" in certificate.pdf_error


@pytest.mark.django_db
def test_the_sweeper_resends_stuck_jobs_and_frees_abandoned_ones(certificate, monkeypatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, pk: sent.append(pk) or True)
    assert sweep_certificate_pdfs() == 0, "fresh jobs are left to the worker"
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf_status=Certificate.PdfStatus.RENDERING, pdf_updated_at=long_ago
    )
    assert sweep_certificate_pdfs() == 1
    assert sent == [certificate.pk]
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING


@pytest.mark.django_db
def test_download_access_and_waiting_page(
    certificate, enterprise_user, consultant, auditor, other_enterprise_user
) -> None:
    url = reverse("audits:certificate_pdf", args=[certificate.pk])
    waiting = client_for(enterprise_user).get(url)
    assert waiting["Location"] == reverse("audits:certificate", args=[certificate.pk])
    certificate_render_pdf(certificate.pk)
    for user in (enterprise_user, consultant, auditor):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    assert client_for(other_enterprise_user).get(url).status_code == 404


@pytest.mark.worker
def test_the_pdf_is_rendered_by_a_real_worker_after_the_decision(celery_worker, auditor, certifier) -> None:
    application = new_application()
    ready_for_decision(application, auditor)
    services.certification_decide(application=application, actor=certifier, certify=True)
    deadline = time.monotonic() + 60
    certificate = Certificate.objects.get()
    while time.monotonic() < deadline and certificate.pdf_status != Certificate.PdfStatus.READY:
        time.sleep(0.3)
        certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY, celery_worker.log()
    assert certificate.number in squashed(pdf_text(certificate.pdf_file.read()))
