"""In the browser, as demo-enterprise: complete the basic information, add a manager, start an
application with its scope, and submit the information."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from applications.models import Application
from tests.browser.conftest import log_in
from tests.factories import VALID_ID_FEMALE

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_enterprise_completes_profile_and_starts_an_application(page: Page, shot) -> None:
    call_command("seed_demo")
    log_in(page, "demo-enterprise", settings.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="江苏演示电器科技有限公司")).to_be_visible()
    expect(page.get_by_text("还需填写：")).to_be_visible()
    shot("profile-incomplete")

    page.get_by_role("link", name="编辑企业基本信息").click()
    page.locator("#id_uscc").fill("９１３５０１００Ｍ０００１００Ｙ４Z")  # a typo: Z instead of 3
    page.locator("#id_kind").select_option("manufacturer_seller")
    page.locator("#id_legal_representative").fill("陈立")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#error_1_id_uscc")).to_be_visible()
    expect(page.locator("#id_legal_representative")).to_have_value("陈立")
    shot("uscc-error")

    page.locator("#id_uscc").fill("91350100M000100Y43")
    page.locator("#id_founded_on").fill("2012-06-18")
    page.locator("#id_service_address").fill("江苏省苏州市工业园区星湖街 328 号")
    page.locator("#id_phone").fill("0512-66668888")
    page.locator("#id_service_hotline").fill("400-820-8820")
    page.locator("#id_headcount_total").fill("180")
    page.locator("#id_headcount_after_sales").fill("32")
    page.locator("#id_headcount_service_management").fill("8")
    page.locator("#id_sales_regions").fill("华东地区")
    page.locator("#id_sales_methods").fill("直销、经销商")
    page.locator("#id_after_sales_since").fill("2014")
    for name in ["has_after_sales_department", "has_qualified_staff", "has_fixed_premises",
                 "has_electronic_management", "keeps_service_records"]:  # fmt: skip
        page.locator(f"input[name={name}][value=True]").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。企业基本信息已填写完整。")).to_be_visible()
    expect(page.locator("#manager-warning")).to_be_visible()
    shot("profile-complete")

    page.get_by_role("link", name="添加售后服务管理师").click()
    page.locator("#id_name").fill("陈晓红")
    page.locator("#id_gender").select_option("female")
    page.locator("#id_id_number").fill(VALID_ID_FEMALE.lower())
    page.locator("#id_mobile").fill("139 1234 5678")
    page.locator("#id_department").fill("售后服务部")
    page.locator("#id_post").fill("主管")
    page.locator("#id_certificate_name").fill("售后服务管理师（高级）")
    page.locator("#id_certificate_number").fill("SM-2023-001")
    page.locator("#id_certificate_issuer").fill("中国商业联合会")
    page.locator("#id_certificate_issued_on").fill("2023-05-01")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#managers")).to_contain_text("11010519491231002X")
    expect(page.locator("#manager-warning")).to_have_count(0)

    page.get_by_role("link", name="发起认证申请").click()
    page.get_by_label("空气净化器").check()
    page.get_by_label("除湿机").check()
    page.get_by_role("button", name="创建申请").click()
    expect(page.get_by_text("已创建。下一步")).to_be_visible()
    shot("application-draft")

    page.get_by_role("button", name="提交企业基本信息").click()
    expect(page.locator(".status-badge")).to_have_text("基本信息已提交")
    expect(page.locator("#timeline")).to_contain_text("基本信息已提交")
    shot("information-submitted")
    application = Application.objects.get(enterprise__name="江苏演示电器科技有限公司")
    assert application.status == "info_submitted"
    assert application.scope.count() == 2
