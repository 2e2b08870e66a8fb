"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live test server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class Shots:
    """Screenshots of each step, for people to look at (var/screenshots/<test>/NN-step.png)."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):  # a run's pictures only, not a mix with an earlier run's
            old.unlink()
        self.count = 0

    def __call__(self, step: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shots:
    return Shots(page, request.node.name)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()
    # The login page has already loaded: wait for the answer to the form, or a page.goto() right
    # after this could cancel it before the session cookie is set.
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
