"""Login with username or e-mail, and the lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_with_username(client: Client) -> None:
    UserFactory(username="wang")
    response = log_in(client, "wang", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_with_email_ignoring_case(client: Client) -> None:
    UserFactory(username="wang", email="wang@example.com")
    assert log_in(client, "WANG@example.com", PASSWORD).status_code == 302


def test_wrong_password_says_so_in_chinese(client: Client) -> None:
    UserFactory(username="wang")
    response = log_in(client, "wang", "wrong")
    assert response.status_code == 200
    assert "用户名（或邮箱）与密码不匹配" in response.content.decode()


def test_login_page_is_chinese(client: Client) -> None:
    page = client.get(LOGIN).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "忘记密码" in page


def test_lockout_after_repeated_failures(client: Client, settings) -> None:
    UserFactory(username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wang", "wrong").status_code == 200
    locked = log_in(client, "wang", "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert log_in(client, "wang", PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(client: Client, settings) -> None:
    UserFactory(username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wang", "wrong")
    assert log_in(client, "wang", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert log_in(client, "wang", PASSWORD).status_code == 302


def test_lockout_of_one_user_leaves_others_alone(client: Client, settings) -> None:
    UserFactory(username="wang")
    UserFactory(username="li")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wang", "wrong")
    assert log_in(client, "li", PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_session(client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("landing")
    assert client.get(reverse("home")).status_code == 302
