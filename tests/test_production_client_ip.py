"""The login lockout counts failures per client address: behind nginx the forwarded one, and only then."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from certportal.lib.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
NGINX = "127.0.0.1"


def attempt(client: Client, password: str, *, forwarded_for: str | None = None, remote: str = NGINX) -> int:
    headers: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    response = client.post(LOGIN, {"username": "wang", "password": password}, REMOTE_ADDR=remote, **headers)
    return response.status_code


def test_without_a_trusted_proxy_a_forged_header_cannot_dodge_the_lockout(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="wang")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", forwarded_for=f"198.51.100.{n}", remote="203.0.113.9")
    assert attempt(client, PASSWORD, forwarded_for="198.51.100.200", remote="203.0.113.9") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_nginx_each_client_is_counted_by_its_own_address(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", forwarded_for="203.0.113.5")
    assert attempt(client, PASSWORD, forwarded_for="203.0.113.5") == 429
    # Everyone reaches gunicorn from nginx's address; another client is not locked out with the first.
    assert attempt(client, PASSWORD, forwarded_for="198.51.100.7") == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_behind_nginx_a_client_cannot_forge_its_way_out(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="wang")
    # The client writes a different X-Forwarded-For each time; nginx appends the address it really saw.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", forwarded_for=f"10.9.9.{n}, 203.0.113.5")
    assert attempt(client, PASSWORD, forwarded_for="10.9.9.99, 203.0.113.5") == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "198.51.100.1", "127.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),  # load balancer, then nginx
        (2, "198.51.100.1", "127.0.0.1"),  # shorter than the proxy chain: not to be trusted
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_client_ip(settings, count: int, forwarded_for: str, expected: str) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
