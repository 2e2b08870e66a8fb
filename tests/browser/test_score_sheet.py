"""In the browser, on a slow line: a value typed into a score row while the row's previous save is
still on its way is kept and saved, not silently replaced by the row the server sends back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from applications.models import Application
from audits.models import IndicatorScore
from tests.audits.conftest import in_audits
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_value_typed_while_the_row_is_saving_is_kept_and_saved(page: Page, application, auditor) -> None:
    in_audits(application, Application.Status.EVALUATION)
    repair = application.score_sheet.version.indicators.get(code="5.2.4")  # sampled, 80 points
    log_in(page, auditor.username, PASSWORD)
    page.goto(reverse("audits:score_sheet", args=[application.pk]))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    page.locator(f"#id_i{repair.pk}-samples").fill("25")
    page.locator(f"#id_i{repair.pk}-samples").press("Tab")  # saved; the answer takes a while
    page.locator(f"#id_i{repair.pk}-failed_samples").fill("2")  # typed before that answer arrives

    row = page.locator(f"#indicator-{repair.pk}")
    expect(row.locator(".earned")).to_have_text("73.6 / 80", timeout=20_000)
    expect(row.locator(f"#id_i{repair.pk}-failed_samples")).to_have_value("2")
    entry = IndicatorScore.objects.get(sheet=application.score_sheet, indicator=repair)
    assert (entry.samples, entry.failed_samples) == (25, 2)
