"""/health/ for load balancers: 200 while the web process can serve, 503 when an essential part fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from certportal.backup import storage_files
from certportal.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE_REDIS = "redis://:hunter2@127.0.0.1:1/0"


@pytest.fixture
def worker_alive(db) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(hostname="celery@web-internal-7", beat_at=timezone.now())


def health(client: Client) -> tuple[int, dict]:
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def statuses(body: dict) -> dict[str, str]:
    return {name: check["status"] for name, check in body["checks"].items()}


def test_everything_healthy(client: Client, redis_server: str, worker_alive: WorkerHeartbeat) -> None:
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert statuses(body) == {"database": "ok", "redis": "ok", "storage": "ok", "workers": "ok"}
    assert body["checks"]["workers"]["live_workers"] == 1
    assert body["checks"]["workers"]["heartbeat_age_seconds"] < 5
    assert "web-internal-7" not in json.dumps(body), "worker host names are not for the public"


def test_storage_probe_leaves_no_file_behind(client: Client, redis_server: str, worker_alive: WorkerHeartbeat) -> None:
    health(client)
    from django.core.files.storage import default_storage

    assert list(storage_files(default_storage)) == []


def test_broken_storage_takes_the_process_out(client: Client, settings, tmp_path: Path, worker_alive) -> None:
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder
    status, body = health(client)
    assert status == 503
    assert body["status"] == "failing"
    assert statuses(body)["storage"] == "error"
    assert statuses(body)["database"] == "ok"
    assert str(tmp_path) not in json.dumps(body)


def test_redis_down_is_reported_but_pages_still_work(client: Client, settings, worker_alive) -> None:
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    status, body = health(client)
    assert status == 200, "web processes keep serving while Redis is away; e-mails wait in the database"
    assert body["status"] == "degraded"
    assert statuses(body)["redis"] == "error"
    assert body["checks"]["redis"]["essential"] is False
    assert "hunter2" not in json.dumps(body)


def test_redis_can_be_made_essential(client: Client, settings, worker_alive) -> None:
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    settings.HEALTH_ESSENTIAL_CHECKS = ["database", "storage", "redis"]
    status, body = health(client)
    assert status == 503
    assert body["status"] == "failing"


def test_stale_worker_heartbeat_is_reported(client: Client, redis_server: str, settings) -> None:
    WorkerHeartbeat.objects.create(
        hostname="w1", beat_at=timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE + 30)
    )
    status, body = health(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["workers"]["status"] == "error"
    assert body["checks"]["workers"]["live_workers"] == 0
    assert body["checks"]["workers"]["heartbeat_age_seconds"] >= settings.HEALTH_WORKER_MAX_AGE + 30


def test_no_worker_ever_seen_fails_when_workers_are_essential(client: Client, redis_server: str, settings) -> None:
    settings.HEALTH_ESSENTIAL_CHECKS = ["database", "storage", "workers"]
    status, body = health(client)
    assert status == 503
    assert body["checks"]["workers"] == {
        "status": "error",
        "heartbeat_age_seconds": None,
        "live_workers": 0,
        "essential": True,
        "ms": body["checks"]["workers"]["ms"],
    }


def test_health_answers_plain_http_from_the_load_balancer(client: Client, settings, worker_alive) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/health/").status_code == 200


def test_health_is_read_only(client: Client, worker_alive) -> None:
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_unreachable_database_answers_503(tmp_path: Path, redis_server: str) -> None:
    """A real connection failure, in a process whose DATABASE_URL points at a closed port."""
    script = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/health/')\n"
        "print(response.status_code, json.dumps(response.json()))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certportal.settings",
        "DATABASE_URL": "postgres://portal:secret-pw@127.0.0.1:1/certportal",
        "CERTPORTAL_VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    status, _, body = result.stdout.strip().splitlines()[-1].partition(" ")
    checks = json.loads(body)["checks"]
    assert status == "503", result.stderr
    assert checks["database"]["status"] == "error"
    assert checks["storage"]["status"] == "ok"
    assert "secret-pw" not in body
    assert "health check database failed" in result.stderr, "the cause goes to the log"


# --- Who sees the detail -------------------------------------------------------------------------

OUTSIDE = "203.0.113.7"


def outside_health(client: Client, **extra: Any) -> tuple[int, dict]:
    response = client.get("/health/", REMOTE_ADDR=OUTSIDE, **extra)
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_anonymous_outsider_learns_only_up(client: Client, redis_server: str, worker_alive) -> None:
    assert outside_health(client) == (200, {"status": "up"})


def test_anonymous_outsider_learns_only_down(client: Client, settings, tmp_path: Path, worker_alive) -> None:
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder
    assert outside_health(client) == (503, {"status": "down"})


def test_a_degraded_portal_is_simply_up_for_outsiders(client: Client, settings, worker_alive) -> None:
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    assert outside_health(client) == (200, {"status": "up"})


@pytest.mark.parametrize("persona", ["auditor", "certifier", "superuser"])
def test_staff_see_every_check_from_anywhere(
    request: pytest.FixtureRequest, client: Client, persona: str, worker_alive
) -> None:
    client.force_login(request.getfixturevalue(persona))
    status, body = outside_health(client)
    assert status == 200
    assert set(body["checks"]) == {"database", "redis", "storage", "workers"}


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant"])
def test_other_users_learn_only_up_or_down(
    request: pytest.FixtureRequest, client: Client, persona: str, worker_alive
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert outside_health(client)[1] in ({"status": "up"}, {"status": "down"})


def test_monitoring_network_sees_every_check(client: Client, settings, worker_alive) -> None:
    settings.HEALTH_DETAIL_ALLOWED_IPS = ["198.51.100.0/24"]
    response = client.get("/health/", REMOTE_ADDR="198.51.100.23")
    assert set(response.json()["checks"]) == {"database", "redis", "storage", "workers"}
    assert client.get("/health/").json() in ({"status": "up"}, {"status": "down"}), "loopback is no longer listed"


def test_behind_nginx_the_client_address_decides_not_nginxs(client: Client, settings, worker_alive) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = client.get("/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert "checks" not in forwarded.json()
    assert "checks" in client.get("/health/", REMOTE_ADDR="127.0.0.1").json(), "a probe on the host itself"


def test_a_malformed_allowed_address_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from certportal.lib.env import env_networks

    monkeypatch.setenv("HEALTH_DETAIL_ALLOWED_IPS", "10.0.0.0/8,monitoring.example.cn")
    with pytest.raises(ImproperlyConfigured, match=r"monitoring\.example\.cn"):
        env_networks("HEALTH_DETAIL_ALLOWED_IPS", [])
    monkeypatch.setenv("HEALTH_DETAIL_ALLOWED_IPS", " 10.0.0.0/8 , ::1 ")
    assert env_networks("HEALTH_DETAIL_ALLOWED_IPS", []) == ["10.0.0.0/8", "::1"]
