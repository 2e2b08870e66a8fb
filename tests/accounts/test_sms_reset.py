"""Verifying a mobile number on the account settings page and resetting the password by SMS code,
with the code read from what the real SMS gateway (a loopback HTTP server) received."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from certportal.accounts import mobile
from certportal.accounts.models import MobileCode
from certportal.models import OutgoingMessage
from certportal.tasks import message_send
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.http import Receiver

pytestmark = pytest.mark.django_db

NUMBER = "13912345678"
NEW_PASSWORD = "an0ther-Long-passw0rd"


@pytest.fixture
def gateway(settings) -> Iterator[Receiver]:
    server = Receiver().start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = server.url
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "100/h"
    yield server
    server.stop()


def last_code(gateway: Receiver) -> str:
    """Send the queued SMS through the gateway and read the code from what it received."""
    for message in OutgoingMessage.objects.filter(status="pending"):
        message_send(message.pk)
    text = gateway.received[-1].json()["text"]
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def person(db):
    return UserFactory(username="wang", mobile=NUMBER, mobile_verified="")


def verify(person, gateway) -> None:
    client = client_for(person)
    client.post(reverse("accounts:mobile_verify_send"))
    client.post(reverse("accounts:mobile_verify"), {"code": last_code(gateway)})


def test_the_settings_page_verifies_the_mobile_number(person, gateway):
    client = client_for(person)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:mobile_verify_send") in page
    assert client.post(reverse("accounts:mobile_verify_send")).status_code == 302
    code = last_code(gateway)
    assert gateway.received[-1].json()["to"] == NUMBER
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("accounts:mobile_verify"), {"code": wrong})
    person.refresh_from_db()
    assert not person.has_verified_mobile
    client.post(reverse("accounts:mobile_verify"), {"code": code})
    person.refresh_from_db()
    assert person.has_verified_mobile
    assert "已验证" in client.get(reverse("accounts:settings")).content.decode()
    # A new number has to be verified again.
    person.mobile = "13800009999"
    assert not person.has_verified_mobile


def test_codes_are_stored_hashed(person, gateway):
    row = mobile.mobile_code_send(user=person, purpose=mobile.Purpose.VERIFY)
    code = last_code(gateway)
    row.refresh_from_db()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


def test_a_password_is_reset_with_the_sms_code(person, gateway):
    verify(person, gateway)
    client = Client()
    response = client.post(reverse("accounts:password_reset_sms"), {"identifier": "wang"})
    assert response["Location"] == reverse("accounts:password_reset_sms_confirm")
    code = last_code(gateway)
    confirm = reverse("accounts:password_reset_sms_confirm")
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(confirm, {"code": wrong, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 200
    assert refused.context["code_form"].errors["code"]
    done = client.post(confirm, {"code": code, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # The code works once.
    again = client.post(
        confirm, {"code": code, "new_password1": "x" + NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD}
    )
    assert again.status_code == 200


def test_an_unverified_number_gets_no_code_and_the_page_says_the_same(person, gateway):
    client = Client()
    response = client.post(reverse("accounts:password_reset_sms"), {"identifier": NUMBER})
    assert response["Location"] == reverse("accounts:password_reset_sms_confirm")
    assert not OutgoingMessage.objects.exists()
    confirm = client.post(
        reverse("accounts:password_reset_sms_confirm"),
        {"code": "123456", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert confirm.status_code == 200
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(person, gateway):
    verify(person, gateway)
    mobile.mobile_code_send(user=person, purpose=mobile.Purpose.RESET)
    code = last_code(gateway)
    MobileCode.objects.filter(purpose="reset").update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert not mobile.mobile_code_check(user=person, purpose=mobile.Purpose.RESET, code=code)


def test_five_wrong_tries_end_the_code(person, gateway):
    verify(person, gateway)
    mobile.mobile_code_send(user=person, purpose=mobile.Purpose.RESET)
    code = last_code(gateway)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(mobile.CODE_MAX_TRIES):
        assert not mobile.mobile_code_check(user=person, purpose=mobile.Purpose.RESET, code=wrong)
    assert not mobile.mobile_code_check(user=person, purpose=mobile.Purpose.RESET, code=code)


def test_codes_for_one_number_are_limited(person, gateway, settings):
    verify(person, gateway)
    sent = OutgoingMessage.objects.count()
    settings.ACCOUNT_EMAIL_RATE_PER_ADDRESS = "2/h"
    reset = reverse("accounts:password_reset_sms")
    for n in range(2):
        assert Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(reset, {"identifier": "wang"}).status_code == 302
    assert Client(REMOTE_ADDR="198.51.100.9").post(reset, {"identifier": NUMBER}).status_code == 429
    assert OutgoingMessage.objects.count() == sent + 2


def test_codes_from_one_client_are_limited(gateway, settings):
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "3/h"
    reset = reverse("accounts:password_reset_sms")
    client = Client()
    for n in range(3):
        assert client.post(reset, {"identifier": f"nobody{n}"}).status_code == 302
    assert client.post(reset, {"identifier": "nobody9"}).status_code == 429


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "x" * 500, "1' OR '1'='1", "\x00"])
def test_hostile_identifiers_are_answered_calmly(gateway, value):
    response = Client().post(reverse("accounts:password_reset_sms"), {"identifier": value})
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not OutgoingMessage.objects.exists()
