"""The consultant's dashboard: each column at each stage, filters, search, sorting, the summary band,
exports, the 20/40-day pace boundaries, access and a constant number of queries."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications import dashboard
from applications.checklist import checklist_for
from applications.models import Application, ApplicationEvent, EvidenceFile, EvidenceRequirement
from applications.models.forms import FormRendition
from audits import services as audit_services
from audits.models import AuditRound, Finding
from tests.conftest import client_for, put_in_status
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    complete_evidence,
    complete_profile,
    forms_ready,
    recount,
)
from tests.http import streamed_body

Status = Application.Status
URL = reverse("applications:dashboard")


def started_days_ago(application: Application, days: int) -> Application:
    """Move the application's start `days` calendar days back (at noon, local time)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Application.objects.filter(pk=application.pk).update(created_at=moment)
    application.refresh_from_db()
    return application


def rows_by_reference(response) -> dict[str, dict[str, Any]]:
    return {row["application"].reference: row for row in response.context["rows"]}


def make_applications(consultant, count: int) -> list[Application]:
    """`count` applications of as many enterprises (each with its own USCC)."""
    applications: list[Application] = []
    for _ in range(count):
        enterprise = EnterpriseFactory()
        complete_profile(enterprise, seed=1000 + enterprise.pk)
        applications.append(ApplicationFactory(enterprise=enterprise, consultant=consultant))
    return applications


# --- Columns -------------------------------------------------------------------------------------


def test_columns_of_a_new_application(application, consultant):
    response = client_for(consultant).get(URL)
    assert response.status_code == 200
    row = rows_by_reference(response)[application.reference]
    shown = row["application"]
    assert shown.enterprise.name == application.enterprise.name
    # A new application has its checklist from the start: the 30 application-phase items, as the
    # checklist counts them.
    assert shown.evidence_required == 30
    assert (shown.evidence_accepted, shown.evidence_required) == checklist_for(application).progress()[:2]
    assert shown.forms_signed == 0
    assert shown.next_audit_at is None
    assert shown.open_findings == 0
    assert shown.waiting_on == "enterprise"
    assert row["days"] == 0
    assert row["pace"] == "on_track"
    assert f"{application.reference}</a>" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "party"),
    [
        (Status.DRAFT, "enterprise"),
        (Status.INFO_SUBMITTED, "consultant"),
        (Status.FORMS_PREPARATION, "consultant"),
        (Status.AWAITING_SIGNATURE, "enterprise"),
        (Status.SUBMITTED, "body"),
        (Status.UNDER_REVIEW, "body"),
        (Status.RETURNED, "consultant"),
        (Status.AUDIT_PREPARATION, "enterprise"),
        (Status.REMOTE_AUDIT, "body"),
        (Status.EVALUATION, "body"),
        (Status.DECISION, "body"),
        (Status.CERTIFIED, ""),
        (Status.NOT_CERTIFIED, ""),
        (Status.WITHDRAWN, ""),
    ],
)
def test_stage_and_waiting_on_at_each_stage(application, consultant, status, party):
    put_in_status(application, status)
    response = client_for(consultant).get(URL, {"stage": "all"})
    row = rows_by_reference(response)[application.reference]
    assert row["application"].status == status
    assert row["application"].waiting_on == party
    assert f'data-status="{status}"' in response.content.decode()


def test_evidence_progress_counts_complete_items_as_the_checklist_does(application, consultant):
    complete_evidence(application)
    files = EvidenceRequirement.objects.filter(application=application, item__phase="application", item__kind="files")
    total = EvidenceRequirement.objects.filter(application=application, item__phase="application").count()
    # One item sent back, one with its accepted file sent back, one accepted as a whole with no
    # file (still short of its copy), one per-product item whose files cover no product.
    first, second, third = files.filter(per_product=False).order_by("item__position")[:3]
    per_product = files.filter(per_product=True).first()
    EvidenceRequirement.objects.filter(pk=first.pk).update(review_status="rejected")
    EvidenceFile.objects.filter(requirement=second).update(status="rejected")
    EvidenceFile.objects.filter(requirement=third).update(is_current=False)
    EvidenceRequirement.objects.filter(pk=third.pk).update(review_status="accepted")
    for evidence in EvidenceFile.objects.filter(requirement=per_product):
        evidence.products.clear()
    recount(application)  # the rows above were changed directly, past the services
    row = rows_by_reference(client_for(consultant).get(URL))[application.reference]
    assert total == 30
    assert row["application"].evidence_required == total
    assert row["application"].evidence_accepted == total - 4
    assert checklist_for(application).progress()[:2] == (total - 4, total)
    assert row["evidence_percent"] == round(100 * (total - 4) / total)


def test_forms_signed_counts_signed_versions_and_confirmed_scans(application, consultant):
    forms_ready(application, signed=True)
    assert rows_by_reference(client_for(consultant).get(URL))[application.reference]["application"].forms_signed == 6
    # A waiting scan does not count; a signed version still rendering does not either.
    FormRendition.objects.filter(form__application=application, kind="signed", form__form_type="contract").update(
        status="rendering"
    )
    row = rows_by_reference(client_for(consultant).get(URL))[application.reference]
    assert row["application"].forms_signed == 5
    assert "5/6" in client_for(consultant).get(URL).content.decode()


def test_next_audit_open_findings_and_last_activity(application, consultant, auditor):
    put_in_status(application, Status.REMOTE_AUDIT)
    rounds = audit_services.audit_setup(application)
    soon = timezone.now() + datetime.timedelta(days=3)
    later = timezone.now() + datetime.timedelta(days=9)
    AuditRound.objects.filter(pk=rounds[0].pk).update(starts_at=soon - datetime.timedelta(days=10),
        ends_at=soon - datetime.timedelta(days=10, hours=-2), done_at=timezone.now())  # fmt: skip
    AuditRound.objects.filter(pk=rounds[1].pk).update(starts_at=later, ends_at=later + datetime.timedelta(hours=2))
    AuditRound.objects.filter(pk=rounds[2].pk).update(starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
    from audits.models import Indicator

    indicator = Indicator.objects.filter(parent__isnull=False).first()
    for number, status in enumerate(["open", "answered", "closed"], start=1):
        Finding.objects.create(
            application=application, number=number, indicator=indicator, grade="general", description="x",
            deadline=timezone.localdate(), status=status, raised_by=auditor,
        )  # fmt: skip
    last = timezone.now() - datetime.timedelta(hours=1)
    ApplicationEvent.objects.create(application=application, kind="round_done", created_at=last)
    row = rows_by_reference(client_for(consultant).get(URL))[application.reference]["application"]
    assert row.next_audit_at == soon.replace(microsecond=soon.microsecond)
    assert row.open_findings == 2
    assert row.last_activity_at >= last


@pytest.mark.parametrize(("days", "pace"), [(0, "on_track"), (20, "on_track"), (21, "at_risk"), (40, "at_risk"),
                                            (41, "late"), (90, "late")])  # fmt: skip
def test_pace_boundaries_at_20_and_40_days(application, consultant, days, pace):
    started_days_ago(application, days)
    client = client_for(consultant)
    response = client.get(URL)
    row = rows_by_reference(response)[application.reference]
    assert (row["days"], row["pace"]) == (days, pace)
    summary = response.context["summary"]
    assert (summary.at_risk, summary.late) == (int(pace == "at_risk"), int(pace == "late"))
    for option in dashboard.PACES:
        listed = rows_by_reference(client.get(URL, {"pace": option}))
        assert (application.reference in listed) is (option == pace)


# --- Filters, search, sorting -----------------------------------------------------------------


def test_filters_by_stage_and_waiting_on(consultant):
    draft, submitted, returned, certified = make_applications(consultant, 4)
    put_in_status(submitted, Status.SUBMITTED)
    put_in_status(returned, Status.RETURNED)
    put_in_status(certified, Status.CERTIFIED)
    client = client_for(consultant)
    assert set(rows_by_reference(client.get(URL, {"stage": "submitted"}))) == {submitted.reference}
    assert set(rows_by_reference(client.get(URL, {"stage": "open"}))) == {
        draft.reference, submitted.reference, returned.reference}  # fmt: skip
    assert set(rows_by_reference(client.get(URL, {"waiting": "consultant"}))) == {returned.reference}
    assert set(rows_by_reference(client.get(URL, {"waiting": "enterprise"}))) == {draft.reference}
    assert set(rows_by_reference(client.get(URL, {"waiting": "body"}))) == {submitted.reference}
    assert set(rows_by_reference(client.get(URL, {"stage": "closed"}))) == {certified.reference}
    assert len(rows_by_reference(client.get(URL, {"stage": "all"}))) == 4
    # Unknown values are ignored: the default list, the open applications.
    assert len(rows_by_reference(client.get(URL, {"stage": "nonsense", "waiting": "x", "sort": "password"}))) == 3


def test_search_by_enterprise_name_uscc_or_reference(consultant):
    first, second = make_applications(consultant, 2)
    client = client_for(consultant)
    name_part = first.enterprise.name[2:6]
    assert set(rows_by_reference(client.get(URL, {"q": name_part}))) >= {first.reference}
    assert set(rows_by_reference(client.get(URL, {"q": second.enterprise.uscc.lower()}))) == {second.reference}
    assert set(rows_by_reference(client.get(URL, {"q": f"  {first.reference} "}))) == {first.reference}
    response = client.get(URL, {"q": "没有这家企业"})
    assert rows_by_reference(response) == {}
    assert 'id="dashboard-empty"' in response.content.decode()


@pytest.mark.parametrize("key", list(dashboard.SORTS))
def test_every_column_sorts_both_ways(consultant, key):
    applications = make_applications(consultant, 3)
    for days, application in zip((5, 30, 50), applications, strict=True):
        started_days_ago(application, days)
    put_in_status(applications[0], Status.SUBMITTED)
    forms_ready(applications[1], signed=True)
    client = client_for(consultant)
    ascending = list(rows_by_reference(client.get(URL, {"sort": key})))
    descending = list(rows_by_reference(client.get(URL, {"sort": f"-{key}"})))
    assert sorted(ascending) == sorted(descending) == sorted(a.reference for a in applications)
    if key == "days":
        assert ascending == [a.reference for a in applications]
    if key == "forms":
        assert descending[0] == applications[1].reference
    if key == "stage":
        # draft < submitted alphabetically
        assert ascending[-1] == applications[0].reference


def test_pagination_keeps_the_filters(consultant):
    make_applications(consultant, dashboard.PAGE_SIZE + 2)
    client = client_for(consultant)
    first = client.get(URL, {"stage": "draft"})
    assert len(first.context["rows"]) == dashboard.PAGE_SIZE
    assert "stage=draft" in first.content.decode()
    second = client.get(URL, {"stage": "draft", "page": "2"})
    assert len(second.context["rows"]) == 2


def test_summary_counts_stages_reviews_and_scans(consultant, other_consultant):
    mine = make_applications(consultant, 3)
    put_in_status(mine[2], Status.SUBMITTED)
    complete_evidence(mine[0])
    pending = EvidenceFile.objects.filter(requirement__application=mine[0]).values_list("pk", flat=True)[:4]
    EvidenceFile.objects.filter(pk__in=list(pending)).update(status="pending")
    recount(mine[0])  # changed directly, past the services
    make_applications(other_consultant, 2)
    summary = client_for(consultant).get(URL).context["summary"]
    counts = {status: count for status, _label, count in summary.stage_counts}
    assert counts["draft"] == 2
    assert counts["submitted"] == 1
    assert summary.open_count == 3
    assert summary.awaiting_review == 4
    assert summary.scans_to_check == 0


# --- Exports -------------------------------------------------------------------------------------


def test_csv_export_has_the_filtered_rows(consultant):
    _draft, submitted = make_applications(consultant, 2)
    put_in_status(submitted, Status.SUBMITTED)
    started_days_ago(submitted, 25)
    response = client_for(consultant).get(
        reverse("applications:dashboard_export", args=["csv"]), {"stage": "submitted"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = streamed_body(response).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:4] == ["申请编号", "企业", "统一社会信用代码", "阶段"]
    assert len(lines) == 2
    reference, name, uscc, stage, accepted, required, forms, next_audit, _started, days, pace = lines[1][:11]
    assert (reference, name, uscc) == (submitted.reference, submitted.enterprise.name, submitted.enterprise.uscc)
    assert stage == submitted.get_status_display()
    assert (accepted, required, forms, next_audit, days) == ("0", "30", "0", "", "25")
    assert pace == "有风险"
    assert lines[1][-1] == "发证机构"


def test_excel_export(consultant):
    applications = make_applications(consultant, 3)
    response = client_for(consultant).get(
        reverse("applications:dashboard_export", args=["xlsx"]), {"sort": "reference"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4
    assert [row[0] for row in values[1:]] == sorted(a.reference for a in applications)


# --- Access and queries -------------------------------------------------------------------------


def test_a_consultant_sees_only_their_applications(application, other_application, consultant, other_consultant):
    assert set(rows_by_reference(client_for(consultant).get(URL))) == {application.reference}
    assert set(rows_by_reference(client_for(other_consultant).get(URL))) == {other_application.reference}
    export = client_for(other_consultant).get(reverse("applications:dashboard_export", args=["csv"]))
    assert application.reference not in streamed_body(export).decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["enterprise_user", "auditor", "certifier"])
def test_other_roles_are_refused(request, application, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("applications:dashboard_export", args=["csv"])).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_consultant_home_is_the_dashboard(consultant):
    response = client_for(consultant).get(reverse("home"))
    assert response["Location"] == URL


def _busy_applications(consultant, count: int) -> None:
    for application in make_applications(consultant, count):
        put_in_status(application, Status.REMOTE_AUDIT)
        audit_services.audit_setup(application)
        forms_ready(application)


@pytest.mark.parametrize("count", [3, 30])
def test_constant_number_of_queries(consultant, evidence_items, django_assert_max_num_queries, count):
    _busy_applications(consultant, count)
    client = client_for(consultant)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"sort": "evidence"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, dashboard.PAGE_SIZE)


def test_enterprise_users_of_another_enterprise_do_not_appear(consultant):
    stranger = EnterpriseUserFactory()
    complete_profile(stranger.enterprise, seed=7)
    ApplicationFactory(enterprise=stranger.enterprise)
    assert rows_by_reference(client_for(consultant).get(URL)) == {}


def test_pace_filters_leave_out_closed_applications(application, consultant):
    started_days_ago(application, 50)
    put_in_status(application, Status.CERTIFIED)
    client = client_for(consultant)
    for option in dashboard.PACES:
        assert rows_by_reference(client.get(URL, {"pace": option})) == {}
    assert client.get(URL).context["summary"].late == 0


def test_applications_without_a_planned_audit_sort_last_both_ways(consultant):
    unplanned, planned = make_applications(consultant, 2)
    rounds = audit_services.audit_setup(put_in_status(planned, Status.AUDIT_PREPARATION))
    start = timezone.now() + datetime.timedelta(days=2)
    AuditRound.objects.filter(pk=rounds[0].pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    client = client_for(consultant)
    for sort in ("next_audit", "-next_audit"):
        assert list(rows_by_reference(client.get(URL, {"sort": sort}))) == [planned.reference, unplanned.reference]


# --- Open applications first, closed ones never at risk -------------------------------------------


def test_the_dashboard_opens_on_the_open_applications(consultant):
    draft, certified = make_applications(consultant, 2)
    put_in_status(certified, Status.CERTIFIED)
    client = client_for(consultant)
    response = client.get(URL)
    assert set(rows_by_reference(response)) == {draft.reference}
    assert response.context["filters"].stage == "open"
    page = response.content.decode()
    # The closed ones are one choice away, and the choice is kept in links (export, sorting).
    assert '<option value="closed">' in page
    assert set(rows_by_reference(client.get(URL, {"stage": "closed"}))) == {certified.reference}
    assert "stage=closed" in client.get(URL, {"stage": "closed"}).content.decode()
    assert "stage=open" not in page
    # With only closed applications left, the empty list says so and links to them.
    put_in_status(draft, Status.WITHDRAWN)
    empty = client.get(URL).content.decode()
    assert 'id="dashboard-show-closed"' in empty
    assert "没有进行中的申请" in empty


@pytest.mark.parametrize("status", Application.CLOSED_STATUSES)
def test_a_closed_application_is_never_at_risk_or_late(application, consultant, status):
    started_days_ago(application, 60)
    Application.objects.filter(pk=application.pk).update(closed_at=timezone.now())
    put_in_status(application, status)
    client = client_for(consultant)
    summary = client.get(URL).context["summary"]
    assert (summary.at_risk, summary.late, summary.open_count) == (0, 0, 0)
    row = rows_by_reference(client.get(URL, {"stage": "all"}))[application.reference]
    assert row["days"] == 60
    assert row["pace"] == "closed"
    assert str(row["pace_label"]) == "已结束"
    assert row["application"].waiting_on == ""
    export = streamed_body(client.get(reverse("applications:dashboard_export", args=["csv"]), {"stage": "all"}))
    assert "已结束" in export.decode("utf-8-sig")
    assert "已超期" not in export.decode("utf-8-sig")
    # The same application open and 60 days old is late.
    put_in_status(application, Status.SUBMITTED)
    assert client.get(URL).context["summary"].late == 1


def test_rows_carry_their_column_names_for_the_phone_layout(application, consultant):
    """On phones the rows are cards (the CSS block "dashboard on phones" in portal.css): each cell
    names its column, and the reference cell never wraps."""
    page = client_for(consultant).get(URL).content.decode()
    assert 'class="col-reference text-nowrap" data-label="申请编号"' in page
    for label in ("企业", "阶段", "证据", "等待"):
        assert f'data-label="{label}' in page
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    block = css[css.index("/* dashboard on phones */") :]
    assert "@media (max-width: 575.98px)" in block
    assert "content: attr(data-label)" in block


@pytest.mark.parametrize(
    "params", [{}, {"waiting": "consultant"}, {"stage": "all", "sort": "waiting"}, {"stage": "closed"}]
)
def test_constant_number_of_queries_with_the_new_filters(consultant, evidence_items, django_assert_max_num_queries,
                                                         params):  # fmt: skip
    _busy_applications(consultant, 4)
    client = client_for(consultant)
    with django_assert_max_num_queries(12):
        assert client.get(URL, params).status_code == 200
