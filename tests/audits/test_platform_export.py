"""The export for the national certification information platform: one row per change within the
period (issued, changed, suspended, reinstated, withdrawn, cancelled, expired), in the columns and
headings held as data, each export recorded with who, when and which certificates."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application
from audits import services
from audits.models import Certificate, CertificateEvent, CertificationDecision, PlatformExport, ReportColumn
from audits.services import reporting
from certportal.accounts.models import User
from tests.conftest import client_for, put_in_status
from tests.factories import ApplicationFactory, EnterpriseUserFactory, UserFactory, complete_profile

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def body_manager(db):
    return UserFactory(username="manager-a", role=User.Role.BODY_MANAGER, full_name="机构负责人甲")


def issued(certifier, seed: int) -> Certificate:
    enterprise = complete_profile(EnterpriseUserFactory().enterprise, seed=seed)
    application = ApplicationFactory(enterprise=enterprise)
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score=Decimal("925.50"),
        computed_star_level=4, star_level=4,
    )  # fmt: skip
    return services.certificate_issue(application=application, decision=decision, actor=certifier)


def event(certificate: Certificate, kind: str, to_status: str = "", days_ago: int = 0, reason: str = "") -> None:
    CertificateEvent.objects.create(
        certificate=certificate, kind=kind, to_status=to_status, reason=reason,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def history(certifier):
    """Two certificates with every kind of change, some inside the last ten days and some before."""
    first, second = issued(certifier, 51), issued(certifier, 52)
    issue = CertificateEvent.objects.filter(kind=CertificateEvent.Kind.ISSUED)
    issue.filter(certificate=first).update(created_at=timezone.now() - datetime.timedelta(days=6))
    issue.filter(certificate=second).update(created_at=timezone.now() - datetime.timedelta(days=40))
    kinds = CertificateEvent.Kind
    event(first, kinds.CHANGED, days_ago=5)
    event(first, kinds.STATUS_CHANGED, "suspended", days_ago=4, reason="监督审核未按期进行")
    event(first, kinds.STATUS_CHANGED, "valid", days_ago=3, reason="已完成监督审核")
    event(first, kinds.STATUS_CHANGED, "withdrawn", days_ago=2, reason="撤销")
    event(second, kinds.STATUS_CHANGED, "cancelled", days_ago=30, reason="企业申请注销")
    event(second, kinds.STATUS_CHANGED, "expired", days_ago=1, reason="证书到期")
    event(second, kinds.SURVEILLANCE, days_ago=1)  # not a change the platform is told of
    return first, second


def test_every_kind_of_change_in_the_period_is_one_row(history) -> None:
    first, second = history
    today = timezone.localdate()
    rows = reporting.platform_rows(today - 10 * DAY, today)
    assert [(row.certificate.number, row.change) for row in rows] == [
        (first.number, "发证"), (first.number, "变更"), (first.number, "暂停"), (first.number, "恢复"),
        (first.number, "撤销"), (second.number, "过期"),
    ]  # fmt: skip
    older = reporting.platform_rows(today - 45 * DAY, today - 20 * DAY)
    assert [(row.certificate.number, row.change) for row in older] == [(second.number, "发证"), (second.number, "注销")]


def test_the_columns_follow_the_template_held_as_data(history) -> None:
    today = timezone.localdate()
    rows = reporting.platform_rows(today - 10 * DAY, today)
    header = reporting.platform_table(rows)[0]
    assert header[:3] == ["证书编号", "获证组织名称", "统一社会信用代码"] and len(header) == 14
    # The platform changes its template: the admin reorders and renames, the export follows.
    ReportColumn.objects.filter(field="uscc").update(position=100, heading="社会信用代码")
    ReportColumn.objects.filter(field="number").update(position=101)
    table = reporting.platform_table(rows)
    assert table[0][-2:] == ["社会信用代码", "证书编号"]
    assert table[1][-2:] == [history[0].holder_uscc, history[0].number]


def test_the_body_manager_exports_csv_and_the_export_is_recorded(history, body_manager) -> None:
    first, second = history
    today = timezone.localdate()
    data = {"date_from": (today - 10 * DAY).isoformat(), "date_to": today.isoformat(), "file_format": "csv"}
    response = client_for(body_manager).post(reverse("audits:platform_export"), data)
    assert response["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "证书编号" and len(lines) == 1 + 6
    assert lines[3][13] == "监督审核未按期进行"
    export = PlatformExport.objects.get()
    assert export.exported_by == body_manager and export.row_count == 6 and export.file_format == "csv"
    assert set(export.certificates.all()) == {first, second}
    page = client_for(body_manager).get(reverse("audits:platform_export"))
    assert body_manager.display_name in page.content.decode()


def test_the_excel_export_has_the_same_rows(history, body_manager) -> None:
    today = timezone.localdate()
    data = {"date_from": (today - 10 * DAY).isoformat(), "date_to": today.isoformat(), "file_format": "xlsx"}
    response = client_for(body_manager).post(reverse("audits:platform_export"), data)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 7 and sheet.cell(1, 1).value == "证书编号"


def test_a_period_that_ends_before_it_starts_is_refused(body_manager) -> None:
    today = timezone.localdate()
    data = {"date_from": today.isoformat(), "date_to": (today - DAY).isoformat(), "file_format": "csv"}
    response = client_for(body_manager).post(reverse("audits:platform_export"), data)
    assert response.status_code == 200 and "date_to" in response.context["form"].errors
    assert not PlatformExport.objects.exists()


def test_only_the_body_manager_exports(certifier, auditor) -> None:
    for person in (certifier, auditor):
        assert client_for(person).get(reverse("audits:platform_export")).status_code == 403
