"""The error pages (400, 403, 404, 429, 500 and the refused form) in the portal's layout and the
reader's language, each saying what happened and offering a way back; the 500 page even while the
database is down. DEBUG is off, as in production.

This module is also the URL configuration of its tests: the portal's URLs (and error handlers) plus
two routes that fail on purpose."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse
from django_ratelimit.exceptions import Ratelimited

from certportal.urls import handler400, handler403, handler404, handler500
from certportal.urls import urlpatterns as portal_urlpatterns
from tests.conftest import client_for


@login_not_required
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


@login_not_required
def rate_limited(request: HttpRequest) -> HttpResponse:
    raise Ratelimited


urlpatterns = [*portal_urlpatterns, path("test-fails/", fails), path("test-rate-limited/", rate_limited)]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_error_pages")]

LAYOUT = ('class="navbar', "GB/T 27922-2011")  # the portal's top bar and footer
# What each page says in each language: its title and a sentence of what happened.
SAYS = {
    ("zh-hans", 404): ("页面不存在", "网址可能有误"),
    ("en", 404): ("Page not found", "The address may be mistyped"),
    ("zh-hans", 403): ("无权访问", "只有本企业的用户才能修改企业信息。"),
    ("en", 403): ("No access", "Only the enterprise's own users can change its information."),
    ("zh-hans", 500): ("出错了", "平台暂时无法完成您的请求"),
    ("en", 500): ("Something went wrong", "The portal could not complete your request."),
    ("zh-hans", 400): ("请求无效", "不完整或格式有误"),
    ("en", 400): ("Bad request", "incomplete or malformed"),
    ("zh-hans", 429): ("请求过于频繁", "请等待一分钟后重试"),
    ("en", 429): ("Too many requests", "Please wait a minute and try again."),
    ("zh-hans", "csrf"): ("表单未能提交", "本次提交未被保存"),
    ("en", "csrf"): ("The form could not be sent", "Nothing was saved."),
}
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture(autouse=True)
def production_like(settings) -> None:
    settings.DEBUG = False


def in_language(client: Client, language: str) -> Client:
    client.cookies["certportal_language"] = language
    return client


def page_of(response: Any, language: str, kind: int | str) -> str:
    page = response.content.decode()
    title, sentence = SAYS[(language, kind)]
    assert f'<html lang="{language}">' in page
    assert f"<title>{title} · certportal</title>" in page
    assert sentence in html.unescape(page)
    for part in LAYOUT:
        assert part in page
    assert 'id="error-actions"' in page
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_says_the_page_does_not_exist_with_log_in_and_home(language: str) -> None:
    response = in_language(Client(), language).get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response, language, 404)
    assert f'href="{reverse("accounts:login")}"' in page
    assert f'href="{reverse("landing")}"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_signed_in_user_gets_back_to_the_previous_page_or_the_workspace(enterprise_user, language: str) -> None:
    client = in_language(client_for(enterprise_user), language)
    came_from = "http://testserver" + reverse("applications:list")
    response = client.get(reverse("applications:detail", args=[999999]), HTTP_REFERER=came_from)
    assert response.status_code == 404
    page = page_of(response, language, 404)
    assert f'href="{came_from}"' in page
    assert f'href="{reverse("home")}"' in page
    assert enterprise_user.display_name in page, "the account menu as on every page"


def test_no_way_back_to_another_site() -> None:
    page = Client().get("/no-such-page/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_says_why(application, consultant, language: str) -> None:
    client = in_language(client_for(consultant), language)
    response = client.get(reverse("applications:enterprise_edit", args=[application.enterprise_id]))
    assert response.status_code == 403
    page = page_of(response, language, 403)
    assert 'id="error-reason"' in page
    assert f'href="{reverse("home")}"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rate_limit_is_a_429_page(language: str) -> None:
    response = in_language(Client(), language).get("/test-rate-limited/")
    assert response.status_code == 429
    page_of(response, language, 429)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_request_gets_its_own_page(language: str) -> None:
    response = in_language(Client(HTTP_HOST="evil.example"), language).get(reverse("landing"))
    assert response.status_code == 400
    page = page_of(response, language, 400)
    assert f'href="{reverse("home")}"' in page


def test_a_form_too_big_to_read_sends_back_to_the_form(settings) -> None:
    form = "http://testserver" + reverse("accounts:password_reset")
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = Client().post(reverse("accounts:password_reset"), fields, HTTP_REFERER=form)
    assert response.status_code == 400
    page = page_of(response, "zh-hans", 400)
    assert f'href="{form}"' in page and "返回上一页" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_form_sends_back_to_the_form(language: str) -> None:
    client = in_language(Client(enforce_csrf_checks=True), language)
    form = "http://testserver" + reverse("accounts:login")
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"}, HTTP_REFERER=form)
    assert response.status_code == 403
    page = page_of(response, language, "csrf")
    assert f'href="{form}"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bug_gets_the_500_page_with_a_reference_and_try_again(language: str) -> None:
    response = in_language(Client(raise_request_exception=False), language).get("/test-fails/?page=2")
    assert response.status_code == 500
    page = page_of(response, language, 500)
    assert response["X-Request-ID"] in page
    assert 'href="/test-fails/?page=2"' in page, "try again"
    assert f'href="{reverse("home")}"' in page


@contextmanager
def database_down() -> Iterator[list[str]]:
    """Every query fails, as when the database server is gone; the queries tried are listed."""
    tried: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        tried.append(sql)
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(refuse):
        yield tried


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_500_page_shows_while_the_database_is_down(enterprise_user, language: str) -> None:
    client = in_language(client_for(enterprise_user), language)
    client.raise_request_exception = False
    with database_down() as tried:
        response = client.get(reverse("applications:list"))
    assert tried, "the page did need the database"
    assert response.status_code == 500
    page = page_of(response, language, 500)
    assert enterprise_user.display_name not in page, "nobody is named: the session could not be read"
    assert 'action="/language/"' in page, "the language menu still works"
