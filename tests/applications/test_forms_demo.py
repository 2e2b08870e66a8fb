"""Demo forms: every demo enterprise with forms has a red seal, the forms exist from form
preparation on, and with --with-pdfs the applications with the certification body carry signed
versions made from rendered unsigned ones."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from PIL import Image

from applications import demo_forms
from applications.demo import DEMO_ENTERPRISES
from applications.models import Application, FormRendition, PaperShipment
from applications.services.forms import forms_overview
from certportal.accounts.models import User
from tests.helpers import pixel

pytestmark = pytest.mark.django_db

Status = Application.Status


def test_the_demo_seal_is_a_red_ring_on_a_transparent_background() -> None:
    seal = Image.open(io.BytesIO(demo_forms.draw_seal("杭州云帆办公家具有限公司")))
    assert seal.mode == "RGBA"
    assert pixel(seal, (0, 0))[3] == 0
    red, green, _blue, alpha = pixel(seal, (seal.width // 2, seal.height // 2))
    assert alpha == 255 and red > 180 and green < 60, "the star in the middle"


def test_seed_demo_sets_up_forms_seals_and_paper_copies_without_rendering() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    one_per_state = [demo.name for demo in DEMO_ENTERPRISES]  # the audits' extra certificate holders have none
    for application in Application.objects.filter(enterprise__name__in=one_per_state).select_related("enterprise"):
        has_forms = application.status in demo_forms.FORMS_FROM
        assert application.forms.count() == (6 if has_forms else 0), application.status
        assert bool(application.enterprise.seal) == has_forms, application.status
    assert not FormRendition.objects.exists(), "PDFs only with --with-pdfs"
    submitted = Application.objects.get(status=Status.SUBMITTED)
    assert PaperShipment.objects.get(application=submitted).received_on is None
    assert PaperShipment.objects.get(application__status=Status.UNDER_REVIEW).received_on is not None


def test_with_pdfs_the_submitted_application_has_its_six_forms_signed() -> None:
    call_command("seed_demo")
    users: dict[str, User] = {}
    assert demo_forms.seed(users, with_pdfs=True, statuses=[Status.SUBMITTED]) == 12
    assert demo_forms.seed(users, with_pdfs=True, statuses=[Status.SUBMITTED]) == 0, "idempotent"
    application = Application.objects.get(status=Status.SUBMITTED)
    states = forms_overview(application)
    assert all(state.signed and state.generated for state in states)
    signed = FormRendition.objects.filter(form__application=application, kind="signed")
    assert all(r.signature.unsigned_sha256 == r.source.sha256 and r.file for r in signed)
    transition = application.events.get(kind="transition", to_status=Status.SUBMITTED)
    assert all(r.signature.signed_at < transition.created_at for r in signed), "signed before it was submitted"
