"""One rule for resident ID numbers (身份证号) in every rendering: in full for the enterprise's own
users and its consultant (and the superuser), masked as 440524********0014 for everyone else; the
roster PDF, read by the certification body's staff too, always masked (unsigned and signed).

The last test walks every route of the portal (tests/security/routes.py) as the body's staff, so a
new page, export or API view that shows a full ID number fails it. Logs are masked whatever logged
them: tests/test_production_logging.py.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from applications import services
from applications.models import FormRendition, FormType
from applications.profile import id_numbers_in_full
from applications.services.forms import rendition_process
from tests.conftest import client_for, put_in_status
from tests.factories import VALID_ID_MALE, ServiceManagerFactory, forms_prepared, seal_photo, signature_drawing
from tests.helpers import pdf_text, squashed
from tests.http import streamed_body
from tests.security.routes import route_names, url_of
from tests.security.world import AUDITOR, CERTIFIER, CONSULTANT_A, ENTERPRISE_A, SUPERUSER, World

pytestmark = pytest.mark.django_db

MASKED = "440524********0014"
ENTITLED = {
    "enterprise_user": True,
    "consultant": True,
    "superuser": True,
    "other_enterprise_user": False,
    "other_consultant": False,
    "auditor": False,
    "certifier": False,
}


@pytest.mark.parametrize(("persona", "in_full"), ENTITLED.items())
def test_who_sees_id_numbers_in_full(request, application, other_application, persona, in_full) -> None:
    user = request.getfixturevalue(persona)
    assert id_numbers_in_full(user, application.enterprise) is in_full
    assert id_numbers_in_full(None, application.enterprise) is False, "a document has no single viewer"


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant", "superuser", "auditor", "certifier"])
def test_the_enterprise_page_follows_the_rule_for_each_persona(request, application, persona) -> None:
    ServiceManagerFactory(enterprise=application.enterprise, id_number=VALID_ID_MALE)
    put_in_status(application, "submitted")
    page = client_for(request.getfixturevalue(persona)).get(
        reverse("applications:enterprise", args=[application.enterprise_id])
    )
    assert page.status_code == 200
    text = page.content.decode()
    if ENTITLED[persona]:
        assert VALID_ID_MALE in text
    else:
        assert VALID_ID_MALE not in text and MASKED in text


@pytest.mark.parametrize(("persona", "in_full"), [("auditor", False), ("superuser", True)])
def test_the_review_page_follows_the_same_rule(request, application, persona, in_full) -> None:
    ServiceManagerFactory(enterprise=application.enterprise, id_number=VALID_ID_MALE)
    put_in_status(application, "submitted")
    page = client_for(request.getfixturevalue(persona)).get(reverse("audits:review", args=[application.pk]))
    assert page.status_code == 200
    assert (VALID_ID_MALE in page.content.decode()) is in_full
    assert (MASKED in page.content.decode()) is not in_full


def downloaded_text(user, rendition: FormRendition) -> str:
    url = reverse("applications:rendition", args=[rendition.form.application_id, rendition.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200
    return squashed(pdf_text(streamed_body(response)))


def test_the_roster_pdf_shows_id_numbers_masked_unsigned_and_signed(
    application, consultant, enterprise_user, auditor
) -> None:
    forms_prepared(application)
    assert application.enterprise.managers.get().id_number == VALID_ID_MALE
    (unsigned,) = services.forms_generate(application=application, actor=consultant, form_types=["managers"]).queued
    assert rendition_process(rendition_id=unsigned.pk, claim="test")
    put_in_status(application, "awaiting_signature")
    services.enterprise_seal_save(enterprise=application.enterprise, actor=enterprise_user, content=seal_photo())
    signed = services.form_sign(
        form=application.forms.get(form_type=FormType.MANAGERS), actor=enterprise_user, signer_name="陈立",
        signer_title="总经理", signature_png=signature_drawing(), confirmed=True,
    )  # fmt: skip
    assert rendition_process(rendition_id=signed.pk, claim="test")
    put_in_status(application, "submitted")
    unsigned, signed = (FormRendition.objects.get(pk=rendition.pk) for rendition in (unsigned, signed))
    texts = {
        "unsigned, as the consultant downloads it": downloaded_text(consultant, unsigned),
        "signed, as the enterprise downloads it": downloaded_text(enterprise_user, signed),
        "signed, as the body's auditor downloads it": downloaded_text(auditor, signed),
    }
    for where, text in texts.items():
        assert "李建国" in text, where
        assert MASKED in text, where
        assert VALID_ID_MALE not in text, where


def body_of(response) -> str:
    content = streamed_body(response) if response.streaming else response.content
    return content.decode(errors="replace")


def test_no_page_export_or_file_shows_the_bodys_staff_a_full_id_number(world: World) -> None:
    numbers = list(world.a.application.enterprise.managers.values_list("id_number", flat=True))
    assert numbers
    enterprise_page = url_of("applications:enterprise", world)
    for persona in (ENTERPRISE_A, CONSULTANT_A, SUPERUSER):  # the check can fire
        page = body_of(world.client(persona).get(enterprise_page))
        assert all(number in page for number in numbers), persona
    for name in route_names():
        url = url_of(name, world)
        for persona in (AUDITOR, CERTIFIER):
            with transaction.atomic():
                response = world.client(persona).get(url)
                transaction.set_rollback(True)
            shown = [number for number in numbers if number in body_of(response)]
            assert not shown, f"GET {url} ({name}) as {persona} shows full ID numbers"
