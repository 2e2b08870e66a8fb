"""The admin: pickers list only what belongs to the object, staff accounts are made with a form that
explains each role, every label is translated, the outgoing e-mails show their recipients."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from applications.models import EvidenceFile, PaperShipment
from certportal.accounts.models import User
from tests.conftest import client_for
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    ProductFactory,
    UserFactory,
    complete_profile,
)

pytestmark = pytest.mark.django_db


class OptionsParser(HTMLParser):
    """The option values of one <select name=…> on a page."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.values = name, False, set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "select":
            self.inside = attributes.get("name") == self.name
        elif tag == "option" and self.inside and attributes.get("value"):
            self.values.add(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False


def options(page: str, name: str) -> set[str]:
    parser = OptionsParser(name)
    parser.feed(page)
    return parser.values


def test_an_applications_scope_lists_only_its_enterprises_products(superuser) -> None:
    application = ApplicationFactory()
    second = ProductFactory(enterprise=application.enterprise)
    other = ProductFactory()
    page = client_for(superuser).get(reverse("admin:applications_application_change", args=[application.pk]))
    assert page.status_code == 200
    listed = options(page.content.decode(), "scope")
    assert listed == {str(product.pk) for product in application.enterprise.products.all()}
    assert str(second.pk) in listed and str(other.pk) not in listed


def test_the_consultant_picker_lists_consultants_only(superuser) -> None:
    application = ApplicationFactory()
    consultant = UserFactory(role=User.Role.CONSULTANT)
    auditor = UserFactory(role=User.Role.AUDITOR)
    page = client_for(superuser).get(reverse("admin:applications_application_change", args=[application.pk]))
    listed = options(page.content.decode(), "consultant")
    assert str(consultant.pk) in listed
    assert str(auditor.pk) not in listed and str(superuser.pk) not in listed


def test_another_enterprises_product_cannot_be_put_in_the_scope(superuser) -> None:
    application = ApplicationFactory()
    other = ProductFactory()
    url = reverse("admin:applications_application_change", args=[application.pk])
    data = {
        "enterprise": application.enterprise_id,
        "kind": application.kind,
        "scope": [other.pk],
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    response = client_for(superuser).post(url, data)
    assert response.status_code == 200
    assert "scope" in response.context["adminform"].form.errors
    assert other not in application.scope.all()


def test_an_evidence_files_pickers_list_its_own_applications_rows(superuser, evidence_items) -> None:
    application = ApplicationFactory()
    member = EnterpriseUserFactory(enterprise=application.enterprise)
    stranger = EnterpriseUserFactory()
    requirement = application.evidence_requirements.first()
    evidence = EvidenceFile.objects.create(
        requirement=requirement, file="evidence/x.pdf", original_name="x.pdf", size=1, sha256="0" * 64,
        content_type="application/pdf", family="pdf", uploaded_by=member,
    )  # fmt: skip
    elsewhere = ApplicationFactory(enterprise=complete_profile(EnterpriseFactory(), seed=2))
    page = client_for(superuser).get(reverse("admin:applications_evidencefile_change", args=[evidence.pk]))
    text = page.content.decode()
    assert options(text, "products") == {str(product.pk) for product in application.scope.all()}
    assert not options(text, "products") & {str(product.pk) for product in elsewhere.scope.all()}
    assert str(member.pk) in options(text, "uploaded_by")
    assert str(stranger.pk) not in options(text, "uploaded_by")


def test_a_shipment_is_recorded_by_the_applications_people(superuser) -> None:
    application = ApplicationFactory()
    member = EnterpriseUserFactory(enterprise=application.enterprise)
    stranger = EnterpriseUserFactory()
    shipment = PaperShipment.objects.create(
        application=application, courier="顺丰", tracking_number="SF1", sent_on="2026-01-05", recorded_by=member
    )
    page = client_for(superuser).get(reverse("admin:applications_papershipment_change", args=[shipment.pk]))
    listed = options(page.content.decode(), "recorded_by")
    assert str(member.pk) in listed and str(stranger.pk) not in listed
