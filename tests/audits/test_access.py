"""Every audits page per persona: the allowed ones succeed, the others get 403 (they see the
application but may not do this) or 404 (they do not see it), anonymous visitors are sent to log in."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audits import services
from audits.models import CheckInPhoto, Finding, FindingEvidence, SpecialItem
from tests.audits.conftest import in_audits, png_upload, schedule_directly
from tests.audits.test_certificates import make_certificate
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db

Status = Application.Status
PERSONAS = ["enterprise_user", "other_enterprise_user", "consultant", "other_consultant", "certifier", "auditor"]
SIDE = {"enterprise_user": 200, "consultant": 200}
BODY = {"auditor": 200, "certifier": 200}


def check(request: pytest.FixtureRequest, method: str, url: str, expected: dict[str, int], data=None) -> None:
    anonymous = getattr(Client(), method)(url, data or {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, url
    for persona in PERSONAS:
        response = getattr(client_for(request.getfixturevalue(persona)), method)(url, data or {})
        assert response.status_code == expected.get(persona, 404), (persona, method, url, response.status_code)


def only(
    persona_codes: dict[str, int],
    *,
    seen_by: tuple[str, ...] = ("enterprise_user", "consultant", "auditor", "certifier"),
) -> dict[str, int]:
    """Who sees the application gets 403 unless listed with another code."""
    return {persona: persona_codes.get(persona, 403) for persona in seen_by}


@pytest.fixture
def audited(application, auditor):
    rounds = in_audits(application, Status.REMOTE_AUDIT)
    schedule_directly(rounds[0], auditor, start=timezone.now() - datetime.timedelta(minutes=5))
    photo = services.photo_add(audit_round=rounds[0], actor=auditor, moment="opening", upload=png_upload())
    indicator = application.score_sheet.version.indicators.get(code="5.1.1")
    finding = services.finding_raise(application=application, actor=auditor, indicator=indicator, grade="general",
                                     description="x", deadline=timezone.localdate(), audit_round=rounds[0])  # fmt: skip
    evidence = FindingEvidence.objects.create(finding=finding, file="audits/e.txt", original_name="e.txt", size=1,
                                              sha256="0", uploaded_by=auditor)  # fmt: skip
    return {"application": application, "round": rounds[0], "photo": photo, "finding": finding, "evidence": evidence,
            "indicator": indicator}  # fmt: skip


def test_round_pages(request: pytest.FixtureRequest, audited, private_media) -> None:
    application, audit_round = audited["application"], audited["round"]
    (private_media / "audits").mkdir(parents=True, exist_ok=True)
    (private_media / "audits" / "e.txt").write_text("e")
    check(request, "get", reverse("audits:rounds", args=[application.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:round", args=[audit_round.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:round_calendar", args=[audit_round.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:photo", args=[audited["photo"].pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:round_schedule", args=[audit_round.pk]), only({"auditor": 200}))
    check(request, "get", reverse("audits:interview_add", args=[audit_round.pk]), only({"auditor": 200}))
    check(request, "post", reverse("audits:round_done", args=[audit_round.pk]), only({"auditor": 200}))
    check(request, "post", reverse("audits:photo_upload", args=[audit_round.pk]), only({"auditor": 200}))
    check(request, "post", reverse("audits:round_respond", args=[audit_round.pk]),
          only({"enterprise_user": 200, "consultant": 200}))  # fmt: skip
    check(request, "post", reverse("audits:photo_delete", args=[audited["photo"].pk]), only({"auditor": 302}))
    assert not CheckInPhoto.objects.exists()


def test_finding_pages(request: pytest.FixtureRequest, audited, private_media) -> None:
    application, finding = audited["application"], audited["finding"]
    (private_media / "audits").mkdir(parents=True, exist_ok=True)
    (private_media / "audits" / "e.txt").write_text("e")
    check(request, "get", reverse("audits:findings", args=[application.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:finding", args=[finding.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:evidence", args=[audited["evidence"].pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:finding_add", args=[application.pk]), only({"auditor": 200}))
    check(request, "post", reverse("audits:finding_answer", args=[finding.pk]),
          only({"enterprise_user": 200, "consultant": 200}))  # fmt: skip
    check(request, "post", reverse("audits:finding_verify", args=[finding.pk]), only({"auditor": 200}))
    assert Finding.objects.get().status == Finding.Status.OPEN


def test_score_pages(request: pytest.FixtureRequest, audited, auditor) -> None:
    application, indicator = audited["application"], audited["indicator"]
    check(request, "get", reverse("audits:score_sheet", args=[application.pk]), only(BODY))
    url = reverse("audits:indicator_save", args=[application.pk, indicator.pk])
    check(request, "post", url, only({"auditor": 302}), data={f"i{indicator.pk}-awarded": "40"})
    check(request, "post", reverse("audits:special_item_add", args=[application.pk]), only({"auditor": 200}))
    check(request, "post", reverse("audits:recommendation", args=[application.pk]), only({"auditor": 302}))
    item = SpecialItem.objects.create(sheet=application.score_sheet, kind="bonus", reason="x", created_by=auditor)
    check(
        request, "post", reverse("audits:special_item_delete", args=[application.pk, item.pk]), only({"auditor": 302})
    )
    assert not SpecialItem.objects.exists()


def test_review_and_decision_pages(request: pytest.FixtureRequest, application) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    check(request, "get", reverse("audits:review", args=[application.pk]), only({"auditor": 200}))
    put_in_status(application, Status.DECISION)
    check(request, "get", reverse("audits:decision", args=[application.pk]), only({"certifier": 200}))


def test_the_audit_schedule_is_for_auditors(request: pytest.FixtureRequest) -> None:
    url = reverse("audits:schedule")
    check(request, "get", url, {persona: 403 for persona in PERSONAS} | {"auditor": 200})


def test_certificate_pages(request: pytest.FixtureRequest, application, certifier) -> None:
    certificate = make_certificate(application=application, certifier_id=certifier.pk)
    check(request, "get", reverse("audits:certificate_list"), {persona: 200 for persona in PERSONAS})
    for name in ("certificate", "certificate_pdf_status"):
        check(request, "get", reverse(f"audits:{name}", args=[certificate.pk]), {**SIDE, **BODY})
    check(request, "get", reverse("audits:certificate_pdf", args=[certificate.pk]),
          {persona: 302 for persona in ("enterprise_user", "consultant", "auditor", "certifier")})  # fmt: skip
    check(request, "post", reverse("audits:certificate_status", args=[certificate.pk]), only({"certifier": 200}))
    check(request, "post", reverse("audits:certificate_surveillance", args=[certificate.pk]),
          only({"auditor": 200, "certifier": 200}))  # fmt: skip
    check(request, "post", reverse("audits:certificate_pdf_retry", args=[certificate.pk]),
          only({"auditor": 302, "certifier": 302}))  # fmt: skip


def test_each_sees_only_their_certificates_in_the_list(application, other_application, certifier, consultant,
                                                       other_enterprise_user, auditor) -> None:  # fmt: skip
    mine = make_certificate(application=application, certifier_id=certifier.pk)
    theirs = make_certificate(application=other_application, certifier_id=certifier.pk)
    url = reverse("audits:certificate_list")
    page = client_for(consultant).get(url).content.decode()
    assert mine.number in page and theirs.number not in page
    page = client_for(other_enterprise_user).get(url).content.decode()
    assert theirs.number in page and mine.number not in page
    page = client_for(auditor).get(url).content.decode()
    assert mine.number in page and theirs.number in page


def test_body_staff_do_not_reach_applications_that_were_never_submitted(application, auditor) -> None:
    rounds = services.audit_setup(application)  # rounds of a draft (cannot happen in use; must still be hidden)
    for url in (reverse("audits:rounds", args=[application.pk]), reverse("audits:round", args=[rounds[0].pk]),
                reverse("audits:score_sheet", args=[application.pk])):  # fmt: skip
        assert client_for(auditor).get(url).status_code == 404, url


def test_the_audit_panel_on_the_application_page(audited, enterprise_user, auditor) -> None:
    application = audited["application"]
    page = client_for(enterprise_user).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert reverse("audits:rounds", args=[application.pk]) in page
    assert reverse("audits:score_sheet", args=[application.pk]) not in page
    page = client_for(auditor).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert reverse("audits:score_sheet", args=[application.pk]) in page
