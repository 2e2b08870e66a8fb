"""Enterprise sign-up: a good form creates the enterprise and its user; a bad one keeps the input."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Enterprise
from certportal.accounts.models import User
from certportal.models import OutgoingEmail
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "enterprise_name": "上海示例机电设备有限公司",
    "full_name": "张三",
    "email": "Zhang.San@Example.com",
    "mobile": "+86 139-1234-5678",
    "password1": "售后服务-Strong-2026",
    "password2": "售后服务-Strong-2026",
}


def sign_up(client: Client, **changes: str):
    return client.post(reverse("signup:start"), {**GOOD, **changes})


def signup_link(email: OutgoingEmail) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/signup/confirm/\S+/)", email.body_text).group(1)


def test_signup_creates_enterprise_and_logs_in(client: Client) -> None:
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("signup:sent")
    user = User.objects.get()
    assert user.email == "zhang.san@example.com"
    assert user.username == "zhang.san@example.com"
    assert user.mobile == "13912345678"
    assert user.role == User.Role.ENTERPRISE
    assert user.enterprise.name == "上海示例机电设备有限公司"
    assert not user.is_active, "the account stays closed until the address is proven"
    assert client.get(reverse("home")).status_code == 302, "not logged in yet"
    queued = OutgoingEmail.objects.get()
    assert queued.to == ["zhang.san@example.com"]
    link = signup_link(queued)
    assert "上海示例机电设备有限公司" in client.get(link).content.decode()
    opened = client.post(link, {"password": GOOD["password1"]}, follow=True)
    assert "欢迎！您的账户已开通" in opened.content.decode()
    assert client.get(reverse("home")).wsgi_request.user == user
    user.refresh_from_db()
    assert user.is_active


def test_signup_page_is_chinese_by_default(client: Client) -> None:
    page = client.get(reverse("signup:start")).content.decode()
    assert "企业名称" in page
    assert "注册" in page


def test_a_closed_account_cannot_log_in_before_its_link_is_followed(client: Client) -> None:
    sign_up(client)
    response = client.post(reverse("accounts:login"), {"username": GOOD["email"], "password": GOOD["password1"]})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_the_link_needs_the_password_chosen_at_sign_up(client: Client) -> None:
    sign_up(client)
    link = signup_link(OutgoingEmail.objects.get())
    response = client.post(link, {"password": "someone-elses-2026"})
    assert response.status_code == 200
    assert "不是注册时设置的密码" in response.content.decode()
    assert not User.objects.get().is_active


def test_the_link_works_once(client: Client) -> None:
    sign_up(client)
    link = signup_link(OutgoingEmail.objects.get())
    client.post(link, {"password": GOOD["password1"]})
    client.post(reverse("accounts:logout"))
    again = client.get(link)
    assert again.status_code == 404
    assert "链接已失效" in again.content.decode()


def test_a_new_signup_with_a_waiting_address_replaces_the_first(client: Client) -> None:
    sign_up(client, enterprise_name="冒名企业有限公司", password1="first-Choice-2026", password2="first-Choice-2026")
    first_link = signup_link(OutgoingEmail.objects.get())
    sign_up(client)
    assert User.objects.count() == 1
    second_link = signup_link(OutgoingEmail.objects.latest("pk"))
    assert client.get(first_link).status_code == 404, "the earlier link no longer opens the account"
    client.post(second_link, {"password": GOOD["password1"]})
    user = User.objects.get()
    assert user.is_active
    assert user.enterprise.name == GOOD["enterprise_name"]


def answer(client: Client, **changes: str) -> tuple[int, str, str]:
    response = sign_up(client, **changes)
    page = client.get(response.url).content.decode()
    return response.status_code, response.url, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@pytest.mark.parametrize("owner", ["enterprise_user", "auditor", "certifier", "consultant", "superuser"])
def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(
    request: pytest.FixtureRequest, owner: str
) -> None:
    unknown = answer(Client(), email="nobody.yet@example.com")
    account = request.getfixturevalue(owner)
    assert answer(Client(), email=account.email.upper()) == unknown
    assert Enterprise.objects.filter(name=GOOD["enterprise_name"]).count() == 1, "only the unknown address's"


def test_an_address_with_an_account_gets_no_second_account_but_a_notice(client: Client) -> None:
    """An address with an account gets no second account; its owner is told by e-mail, not the page."""
    existing = EnterpriseUserFactory(email="zhang.san@example.com", language="zh-hans")
    response = sign_up(client)
    assert response.url == reverse("signup:sent")
    page = client.get(response.url).content.decode()
    assert "该电子邮箱已注册" not in page
    assert Enterprise.objects.filter(name=GOOD["enterprise_name"]).count() == 0
    assert User.objects.get() == existing
    notice = OutgoingEmail.objects.get()
    assert notice.to == ["zhang.san@example.com"]
    assert "有人尝试用您的电子邮箱注册" in notice.subject
    assert "http://127.0.0.1:8000/accounts/login/" in notice.body_text
    assert "http://127.0.0.1:8000/accounts/password/reset/" in notice.body_text
    assert "/accounts/signup/confirm/" not in notice.body_text


def test_notice_to_an_existing_account_is_in_its_language(client: Client) -> None:
    EnterpriseUserFactory(email="zhang.san@example.com", language="en")
    sign_up(client)
    assert OutgoingEmail.objects.get().subject == "Someone tried to sign up with your e-mail address"


def test_weak_password_is_refused_with_a_reason(client: Client) -> None:
    response = sign_up(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码" in page
    assert "全部是数字" in page or "太常见" in page
    assert User.objects.count() == 0
    assert "zhang.san@example.com" in page.lower()


def test_mismatched_passwords_are_refused(client: Client) -> None:
    response = sign_up(client, password2="something-else-2026")
    assert "两次输入的密码不一致" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.parametrize("mobile", ["12345678901", "1391234567", "abc", "+1 415 555 0100"])
def test_malformed_mobile_is_refused_next_to_the_field(client: Client, mobile: str) -> None:
    response = sign_up(client, mobile=mobile)
    assert response.status_code == 200
    page = response.content.decode()
    assert "11 位" in page
    assert 'id="error_1_id_mobile"' in page, "the message must stand next to the mobile field"
    assert User.objects.count() == 0
    assert "上海示例机电设备有限公司" in page


def test_signed_in_user_is_sent_home(client: Client) -> None:
    client.force_login(EnterpriseUserFactory())
    assert client.get(reverse("signup:start"))["Location"] == reverse("home")


# --- Throttling ------------------------------------------------------------------------------------


def assert_throttled(response) -> None:
    assert response.status_code == 429
    page = response.content.decode()
    assert "短时间内尝试次数过多" in page
    assert "请一小时后再试" in page
    assert f'href="{reverse("accounts:login")}"' in page, "the page says what to do next"


@pytest.mark.parametrize("has_account", [False, True])
def test_signups_for_one_address_are_limited(client: Client, settings, has_account: bool) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "100/h"
    if has_account:
        EnterpriseUserFactory(email="zhang.san@example.com")
    spellings = ["zhang.san@example.com", "ZHANG.SAN@example.com", " Zhang.San@Example.com "]
    for n, spelling in enumerate(spellings):
        assert sign_up(client, email=spelling).status_code == 302, n
    assert_throttled(sign_up(client, email="zhang.san@EXAMPLE.com"))
    assert OutgoingEmail.objects.count() == 3, "no fourth e-mail to the address"
    assert sign_up(client, email="li.si@example.com").status_code == 302, "another address is not affected"


def test_mistakes_on_the_form_do_not_use_up_the_address(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "100/h"
    for _ in range(5):
        assert sign_up(client, password2="not-the-same-2026").status_code == 200
    assert sign_up(client).status_code == 302


def test_signups_from_one_client_are_limited(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "4/h"
    for n in range(4):
        assert sign_up(client, email=f"person{n}@example.com").status_code == 302
    assert_throttled(sign_up(client, email="person9@example.com"))
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert other.post(reverse("signup:start"), {**GOOD, "email": "person9@example.com"}).status_code == 302


def test_the_throttled_page_is_english_for_english_visitors(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "1/h"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_up(client)
    response = sign_up(client, email="other@example.com")
    assert response.status_code == 429
    assert "Too many attempts in a short time" in response.content.decode()
