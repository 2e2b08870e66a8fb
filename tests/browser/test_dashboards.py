"""In the browser: the consultant's dashboard (chart, filter that applies on choosing, search,
sorting, export link) and the enterprise's progress page with a to-do that leads to the item."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from applications.models import Application, EvidenceRequirement
from tests.browser.conftest import log_in
from tests.conftest import put_in_status
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
    complete_evidence,
    complete_profile,
)

pytestmark = pytest.mark.django_db(transaction=True)

Status = Application.Status


def test_consultant_filters_and_searches_the_dashboard(page: Page, shot) -> None:
    consultant = UserFactory(username="dash-consultant", role="consultant")
    applications = []
    for number, status in enumerate([Status.DRAFT, Status.SUBMITTED, Status.SUBMITTED, Status.RETURNED]):
        enterprise = complete_profile(EnterpriseFactory(name=f"浏览器测试企业{number}号"), seed=300 + number)
        application = ApplicationFactory(enterprise=enterprise, consultant=consultant)
        applications.append(put_in_status(application, status))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, "dash-consultant", PASSWORD)
    expect(page.get_by_role("heading", name="我的申请")).to_be_visible()
    expect(page.locator("#dashboard-table tbody tr")).to_have_count(4)
    # Chart.js drew the stage counts (the canvas has been sized by the library).
    page.wait_for_function("document.getElementById('stage-chart').getAttribute('style') !== null")
    shot("dashboard")

    page.locator("#filter-stage").select_option("submitted")  # applies at once
    expect(page.locator("#dashboard-table tbody tr")).to_have_count(2)
    expect(page.locator("#dashboard-count")).to_contain_text("2")
    page.locator("#filter-stage").select_option("open")
    page.locator("#filter-waiting").select_option("consultant")
    expect(page.locator("#dashboard-table tbody tr")).to_have_count(1)
    expect(page.locator("#dashboard-table tbody tr")).to_contain_text(applications[3].reference)
    page.locator("#filter-waiting").select_option("")

    page.locator("#filter-q").fill("浏览器测试企业2号")
    page.locator("#filter-submit").click()
    expect(page.locator("#dashboard-table tbody tr")).to_have_count(1)
    expect(page.locator("#dashboard-table tbody tr")).to_contain_text(applications[2].reference)
    export = f"/dashboard/export.csv?q={quote('浏览器测试企业2号')}&sort=-days"
    expect(page.locator("#export-csv")).to_have_attribute("href", export)
    shot("search")

    page.locator("#filter-q").fill("")
    page.locator("#filter-submit").click()
    page.locator("th a[data-sort=reference]").click()
    expect(page.locator("#dashboard-table tbody tr").first).to_contain_text(applications[0].reference)
    page.locator("th a[data-sort=reference]").click()
    expect(page.locator("#dashboard-table tbody tr").first).to_contain_text(applications[3].reference)
    assert errors == []


def test_the_dashboard_on_a_phone(page: Page, shot) -> None:
    """At 390 px the rows are cards inside the page's width, references on one line, and the list
    opens on the open applications."""
    consultant = UserFactory(username="phone-consultant", role="consultant")
    made = []
    for number, status in enumerate([Status.DRAFT, Status.SUBMITTED, Status.CERTIFIED]):
        enterprise = complete_profile(EnterpriseFactory(name=f"手机查看企业有限公司{number}号"), seed=350 + number)
        made.append(put_in_status(ApplicationFactory(enterprise=enterprise, consultant=consultant), status))
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, "phone-consultant", PASSWORD)
    rows = page.locator("#dashboard-table tbody tr")
    expect(rows).to_have_count(2)  # the certified one is closed
    expect(page.locator("#filter-stage")).to_have_value("open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    for reference in page.locator("#dashboard-table .col-reference a").all():
        assert reference.evaluate("link => link.getClientRects().length") == 1
        box = reference.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
    expect(rows.first.locator(".col-waiting")).to_be_visible()
    shot("phone")

    page.locator("#filter-stage").select_option("closed")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(made[2].reference)
    expect(rows.first.locator(".col-days [data-pace]")).to_have_attribute("data-pace", "closed")


def test_enterprise_follows_a_todo_from_its_progress_page(page: Page, shot) -> None:
    user = EnterpriseUserFactory(username="progress-user")
    complete_profile(user.enterprise, seed=400)
    consultant = UserFactory(role="consultant")
    application = ApplicationFactory(enterprise=user.enterprise, consultant=consultant)
    complete_evidence(application)
    put_in_status(application, Status.FORMS_PREPARATION)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    EvidenceRequirement.objects.filter(pk=requirement.pk).update(
        review_status="rejected", review_reason="合同缺少盖章页"
    )

    log_in(page, "progress-user", PASSWORD)
    expect(page.get_by_role("heading", name="我们的认证进度")).to_be_visible()
    expect(page.locator(".progress-step-current")).to_contain_text("申请文件")
    todo = page.locator("#progress-todo .todo-item")
    expect(todo).to_have_count(1)
    expect(todo).to_contain_text("合同缺少盖章页")
    shot("progress")
    todo.get_by_role("link").click()
    page.wait_for_url(f"**/evidence/items/{requirement.pk}/")
    expect(page.get_by_text("合同缺少盖章页").first).to_be_visible()
    shot("item")


def test_auditor_lands_on_the_certification_body_dashboard(page: Page, shot) -> None:
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from audits.models import Certificate
    from tests.audits.conftest import in_audits, schedule_directly

    auditor = UserFactory(username="dash-auditor", role="auditor")
    consultant = UserFactory(role="consultant")
    today = timezone.localdate()
    made = []
    for number, status in enumerate([Status.SUBMITTED, Status.AUDIT_PREPARATION, Status.DECISION, Status.CERTIFIED]):
        enterprise = complete_profile(EnterpriseFactory(name=f"机构工作台企业{number}号"), seed=500 + number)
        made.append(put_in_status(ApplicationFactory(enterprise=enterprise, consultant=consultant), status))
    rounds = in_audits(made[1], Status.AUDIT_PREPARATION)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
    schedule_directly(rounds[0], auditor, start=start)
    Certificate.objects.create(
        number="CSA-2026-SV-00900", application=made[3], enterprise=made[3].enterprise, holder_name="机构工作台企业3号",
        holder_address="杭州", holder_uscc=made[3].enterprise.uscc, star_level=5, score=Decimal(960),
        issued_on=today - datetime.timedelta(days=340), expires_on=today + datetime.timedelta(days=700),
        body_name="x", surveillance_due_on=today + datetime.timedelta(days=25),
    )  # fmt: skip

    log_in(page, "dash-auditor", PASSWORD)
    expect(page.get_by_role("heading", name="发证机构工作台")).to_be_visible()
    expect(page.locator("#block-review")).to_contain_text(made[0].reference)
    expect(page.locator("#block-decisions")).to_contain_text(made[2].reference)
    expect(page.locator(f"#block-agenda [data-day='{today.isoformat()}']")).to_contain_text("首次远程审核")
    expect(page.locator("#block-surveillance")).to_contain_text("CSA-2026-SV-00900")
    page.wait_for_function("document.getElementById('certificate-chart').getAttribute('style') !== null")
    shot("body-dashboard")
