"""In the browser, from an application submitted to the certification body to a certificate anyone can
verify: the auditor reviews and accepts it, schedules and runs the three video audits (set in the
recent past, so that they can be marked done), scores it to four stars with the total following
live; a certifier who was not on the audit team certifies; the certificate page waits for its PDF
(rendered here by calling the task; test_certificates runs it through a real worker) and offers it
for download; the public page shows the certificate as valid."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.models import Application
from audits.models import Certificate
from audits.tasks import certificate_render_pdf
from tests.browser.conftest import log_in
from tests.browser.journey import log_out, run_round, score
from tests.conftest import put_in_status
from tests.factories import PASSWORD, complete_evidence

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_submitted_to_a_verified_four_star_certificate(page: Page, shot, application, auditor, certifier) -> None:
    # Every evidence item, the pre-audit documents included, is in (whether or not a transactional
    # test before this one emptied the checklist table).
    complete_evidence(application)
    put_in_status(application, Application.Status.SUBMITTED)

    # The auditor reviews and accepts.
    log_in(page, auditor.username, PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("link", name="评审申请").click()
    expect(page.locator("#profile")).to_contain_text(application.enterprise.uscc)
    page.get_by_role("button", name="开始评审").click()
    expect(page.get_by_text("已开始评审")).to_be_visible()
    page.locator("#id_comment").fill("材料齐全，予以受理。")
    shot("review")
    page.get_by_role("button", name="评审通过").click()
    expect(page.get_by_text("已受理。下一步：安排三次远程审核。")).to_be_visible()
    expect(page.locator(".round-card")).to_have_count(3)
    shot("audit-planning")

    # The remote audits: three rounds, each in the recent past so that it can be marked done.
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("button", name="开始远程审核").click()
    expect(page.locator(".status-badge")).to_have_text("远程审核")
    now = timezone.now().replace(second=0, microsecond=0)
    for number in (1, 2, 3):
        start = now - datetime.timedelta(hours=4 * (4 - number), minutes=20)
        run_round(page, application, number, start, shot)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("button", name="完成审核").click()
    expect(page.locator(".status-badge")).to_have_text("评定")

    # Scoring: every change saves and the total follows.
    page.get_by_role("link", name="评分表").click()
    score(page, application)
    expect(page.locator("#total-value")).to_have_text("920.00")
    expect(page.locator("#total-stars")).to_contain_text("四星级")
    shot("score-sheet")
    page.locator("#id_recommendation").fill("建议授予四星级证书。")
    page.get_by_role("button", name="保存推荐意见").click()
    page.get_by_role("button", name="提交认证决定").click()
    expect(page.locator(".status-badge")).to_have_text("等待认证决定")
    log_out(page)

    # A certifier who was not on the audit team certifies.
    log_in(page, certifier.username, PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("link", name="批准认证").click()
    expect(page.locator("#decision-total")).to_have_text("920.00")
    page.get_by_label("批准认证").check()
    shot("decision")
    page.get_by_role("button", name="记录决定").click()
    certificate = Certificate.objects.get()
    expect(page.get_by_text(f"证书 {certificate.number} 已颁发")).to_be_visible()
    expect(page.locator("#certificate-pdf")).to_contain_text("排队中")
    assert certificate_render_pdf(certificate.pk) == "ready"
    expect(page.locator("#download-pdf")).to_be_visible()  # the box polls until the PDF is ready
    shot("certificate")
    pdf = page.context.request.get(f"/audits/certificates/{certificate.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    log_out(page)

    # Anyone can verify it.
    page.goto("/verify/")
    page.locator("#id_q").fill(certificate.number)
    page.get_by_role("button", name="查验").click()  # the exact number opens the certificate itself
    expect(page.locator(".verdict")).to_contain_text("该证书有效")
    expect(page.locator("#certificate-number")).to_have_text(certificate.number)
    expect(page.get_by_text("四星级")).to_be_visible()
    shot("verified")
    certificate.refresh_from_db()
    assert (certificate.star_level, str(certificate.score), certificate.status) == (4, "920.00", "valid")
