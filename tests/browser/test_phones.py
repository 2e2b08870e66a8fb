"""On a 390-pixel phone, as the demo users: the evidence checklist and the score sheet fit the width
of the screen (rows become cards, nothing widens the page), and the score sheet's running total stays
on screen, and follows the scores, while the auditor scrolls through the indicators."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from applications.models import Application
from tests.browser.conftest import Shots, log_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server.url, is_mobile=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()  # relative to the viewport
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT and box["height"] > 0


def test_checklist_fits_a_phone_for_the_enterprise_and_the_consultant(phone: Page, request, evidence_items) -> None:
    call_command("seed_demo")
    application = Application.objects.get(status=Application.Status.FORMS_PREPARATION)
    url = reverse("applications:evidence", args=[application.pk])
    shot = Shots(phone, request.node.name)

    log_in(phone, "demo-stage-forms-preparation", settings.DEMO_PASSWORD)
    phone.goto(url)
    expect(phone.locator("#help-enterprise")).to_be_visible()
    expect(phone.locator("#items-application .upload-link").first).to_be_visible()
    assert page_width(phone) <= WIDTH
    first_row = phone.locator("#items-application tbody tr").first.bounding_box()
    assert first_row is not None and first_row["width"] <= WIDTH  # a card, not a squeezed table row
    shot("enterprise")

    phone.context.clear_cookies()
    log_in(phone, "demo-consultant", settings.DEMO_PASSWORD)
    phone.goto(url)
    expect(phone.locator("#help-consultant")).to_be_visible()
    expect(phone.locator("#help-enterprise")).to_have_count(0)
    expect(phone.locator(".upload-link")).to_have_count(0)
    assert page_width(phone) <= WIDTH
    shot("consultant")


def test_score_sheet_keeps_its_running_total_on_a_phone(phone: Page, request) -> None:
    call_command("seed_demo")
    application = Application.objects.get(status=Application.Status.EVALUATION)
    shot = Shots(phone, request.node.name)
    log_in(phone, "demo-auditor", settings.DEMO_PASSWORD)
    phone.goto(reverse("audits:score_sheet", args=[application.pk]))
    assert page_width(phone) <= WIDTH
    total = phone.locator("#total-value").inner_text()
    expect(phone.locator("#total-bar-value")).to_have_text(total)

    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    phone.wait_for_function("window.scrollY > 1000")
    assert in_viewport(phone, "#total-bar-value")
    assert not in_viewport(phone, "#total-value")  # the full card is further down
    shot("scrolled")

    awarded = phone.locator(".indicator-row input[name$='-awarded']").nth(2)
    awarded.scroll_into_view_if_needed()
    awarded.fill("0")
    awarded.press("Tab")
    expect(phone.locator("#total-bar-value")).not_to_have_text(total)
    assert in_viewport(phone, "#total-bar-value")
    assert phone.locator("#total-bar-value").inner_text() == phone.locator("#total-value").inner_text()
    assert page_width(phone) <= WIDTH
