"""Settings read from the environment, with defaults that run out of the box."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "media_root": str(settings.MEDIA_ROOT),
    "media_url": settings.MEDIA_URL,
    "redis_url": settings.REDIS_URL,
    "broker": settings.CELERY_BROKER_URL,
    "secret_key": settings.SECRET_KEY,
    "language": settings.LANGUAGE_CODE,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "prefetch": settings.CELERY_WORKER_PREFETCH_MULTIPLIER,
    "serializer": settings.CELERY_TASK_SERIALIZER,
    "accept": settings.CELERY_ACCEPT_CONTENT,
}))
"""


def read_settings(var_dir: Path, **env: str) -> dict:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "CERTPORTAL_PRODUCTION"}
    }
    clean_env.update({"DJANGO_SETTINGS_MODULE": "certportal.settings", "CERTPORTAL_VAR_DIR": str(var_dir), **env})
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=clean_env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_run_out_of_the_box(tmp_path: Path) -> None:
    values = read_settings(tmp_path)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "certportal.sqlite3")
    assert values["media_root"] == str(tmp_path / "media")
    assert values["media_url"] == "https://media.invalid/", "media must never be served as public static files"
    assert values["redis_url"] == "redis://127.0.0.1:6379/0"
    assert values["broker"] == values["redis_url"]
    assert values["language"] == "zh-hans"


def test_secret_key_is_generated_once_into_var(tmp_path: Path) -> None:
    first = read_settings(tmp_path)["secret_key"]
    second = read_settings(tmp_path)["secret_key"]
    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_environment_overrides_defaults(tmp_path: Path) -> None:
    values = read_settings(
        tmp_path,
        DATABASE_URL="postgres://portal:pw@db.example:5432/certportal",
        REDIS_URL="redis://cache.example:6379/3",
        DEBUG="1",
        SECRET_KEY="k" * 60,
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "certportal"
    assert values["db_host"] == "db.example"
    assert values["broker"] == "redis://cache.example:6379/3"
    assert values["debug"] is True
    assert values["secret_key"] == "k" * 60


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="SECRET_KEY"):
        read_settings(tmp_path, CERTPORTAL_PRODUCTION="1")


def test_production_cookies_are_secure(tmp_path: Path) -> None:
    values = read_settings(tmp_path, CERTPORTAL_PRODUCTION="1", SECRET_KEY="s" * 60)
    assert values["session_secure"] is True


def test_a_bad_boolean_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="DEBUG"):
        read_settings(tmp_path, DEBUG="maybe")


def test_celery_never_loses_a_task_to_a_killed_worker(tmp_path: Path) -> None:
    values = read_settings(tmp_path)
    assert values["acks_late"] is True
    assert values["reject_on_lost"] is True
    assert values["prefetch"] == 1
    assert values["serializer"] == "json"
    assert values["accept"] == ["json"]
