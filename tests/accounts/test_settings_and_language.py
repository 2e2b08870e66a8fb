"""The language switch on every page, and the user's own settings."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese(client: Client) -> None:
    page = client.get(reverse("landing")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "售后服务认证" in page


def test_browser_asking_for_chinese_gets_chinese(client: Client) -> None:
    page = client.get(reverse("landing"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page


def test_switch_to_english_and_back(client: Client) -> None:
    response = client.post(reverse("language_switch"), {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Forgot your password?" in page
    client.post(reverse("language_switch"), {"language": "zh-hans", "next": "/"})
    assert "忘记密码" in client.get("/accounts/login/").content.decode()


def test_switch_remembers_the_choice_for_a_signed_in_user(client: Client) -> None:
    user = UserFactory(language="zh-hans")
    client.force_login(user)
    client.post(reverse("language_switch"), {"language": "en", "next": "/home/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_switch_ignores_unknown_languages_and_foreign_redirects(client: Client) -> None:
    response = client.post(reverse("language_switch"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "certportal_language" not in response.cookies


def test_every_page_offers_the_switch(client: Client) -> None:
    for url in [reverse("landing"), reverse("accounts:login"), reverse("signup:start")]:
        assert 'action="/language/"' in client.get(url).content.decode()


def test_account_settings_save_name_mobile_and_language(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"), {"full_name": "新名字", "mobile": "139 1234 5678", "language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.mobile, user.language) == ("新名字", "13912345678", "en")


def test_account_settings_reject_a_bad_mobile_and_keep_the_name(client: Client) -> None:
    user = UserFactory(full_name="旧名字")
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"), {"full_name": "新名字", "mobile": "123", "language": "zh-hans"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "新名字" in page
    user.refresh_from_db()
    assert user.full_name == "旧名字"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(client: Client, language: str) -> None:
    client.cookies["certportal_language"] = language
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'<html lang="{language}">' in page
    assert '<option value="zh-hans"' in page and '<option value="en"' in page
    assert 'lang="zh-hans">简体中文</option>' in page
    assert 'lang="en">English</option>' in page
    assert "英语" not in page and "Simplified Chinese" not in page


def test_login_applies_the_users_saved_language(client: Client) -> None:
    UserFactory(username="lee", language="en")
    response = client.post(reverse("accounts:login"), {"username": "lee", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["certportal_language"].value == "en"
    page = client.get(response["Location"], follow=True).content.decode()
    assert '<html lang="en">' in page


def test_login_replaces_another_users_language_cookie(client: Client) -> None:
    UserFactory(username="wang", language="zh-hans")
    client.cookies["certportal_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": "wang", "password": PASSWORD})
    assert response.cookies["certportal_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get(response["Location"], follow=True).content.decode()


def test_a_failed_login_leaves_the_language_alone(client: Client) -> None:
    UserFactory(username="lee", language="en")
    response = client.post(reverse("accounts:login"), {"username": "lee", "password": "wrong"})
    assert "certportal_language" not in response.cookies
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_menu_change_while_signed_in_is_used_at_the_next_login(client: Client) -> None:
    user = UserFactory(username="lee", language="zh-hans")
    client.post(reverse("accounts:login"), {"username": "lee", "password": PASSWORD})
    client.post(reverse("language_switch"), {"language": "en", "next": "/home/"})
    user.refresh_from_db()
    assert user.language == "en"
    other_device = Client()
    response = other_device.post(reverse("accounts:login"), {"username": "lee", "password": PASSWORD})
    assert '<html lang="en">' in other_device.get(response["Location"], follow=True).content.decode()
