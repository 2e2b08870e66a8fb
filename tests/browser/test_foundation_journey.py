"""In the browser: a new enterprise signs up in Chinese; demo users log in and see their own menus."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from certportal.accounts.models import User
from certportal.models import OutgoingEmail
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_signs_up_fixes_a_mistake_and_lands_home(page: Page, shot) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("售后服务认证")
    shot("landing")
    page.get_by_role("link", name="企业注册").first.click()
    page.get_by_label("企业名称").fill("杭州示例家电服务有限公司")
    page.get_by_label("您的姓名").fill("刘明")
    page.get_by_label("电子邮箱").fill("liu@example.com")
    page.get_by_label("手机号码").fill("12345")
    page.locator("#id_password1").fill("Service-2026-good")
    page.locator("#id_password2").fill("Service-2026-good")
    page.get_by_role("button", name="创建账户").click()
    expect(page.locator("#error_1_id_mobile")).to_contain_text("11 位")
    expect(page.get_by_label("企业名称")).to_have_value("杭州示例家电服务有限公司")
    shot("mobile-error")
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.locator("#id_password1").fill("Service-2026-good")
    page.locator("#id_password2").fill("Service-2026-good")
    page.get_by_role("button", name="创建账户").click()
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    shot("check-your-email")
    opening = OutgoingEmail.objects.get(to=["liu@example.com"])
    link = re.search(r"/accounts/signup/confirm/\S+/", opening.body_text)
    assert link, opening.body_text
    page.goto(link.group(0))
    page.get_by_label("密码").fill("Service-2026-good")
    page.get_by_role("button", name="开通我的账户").click()
    expect(page.get_by_text("欢迎！您的账户已开通")).to_be_visible()
    shot("home")
    assert User.objects.get(email="liu@example.com").enterprise.name == "杭州示例家电服务有限公司"


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-consultant", "demo-auditor", "demo-certifier"])
def test_demo_users_log_in_and_see_their_role(page: Page, shot, username: str) -> None:
    call_command("seed_demo")
    log_in(page, username, settings.DEMO_PASSWORD)
    user = User.objects.get(username=username)
    expect(page.locator("nav")).to_contain_text(user.display_name)
    expect(page.locator("nav")).to_contain_text(str(user.get_role_display()))
    shot("logged-in")


def test_language_switch_in_the_browser(page: Page) -> None:
    page.goto("/accounts/login/")
    page.locator("#language-select").select_option("en")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.locator("#language-select").select_option("zh-hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
