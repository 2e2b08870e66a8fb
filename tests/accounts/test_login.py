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
    assert "用户名（或电子邮箱）与密码不匹配" in response.content.decode()


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


def fail_until_locked(client: Client, settings, login: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, login, "wrong")


@pytest.mark.parametrize(
    "variant", ["WANG@EXAMPLE.COM", " wang@example.com", "wang@example.com \t", "wang", "WANG", "  Wang  "]
)
def test_every_way_of_writing_the_login_shares_one_lockout(client: Client, settings, variant: str) -> None:
    UserFactory(username="wang", email="wang@example.com")
    fail_until_locked(client, settings, "wang@example.com")
    assert log_in(client, variant, PASSWORD).status_code == 429, "the right password must not log in while locked"


def test_failures_under_different_spellings_add_up(client: Client, settings) -> None:
    UserFactory(username="wang", email="wang@example.com")
    spellings = ["wang", "WANG", " wang@example.com", "Wang@Example.com ", "wang@EXAMPLE.com"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, spellings[n % len(spellings)], "wrong")
    assert log_in(client, "wang", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"wang"}


def test_an_unknown_logins_variants_share_a_counter(client: Client, settings) -> None:
    spellings = ["nobody@example.com", "NOBODY@example.com", " Nobody@Example.com", "nobody@example.com  "]
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, spellings[n % len(spellings)], "wrong").status_code == 200
    assert log_in(client, " NoBody@EXAMPLE.COM ", "wrong").status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(client: Client, settings) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    victims = [UserFactory(username=f"user{n}") for n in range(6)]
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        # Fewer failures per account than the account limit: only the address's count can stop it.
        assert log_in(client, victims[n % len(victims)].username, "wrong").status_code in (200, 429)
    fresh = UserFactory(username="fresh")
    assert log_in(client, fresh.username, PASSWORD).status_code == 429
    other_address = client.post(LOGIN, {"username": "fresh", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert other_address.status_code == 302, "another client is not locked out with the first"


def test_logging_in_to_ones_own_account_does_not_clear_the_address_count(client: Client, settings) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    own = UserFactory(username="mine")
    victims = [UserFactory(username=f"user{n}") for n in range(4)]
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        log_in(client, victims[n % len(victims)].username, "wrong")
    assert log_in(client, own.username, PASSWORD).status_code == 302
    client.logout()
    log_in(client, victims[0].username, "wrong")
    assert log_in(client, victims[1].username, PASSWORD).status_code == 429
