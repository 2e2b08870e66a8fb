"""System checks name what the machine is missing and how to install it."""

from __future__ import annotations

import pytest

from certportal import checks


def error_ids(errors: list) -> set[str]:
    return {error.id for error in errors}


def test_this_machine_has_what_pdfs_need() -> None:
    assert checks.check_pdf_toolchain() == []


def test_missing_harfbuzz_subsetter_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "harfbuzz_subsetter_available", lambda: False)
    errors = checks.check_pdf_toolchain()
    assert error_ids(errors) == {"certportal.E001"}
    assert "libharfbuzz-subset0" in errors[0].hint


def test_missing_chinese_font_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "chinese_font_installed", lambda: False)
    errors = checks.check_pdf_toolchain()
    assert error_ids(errors) == {"certportal.E002"}
    assert "fonts-noto-cjk" in errors[0].hint


def test_unreachable_broker_is_an_error_in_production(settings) -> None:
    settings.PRODUCTION = True
    settings.CELERY_BROKER_URL = "redis://:secret@127.0.0.1:1/0"
    errors = checks.check_broker()
    assert error_ids(errors) == {"certportal.E003"}
    assert "secret" not in errors[0].msg


def test_unreachable_broker_is_tolerated_in_development(settings) -> None:
    settings.PRODUCTION = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert checks.check_broker() == []


def test_reachable_broker_passes_in_production(settings, redis_server) -> None:
    settings.PRODUCTION = True
    assert checks.check_broker() == []
