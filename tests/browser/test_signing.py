"""In the browser: the demo enterprise awaiting signature signs its six forms (drawing the signature
on the pad), the real worker renders the signed versions while the page updates by itself, the
consultant submits the application, and the auditor sees the signed package."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from applications import demo_forms
from applications.models import Application, FormRendition
from tests.browser.conftest import log_in
from tests.browser.journey import draw_signature

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FORMS = ["basic_info", "application", "contract", "laws", "managers", "remote_audit"]


def test_the_demo_enterprise_signs_all_forms_and_the_consultant_submits(page: Page, shot, celery_worker) -> None:
    call_command("seed_demo")
    # The newcomer's forms as `make run` prepares them (seed_demo --with-pdfs), for this one enterprise.
    demo_forms.seed({}, with_pdfs=True, statuses=[Application.Status.AWAITING_SIGNATURE])
    application = Application.objects.get(status=Application.Status.AWAITING_SIGNATURE)

    log_in(page, "demo-stage-awaiting-signature", settings.DEMO_PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("#forms-card")).to_contain_text("0/6")
    shot("application-page")
    page.locator("#forms-card").get_by_role("link", name="打开").click()
    expect(page.get_by_role("heading", name="申请文件")).to_be_visible()
    expect(page.locator("#forms-progress")).to_contain_text("已签署 0/6")
    shot("forms-to-sign")

    for number, form_type in enumerate(FORMS):
        page.locator(f"#form-{form_type}").get_by_role("link", name="签署").click()
        expect(page.locator("#open-form")).to_be_visible()
        page.locator("#id_signer_title").fill("总经理")
        if number == 0:
            page.get_by_role("button", name="签署表格").click()
            expect(page.get_by_text("请在方框内手写签名，或上传签名图片。")).to_be_visible()
            expect(page.locator("#id_signer_title")).to_have_value("总经理")
            shot("signature-missing")
        draw_signature(page)
        page.locator("#id_confirmed").check()
        if number == 0:
            shot("signing")
        page.get_by_role("button", name="签署表格").click()
        expect(page.locator(".alert-success")).to_contain_text("已签署")

    # The worker renders the six signed versions; the table polls until they are ready.
    expect(page.locator("#forms-progress")).to_contain_text("已签署 6/6", timeout=60_000)
    expect(page.locator('.signature-status[data-status="signed"]')).to_have_count(6)
    shot("all-signed")
    signed = FormRendition.objects.filter(form__application=application, kind="signed", status="ready")
    assert signed.count() == 6, celery_worker.log()
    assert all(rendition.signature.signer_title == "总经理" for rendition in signed)

    page.context.clear_cookies()
    log_in(page, "demo-consultant", settings.DEMO_PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("#forms-signed-count")).to_have_text("6/6")
    page.get_by_role("button", name="提交发证机构").click()
    expect(page.locator(".status-badge")).to_have_text("已提交发证机构")
    shot("submitted")
    application.refresh_from_db()
    assert application.status == "submitted"

    page.context.clear_cookies()
    log_in(page, "demo-auditor", settings.DEMO_PASSWORD)
    page.goto(f"/applications/{application.pk}/forms/")
    expect(page.locator('.signature-status[data-status="signed"]')).to_have_count(6)
    expect(page.get_by_role("link", name="打开签署版")).to_have_count(6)
    shot("auditor-sees-the-package")
