"""The body manager: certification-body staff who see what the auditors and certifiers see, without
running audits or deciding."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certportal.accounts.models import User
from certportal.navigation import nav_items_for
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_manager():
    return UserFactory(username="manager-a", role=User.Role.BODY_MANAGER, full_name="机构负责人甲")


def test_body_manager_is_body_staff_without_the_auditors_or_certifiers_rights(body_manager) -> None:
    assert body_manager.is_body_staff and body_manager.is_body_manager
    assert body_manager.has_perm("audits.record_surveillance")
    assert not body_manager.has_perm("audits.run_audits")
    assert not body_manager.has_perm("audits.change_certificates")


def test_body_manager_starts_on_the_body_dashboard(body_manager) -> None:
    response = client_for(body_manager).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("audits:dashboard")
    assert client_for(body_manager).get(reverse("audits:dashboard")).status_code == 200
    assert reverse("audits:dashboard") in [item["url"] for item in nav_items_for(body_manager)]


def test_body_manager_role_label_is_the_glossarys() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(User.Role.BODY_MANAGER.label) == "发证机构负责人"
