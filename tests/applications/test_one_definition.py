"""Evidence progress and "waiting on" have one definition each: the consultant's dashboard, the
enterprise's progress page and the checklist show the same figures for the same application, and
"waiting on" never contradicts the enterprise's to-do list."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.checklist import checklist_for, evidence_progress
from applications.models import Application, EvidenceFile, EvidenceRequirement, FormRendition
from applications.progress import Party, waiting_on
from applications.todo import enterprise_todo
from audits.models import AuditRound, Finding, Indicator
from tests.audits.conftest import in_audits
from tests.conftest import client_for, put_in_status
from tests.factories import ServiceManagerFactory, complete_evidence, forms_ready, recount

Status = Application.Status
DASHBOARD = reverse("applications:dashboard")


def dashboard_row(consultant, application: Application) -> Any:
    response = client_for(consultant).get(DASHBOARD, {"stage": "all", "q": application.reference})
    (row,) = response.context["rows"]
    return row["application"]


# --- Evidence progress ---------------------------------------------------------------------------


def _files(application: Application, **filters) -> EvidenceRequirement:
    return (
        EvidenceRequirement.objects.filter(application=application, item__kind="files", **filters)
        .order_by("item__position")
        .first()
    )


def nothing(application: Application) -> None:
    """A new application: only what its basic information already covers."""


def everything(application: Application) -> None:
    complete_evidence(application)


def item_sent_back(application: Application) -> None:
    complete_evidence(application)
    EvidenceRequirement.objects.filter(pk=_files(application).pk).update(review_status="rejected", review_reason="x")


def file_sent_back(application: Application) -> None:
    complete_evidence(application)
    EvidenceFile.objects.filter(requirement=_files(application)).update(status="rejected")


def accepted_as_a_whole_without_its_copies(application: Application) -> None:
    complete_evidence(application)
    requirement = _files(application, copies_required__gte=2)
    EvidenceFile.objects.filter(pk=requirement.files.first().pk).update(is_current=False)
    EvidenceRequirement.objects.filter(pk=requirement.pk).update(review_status="accepted")


def product_not_covered(application: Application) -> None:
    complete_evidence(application)
    for evidence in EvidenceFile.objects.filter(requirement=_files(application, per_product=True)):
        evidence.products.clear()


def question_unanswered(application: Application) -> None:
    complete_evidence(application)
    EvidenceRequirement.objects.filter(application=application, item__kind="yes_no").update(answer=None)


def no_outlet_and_no_contact(application: Application) -> None:
    complete_evidence(application)
    application.enterprise.outlets.all().delete()
    application.enterprise.__class__.objects.filter(pk=application.enterprise_id).update(service_hotline="")
    application.enterprise.refresh_from_db()


def managers_short_of_one_in_ten(application: Application) -> None:
    """30 service-management staff: Enterprise.managers_required asks for 3 managers (10%, in whole
    numbers), and the dashboard must agree with it to the last one."""
    complete_evidence(application)
    enterprise = application.enterprise
    enterprise.__class__.objects.filter(pk=enterprise.pk).update(headcount_service_management=30)
    enterprise.refresh_from_db()
    enterprise.managers.all().delete()
    for index in range(enterprise.managers_required - 1):
        ServiceManagerFactory(enterprise=enterprise, id_number=f"{enterprise.pk:06d}{index:012d}")


def managers_exactly_enough(application: Application) -> None:
    managers_short_of_one_in_ten(application)
    enterprise = application.enterprise
    ServiceManagerFactory(enterprise=enterprise, id_number=f"{enterprise.pk:06d}{99:012d}")


CASES: list[Callable[[Application], None]] = [
    nothing,
    everything,
    item_sent_back,
    file_sent_back,
    accepted_as_a_whole_without_its_copies,
    product_not_covered,
    question_unanswered,
    no_outlet_and_no_contact,
    managers_short_of_one_in_ten,
    managers_exactly_enough,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_evidence_progress_is_the_same_on_the_dashboard_the_progress_page_and_the_checklist(
    application, consultant, enterprise_user, evidence_items, case
):
    case(application)
    recount(application)  # the cases write their rows directly, past the services
    checklist = checklist_for(application)
    done, total, percent = checklist.progress()
    # The checklist's own verdict on each item agrees with what it says is missing.
    for state in checklist.application_items:
        assert state.complete == (not state.missing), state.item.code
    row = dashboard_row(consultant, application)
    assert (row.evidence_accepted, row.evidence_required) == (done, total)
    progress_page = client_for(enterprise_user).get(reverse("applications:progress"))
    shown = progress_page.context["evidence"]
    assert (shown.done, shown.total, shown.percent) == (done, total, percent)
    shown_text = re.search(r'id="progress-evidence-count">(.*?)</a>', progress_page.content.decode(), re.S).group(1)
    assert re.findall(r"\d+", shown_text) == [str(done), str(total)] or re.findall(r"\d+", shown_text) == [
        str(total), str(done)]  # fmt: skip
    checklist_page = client_for(enterprise_user).get(reverse("applications:evidence", args=[application.pk]))
    assert checklist_page.context["progress"] == (done, total, percent)
    assert evidence_progress(application) == shown
    assert total == 30


def test_the_cases_differ(application, evidence_items):
    """The table above is not one figure thirty times: the cases give different progress."""
    figures = set()
    for case in (nothing, everything, item_sent_back):
        case(application)
        figures.add(evidence_progress(application).done)
    assert len(figures) == 3


# --- Waiting on ------------------------------------------------------------------------------------


def _round_to_confirm(application: Application) -> None:
    rounds = in_audits(application)
    start = timezone.now() + datetime.timedelta(days=5)
    AuditRound.objects.filter(pk=rounds[0].pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), schedule_status=AuditRound.Schedule.PROPOSED
    )


def _finding(application: Application, status: str) -> None:
    in_audits(application)
    Finding.objects.create(
        application=application, number=1, indicator=Indicator.objects.filter(parent__isnull=False).first(),
        grade="general", description="x", deadline=timezone.localdate(), status=status,
        raised_by=application.consultant,
    )  # fmt: skip


def _pending_file(application: Application) -> None:
    complete_evidence(application)
    EvidenceFile.objects.filter(requirement=_files(application)).update(status="pending")


def _signed(application: Application, scan: str = "") -> None:
    put_in_status(application, Status.AWAITING_SIGNATURE)
    forms_ready(application, signed=True)
    if scan:
        rendition = FormRendition.objects.filter(form__application=application, kind="signed").first()
        FormRendition.objects.filter(pk=rendition.pk).update(kind="scan", scan_review=scan)


# (name, set-up, who the application waits on)
WAITING_CASES: list[tuple[str, Callable[[Application], object], str]] = [
    ("draft", lambda a: None, Party.ENTERPRISE),
    ("info submitted", lambda a: put_in_status(a, Status.INFO_SUBMITTED), Party.CONSULTANT),
    ("forms being prepared", lambda a: put_in_status(a, Status.FORMS_PREPARATION), Party.CONSULTANT),
    ("forms prepared, evidence sent back", lambda a: (item_sent_back(a), put_in_status(a, Status.FORMS_PREPARATION)),
     Party.ENTERPRISE),
    ("forms to sign", lambda a: (put_in_status(a, Status.AWAITING_SIGNATURE), forms_ready(a, signed=False)),
     Party.ENTERPRISE),
    ("all forms signed", _signed, Party.CONSULTANT),
    ("a scan waiting for its check", lambda a: _signed(a, scan="waiting"), Party.CONSULTANT),
    ("a scan sent back", lambda a: _signed(a, scan="rejected"), Party.ENTERPRISE),
    ("submitted", lambda a: put_in_status(a, Status.SUBMITTED), Party.BODY),
    ("submitted, a file waiting for review", lambda a: (_pending_file(a), put_in_status(a, Status.SUBMITTED)),
     Party.CONSULTANT),
    ("returned", lambda a: put_in_status(a, Status.RETURNED), Party.CONSULTANT),
    ("audit preparation", lambda a: put_in_status(a, Status.AUDIT_PREPARATION), Party.ENTERPRISE),
    ("remote audit", lambda a: in_audits(a), Party.BODY),
    ("remote audit, a time to confirm", _round_to_confirm, Party.ENTERPRISE),
    ("remote audit, a finding to answer", lambda a: _finding(a, "open"), Party.ENTERPRISE),
    ("remote audit, a finding answered", lambda a: _finding(a, "answered"), Party.BODY),
    ("decision", lambda a: put_in_status(a, Status.DECISION), Party.BODY),
    ("certified, a finding left open", lambda a: (_finding(a, "open"), put_in_status(a, Status.CERTIFIED)),
     Party.NOBODY),
    ("withdrawn with evidence sent back", lambda a: (item_sent_back(a), put_in_status(a, Status.WITHDRAWN)),
     Party.NOBODY),
]  # fmt: skip


@pytest.mark.parametrize(("name", "set_up", "party"), WAITING_CASES, ids=[case[0] for case in WAITING_CASES])
def test_waiting_on_agrees_with_the_to_do_list(
    application, consultant, enterprise_user, evidence_items, name, set_up, party
):
    set_up(application)
    application.refresh_from_db()
    todo = enterprise_todo(application)
    assert waiting_on(application) == party
    # Never a contradiction: the enterprise is waited on exactly when its to-do list has something.
    assert (party == Party.ENTERPRISE) == bool(todo)
    assert dashboard_row(consultant, application).waiting_on == party
    for other in Party.LABELS:
        listed = client_for(consultant).get(DASHBOARD, {"stage": "all", "waiting": other}).context["rows"]
        assert (application.reference in [row["application"].reference for row in listed]) is (other == party)
    progress_page = client_for(enterprise_user).get(reverse("applications:progress"))
    assert progress_page.context["waiting_on"] == Party.LABELS.get(party, "")
