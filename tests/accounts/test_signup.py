"""Enterprise sign-up: a good form creates the enterprise and its user; a bad one keeps the input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Enterprise
from certportal.accounts.models import User
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
    return client.post(reverse("accounts:signup"), {**GOOD, **changes})


def test_signup_creates_enterprise_and_logs_in(client: Client) -> None:
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get()
    assert user.email == "zhang.san@example.com"
    assert user.username == "zhang.san@example.com"
    assert user.mobile == "13912345678"
    assert user.role == User.Role.ENTERPRISE
    assert user.enterprise.name == "上海示例机电设备有限公司"
    assert client.get(reverse("home")).wsgi_request.user == user


def test_signup_page_is_chinese_by_default(client: Client) -> None:
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "企业名称" in page
    assert "注册" in page


def test_duplicate_email_is_refused_and_input_kept(client: Client) -> None:
    EnterpriseUserFactory(email="zhang.san@example.com")
    response = sign_up(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该邮箱已注册" in page
    assert "上海示例机电设备有限公司" in page, "the typed enterprise name must be kept"
    assert "张三" in page
    assert Enterprise.objects.filter(name=GOOD["enterprise_name"]).count() == 0


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
    assert client.get(reverse("accounts:signup"))["Location"] == reverse("home")
