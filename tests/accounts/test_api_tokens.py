"""The API tokens page: a token is made with a name and an access, shown once, kept only as its
SHA-256, listed with its last use, and revoked by its owner only."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from certportal.accounts.models import ApiToken
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:api_tokens")


def test_a_new_token_is_shown_once_and_stored_hashed(enterprise_user) -> None:
    client = client_for(enterprise_user)
    response = client.post(PAGE, {"name": "ERP 对接", "scope": ApiToken.Scope.WRITE})
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    token = ApiToken.objects.get(user=enterprise_user)
    key = page.split('class="fs-6 user-select-all">')[1].split("<")[0]
    assert key.startswith("cp_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and token.name == "ERP 对接"
    assert token.scope == ApiToken.Scope.WRITE and key not in str(ApiToken.objects.values())
    assert key not in client.get(PAGE).content.decode(), "the key is shown only once"
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("api:application_list")).status_code == 200


def test_a_token_needs_a_name_and_a_known_access(enterprise_user) -> None:
    client = client_for(enterprise_user)
    assert client.post(PAGE, {"name": "", "scope": "read"}).status_code == 200
    assert client.post(PAGE, {"name": "x", "scope": "admin"}).status_code == 200
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(enterprise_user) -> None:
    client = client_for(enterprise_user)
    client.post(PAGE, {"name": "script", "scope": "read"})
    key = client.get(PAGE).content.decode().split('class="fs-6 user-select-all">')[1].split("<")[0]
    token = ApiToken.objects.get()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    api.get(reverse("api:application_list"), REMOTE_ADDR="192.0.2.4")
    assert "192.0.2.4" in client.get(PAGE).content.decode(), "the page shows where the token was last used"
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get(reverse("api:application_list")).status_code == 401


def test_nobody_else_revokes_a_token(enterprise_user, other_enterprise_user, superuser) -> None:
    client_for(enterprise_user).post(PAGE, {"name": "对接令牌甲", "scope": "read"})
    token = ApiToken.objects.get()
    for other in (other_enterprise_user, superuser):
        assert client_for(other).post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
        assert "对接令牌甲" not in client_for(other).get(PAGE).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_settings_page_links_to_the_tokens(enterprise_user) -> None:
    assert f'href="{PAGE}"' in client_for(enterprise_user).get(reverse("accounts:settings")).content.decode()


def test_the_tokens_page_needs_a_fixed_number_of_queries(enterprise_user, django_assert_num_queries) -> None:
    client = client_for(enterprise_user)
    for name in ("a", "b", "c"):
        client.post(PAGE, {"name": name, "scope": "read"})
    client.get(PAGE)
    with django_assert_num_queries(4):
        assert client.get(PAGE).status_code == 200
