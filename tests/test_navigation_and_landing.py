"""The landing page explains the certification; each role's navigation shows only its own pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from certportal.navigation import NAV_ITEMS, nav_items_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_landing_explains_the_certification_in_chinese(client: Client) -> None:
    page = client.get(reverse("landing")).content.decode()
    for text in ["GB/T 27922", "20 到 40 天", "五星", "四星", "三星", "二星", "≥ 950", "营业执照", "注册"]:
        assert text in page, text
    assert page.count('class="step-number"') == 6
    assert "招投标" in page


def test_landing_is_complete_in_english(client: Client) -> None:
    page = client.get(reverse("landing"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How it works" in page
    assert "Five stars" in page


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant", "auditor", "certifier"])
def test_each_role_sees_only_its_navigation(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    expected = [item for item in NAV_ITEMS if user.role in item.roles]
    page = client_for(user).get(reverse("home"), follow=True).content.decode()
    for item in NAV_ITEMS:
        url = reverse(item.url_name)
        if item in expected:
            assert f'href="{url}"' in page, (persona, url)
    assert [entry["url"] for entry in nav_items_for(user)] == [reverse(item.url_name) for item in expected]


def test_anonymous_gets_no_navigation(client: Client) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert nav_items_for(AnonymousUser()) == []


def test_superuser_without_role_goes_to_admin(superuser) -> None:
    response = client_for(superuser).get(reverse("home"))
    assert response["Location"] == reverse("admin:index")


def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get(reverse("landing"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
