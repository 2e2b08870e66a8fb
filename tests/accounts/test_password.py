"""Password change and reset; the reset e-mail is sent by a worker, in the user's language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from certportal.models import OutgoingEmail
from certportal.tasks import email_send
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_queues_an_email_then_the_link_sets_a_new_password(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(email="li@example.com", language="zh-hans")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": "li@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 0, "the request must not send e-mail itself"
    assert len(callbacks) == 1
    queued = OutgoingEmail.objects.get()
    assert queued.to == ["li@example.com"]
    assert "重置" in queued.subject

    email_send(queued.pk)
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(mail.outbox[0].body)).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "新的-Password-2026"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_reset_email_is_in_the_users_language(client: Client) -> None:
    UserFactory(email="smith@example.com", language="en")
    client.post(reverse("accounts:password_reset"), {"email": "smith@example.com"})
    assert "Reset your certportal password" in OutgoingEmail.objects.get().subject


def test_reset_for_unknown_email_reveals_nothing(client: Client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert OutgoingEmail.objects.count() == 0


def test_password_change(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    new_password = "another-Strong-2026"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_sending_twice_sends_once() -> None:
    email = OutgoingEmail.objects.create(to=["a@example.com"], subject="s", body_text="b")
    email_send(email.pk)
    email_send(email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


def test_sending_a_missing_email_does_nothing() -> None:
    email_send(987654)
    assert len(mail.outbox) == 0


def test_password_resets_for_one_address_are_limited(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "100/h"
    UserFactory(email="li@example.com")
    reset = reverse("accounts:password_reset")
    for spelling in ["li@example.com", "LI@example.com", "Li@Example.com"]:
        assert client.post(reset, {"email": spelling}).status_code == 302
    throttled = client.post(reset, {"email": "li@EXAMPLE.COM"})
    assert throttled.status_code == 429
    assert "短时间内尝试次数过多" in throttled.content.decode()
    assert OutgoingEmail.objects.count() == 3, "no fourth e-mail to the address"


def test_password_resets_for_unknown_addresses_are_limited_alike(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "100/h"
    reset = reverse("accounts:password_reset")
    for _ in range(3):
        assert client.post(reset, {"email": "nobody@example.com"}).status_code == 302
    assert client.post(reset, {"email": "nobody@example.com"}).status_code == 429


def test_password_resets_from_one_client_are_limited(client: Client, settings) -> None:
    settings.ACCOUNT_EMAIL_RATE_PER_CLIENT = "3/h"
    reset = reverse("accounts:password_reset")
    for n in range(3):
        assert client.post(reset, {"email": f"p{n}@example.com"}).status_code == 302
    assert client.post(reset, {"email": "p9@example.com"}).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.20").post(reset, {"email": "p9@example.com"}).status_code == 302
