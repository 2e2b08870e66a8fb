"""The certificate PDF box on the certificate page: its state (queued, being prepared, ready,
failed, taking longer than usual), polling only while the PDF is waited on, and the retry that only
the certification body's staff are offered and may use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Certificate
from tests.audits.test_certificates import make_certificate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PdfStatus = Certificate.PdfStatus
POLLS = 'hx-trigger="every 2s"'


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    return make_certificate(application=application, certifier_id=certifier.pk)


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("audits.services.certificates.enqueue_on_commit", lambda task, pk: calls.append(pk))
    return calls


def pdf_box(user, certificate: Certificate, **state: object) -> str:
    Certificate.objects.filter(pk=certificate.pk).update(**state)
    url = reverse("audits:certificate_pdf_status", args=[certificate.pk])
    return client_for(user).get(url).content.decode()


@pytest.mark.parametrize(
    ("status", "state", "words"),
    [
        (PdfStatus.PENDING, "queued", "排队中：很快就会开始生成"),
        (PdfStatus.RENDERING, "preparing", "正在生成，通常只需几秒钟"),
    ],
)
def test_a_pdf_waited_on_polls_and_says_what_it_is_doing(certificate, enterprise_user, status, state, words) -> None:
    box = pdf_box(enterprise_user, certificate, pdf_status=status, pdf_queued_at=timezone.now())
    assert box.strip().startswith('<section class="card mb-4"') and POLLS in box
    assert f'data-job-state="{state}"' in box and words in box and "这次比平时花的时间更长" not in box


def test_after_a_minute_the_pdf_is_taking_longer_than_usual(certificate, enterprise_user) -> None:
    queued = timezone.now() - timedelta(seconds=61)
    box = pdf_box(enterprise_user, certificate, pdf_status=PdfStatus.RENDERING, pdf_queued_at=queued)
    assert POLLS in box and 'data-job-slow="true"' in box and "这次比平时花的时间更长" in box


def test_a_ready_pdf_stops_polling_and_offers_the_download(certificate, enterprise_user) -> None:
    box = pdf_box(enterprise_user, certificate, pdf_status=PdfStatus.READY)
    assert POLLS not in box and 'data-job-state="ready"' in box and 'id="download-pdf"' in box


def test_a_failed_pdf_offers_staff_a_retry_and_tells_the_others(certificate, auditor, enterprise_user) -> None:
    box = pdf_box(auditor, certificate, pdf_status=PdfStatus.FAILED, pdf_error="OSError: disk full")
    assert POLLS not in box and 'data-job-state="failed"' in box and "未能生成" in box
    assert 'class="job-retry"' in box and "OSError: disk full" in box
    box = pdf_box(enterprise_user, certificate)
    assert 'data-job-state="failed"' in box and "job-retry" not in box and "OSError" not in box
    assert "发证机构的工作人员会在其页面上看到此情况" in box


def test_staff_retry_queues_the_pdf_again(certificate, auditor, sent) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf_status=PdfStatus.FAILED, pdf_error="OSError", pdf_attempts=3, pdf_queued_at=timezone.now() - timedelta(1)
    )
    sent.clear()
    response = client_for(auditor).post(reverse("audits:certificate_pdf_retry", args=[certificate.pk]))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.pdf_status, certificate.pdf_error, certificate.pdf_attempts) == (PdfStatus.PENDING, "", 0)
    assert timezone.now() - certificate.pdf_queued_at < timedelta(seconds=5)
    assert sent == [certificate.pk]


def test_others_may_not_retry_the_pdf(certificate, enterprise_user, consultant, other_enterprise_user, sent) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(pdf_status=PdfStatus.FAILED)
    sent.clear()
    url = reverse("audits:certificate_pdf_retry", args=[certificate.pk])
    assert client_for(enterprise_user).post(url).status_code == 403
    assert client_for(consultant).post(url).status_code == 403
    assert client_for(other_enterprise_user).post(url).status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).pdf_status == PdfStatus.FAILED and sent == []


def test_a_pdf_being_prepared_is_not_queued_twice(certificate, auditor, sent) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(pdf_status=PdfStatus.RENDERING)
    sent.clear()
    response = client_for(auditor).post(reverse("audits:certificate_pdf_retry", args=[certificate.pk]), follow=True)
    assert "PDF 正在生成中" in response.content.decode() and sent == []


def test_the_pdf_status_needs_a_fixed_number_of_queries(certificate, auditor, django_assert_num_queries) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(pdf_status=PdfStatus.FAILED)
    client = client_for(auditor)
    url = reverse("audits:certificate_pdf_status", args=[certificate.pk])
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
