"""Structured logs: request ids from the proxy or our own, and no ID or mobile numbers in any line."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from certportal.lib.logs import ContextFilter, JsonFormatter, PersonalDataFilter, mask_personal_data

ROOT = Path(__file__).resolve().parent.parent
ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"


def run_logging_script(tmp_path: Path, body: str, **env: str) -> list[dict]:
    """Log from a fresh process configured by settings.py and return its JSON lines."""
    script = "import django, logging; django.setup()\n" + body
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certportal.settings",
        "CERTPORTAL_VAR_DIR": str(tmp_path),
        "LOG_FORMAT": "json",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60, check=True
    )
    return [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]


def test_id_and_mobile_numbers_are_masked_in_every_part_of_a_log_line(tmp_path: Path) -> None:
    lines = run_logging_script(
        tmp_path,
        "log = logging.getLogger('applications.roster')\n"
        f"log.warning('manager %s, mobile %s, also +86 139-1234-5678', '{ID_NUMBER}', '{MOBILE}',"
        f" extra={{'contact': 'tel {MOBILE}', 'data': {{'args': ['{ID_NUMBER}']}}}})\n"
        "try:\n"
        f"    raise ValueError('duplicate id_number {ID_NUMBER}')\n"
        "except ValueError:\n"
        "    log.exception('roster import failed')\n",
    )
    text = json.dumps(lines, ensure_ascii=False)
    assert ID_NUMBER not in text
    assert MOBILE not in text
    assert "1234-5678" not in text
    assert lines[0]["message"] == "manager 110105********002X, mobile 139****5678, also 139****5678"
    assert lines[0]["contact"] == "tel 139****5678"
    assert lines[0]["data"] == "{'args': ['110105********002X']}"
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["logger"] == "applications.roster"
    assert "duplicate id_number 110105********002X" in lines[1]["exception"]


def test_celery_workers_log_through_the_same_masking(tmp_path: Path) -> None:
    lines = run_logging_script(
        tmp_path,
        "from certportal.celery import app\n"
        "app.log.setup(loglevel='INFO')\n"
        f"logging.getLogger('celery.worker').warning('sending to %s', '{MOBILE}')\n",
    )
    assert lines[-1]["message"] == "sending to 139****5678"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"id={ID_NUMBER};", "id=110105********002X;"),
        ("440524188001010014 and 11010519491231002x", "440524********0014 and 110105********002x"),
        ("call 0086 13912345678 now", "call 139****5678 now"),
        ("order 2024031512345678901234 stays", "order 2024031512345678901234 stays"),
        ("12345678901 is not a mobile", "12345678901 is not a mobile"),
        ("took 1395 ms", "took 1395 ms"),
    ],
)
def test_masking_touches_only_id_and_mobile_numbers(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.fixture
def request_log(settings) -> Iterator[io.StringIO]:
    """The request logger, written as production writes it (JSON, filters on the handler)."""
    settings.LOG_REQUESTS = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("certportal.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def logged(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_and_logged(client: Client, request_log: io.StringIO) -> None:
    response = client.get(f"/accounts/login/?mobile={MOBILE}", HTTP_X_REQUEST_ID="9f8e7d6c5b4a39281706f5e4d3c2b1a0")
    assert response["X-Request-ID"] == "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    [line] = logged(request_log)
    assert line["request_id"] == "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    assert line["path"] == "/accounts/login/", "query strings stay out of the log"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert MOBILE not in json.dumps(line)


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced(client: Client, request_log: io.StringIO) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x" level=ERROR\nforged')
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert logged(request_log)[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_every_response_gets_a_request_id(client: Client) -> None:
    first, second = client.get("/"), client.get("/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_passing_health_checks_are_not_logged_failing_ones_are(client: Client, request_log, settings, tmp_path) -> None:
    client.get("/health/")
    assert logged(request_log) == []
    settings.MEDIA_ROOT = tmp_path / "file"
    settings.MEDIA_ROOT.write_text("")
    client.get("/health/")
    assert [line["status"] for line in logged(request_log)] == [503]
