"""Personas and shared fixtures.

Tests that need Celery use `celery_worker`: a real worker process on real Redis, reading the test
database. Each test session is an installation of its own (CERTPORTAL_INSTANCE), with its own queue
and Redis keys, so that it never meets another session's worker.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from kombu import Exchange, Queue

from certportal import devservers
from certportal.celery import app as celery_app
from certportal.lib.instances import instance_key_prefix, instance_queue
from tests.factories import PASSWORD, EnterpriseUserFactory, UserFactory

TEST_INSTANCE = f"test-{uuid.uuid4().hex[:12]}"
TEST_QUEUE = instance_queue(TEST_INSTANCE)
# The settings were read before this file: what derives from the instance's name is set again.
settings.CERTPORTAL_INSTANCE = TEST_INSTANCE
celery_app.conf.update(
    task_default_queue=TEST_QUEUE,
    task_queues=[Queue(TEST_QUEUE, Exchange(TEST_QUEUE), TEST_QUEUE)],
    broker_transport_options={
        **celery_app.conf.broker_transport_options,
        "global_keyprefix": instance_key_prefix(TEST_INSTANCE),
    },
)
settings.CELERY_TASK_DEFAULT_QUEUE = TEST_QUEUE


@pytest.fixture(autouse=True)
def private_media(tmp_path: Path, settings) -> Path:
    """Each test writes its files into its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def plain_email(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def broker_tried_afresh() -> None:
    """A test that took the broker away must not make the next one skip it."""
    from certportal.lib.broker import broker_forget_failure

    broker_forget_failure()


SIGNING_PASSWORD = "test-signing-password"


@pytest.fixture(scope="session")
def signing_p12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test session's own self-signed signing certificate (never the demo one under var/)."""
    from audits.signing import signing_identity_create

    path = tmp_path_factory.mktemp("signing") / "test-signing.p12"
    path.write_bytes(
        signing_identity_create(
            common_name="Test certification body", organisation="Test body", password=SIGNING_PASSWORD.encode()
        )
    )
    return path


@pytest.fixture(autouse=True)
def signing_certificate(settings, signing_p12: Path) -> Path:
    """Certificate PDFs are signed with the test certificate, whatever var/ holds."""
    settings.CERTIFICATE_SIGNING_P12 = str(signing_p12)
    settings.CERTIFICATE_SIGNING_PASSWORD = SIGNING_PASSWORD
    settings.CERTIFICATE_SIGNING_PASSWORD_FILE = ""
    settings.CERTIFICATE_TSA_URL = ""
    return signing_p12


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Real hashing costs ~0.3 s per user; tests create thousands of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Personas -----------------------------------------------------------------------------------


@pytest.fixture
def enterprise_user(db):
    return EnterpriseUserFactory(username="ent-a", full_name="企业甲用户")


@pytest.fixture
def other_enterprise_user(db):
    return EnterpriseUserFactory(username="ent-b", full_name="企业乙用户")


@pytest.fixture
def consultant(db):
    return UserFactory(username="consultant-a", role="consultant", full_name="咨询甲")


@pytest.fixture
def other_consultant(db):
    return UserFactory(username="consultant-b", role="consultant", full_name="咨询乙")


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor-a", role="auditor", full_name="审核员甲")


@pytest.fixture
def certifier(db):
    return UserFactory(username="certifier-a", role="certifier", full_name="认证决定甲")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role="", is_superuser=True, is_staff=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD


# --- Real services ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The broker: the Redis that answers at REDIS_URL, or one started for this session."""
    url = settings.CELERY_BROKER_URL
    if devservers.redis_answers(url):
        yield url
        return
    process = devservers.start_redis(url, var_dir=tmp_path_factory.mktemp("redis"))
    yield url
    devservers.stop_process(process)


def worker_database_url() -> str:
    """The test database, as a URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """A Celery worker in its own process, started and stopped by the tests."""

    def __init__(self, *, broker_url: str, media_root: Path, log_path: Path) -> None:
        self.env = {
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": broker_url,
            "CERTPORTAL_INSTANCE": TEST_INSTANCE,
            "MEDIA_ROOT": str(media_root),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(media_root.parent / "sent-emails"),
            "CERTIFICATE_SIGNING_P12": settings.CERTIFICATE_SIGNING_P12,
            "CERTIFICATE_SIGNING_PASSWORD": settings.CERTIFICATE_SIGNING_PASSWORD,
            "CERTIFICATE_SIGNING_PASSWORD_FILE": settings.CERTIFICATE_SIGNING_PASSWORD_FILE,
            "CERTIFICATE_TSA_URL": settings.CERTIFICATE_TSA_URL,
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = devservers.celery_worker_command(beat=False, concurrency=1, hostname=f"{TEST_INSTANCE}@%h")
        self.process = devservers.start_process(command, log_path=self.log_path, env=self.env)

    def stop(self) -> None:
        if self.process is not None:
            devservers.stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool), as a crash would."""
        if self.process is not None:
            os.killpg(self.process.pid, 9)
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker(redis_server, transactional_db, private_media, tmp_path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(broker_url=redis_server, media_root=private_media, log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()


# --- Applications -------------------------------------------------------------------------------

BODY_STAGES = {
    "submitted", "under_review", "returned", "audit_preparation", "remote_audit", "evaluation", "decision",
    "certified", "not_certified",
}  # fmt: skip
# The states an application reaches only after passing through the one that sets something up.
AFTER_FORMS_PREPARATION = {"forms_preparation", "awaiting_signature"} | BODY_STAGES
AFTER_ACCEPTANCE = {"audit_preparation", "remote_audit", "evaluation", "decision", "certified", "not_certified"}


def put_in_status(application, status: str):
    """Place an application in a workflow state directly (test set-up, not the workflow), with what
    the workflow's after-transition step would have created on the way (forms, audit rounds)."""
    from django.utils import timezone

    from applications import workflow
    from applications.models import Application

    changes: dict[str, Any] = {"status": status}
    if status in BODY_STAGES:
        changes["submitted_at"] = application.submitted_at or timezone.now()
    Application.objects.filter(pk=application.pk).update(**changes)
    application.refresh_from_db()
    if status in AFTER_FORMS_PREPARATION:
        workflow.after_transition(application, "forms_preparation")
    if status in AFTER_ACCEPTANCE:
        workflow.after_transition(application, "audit_preparation")
    return application


@pytest.fixture
def application(enterprise_user, consultant):
    """Enterprise A's open application, with complete basic information, assigned to `consultant`."""
    from tests.factories import ApplicationFactory, complete_profile

    complete_profile(enterprise_user.enterprise)
    return ApplicationFactory(enterprise=enterprise_user.enterprise, consultant=consultant)


@pytest.fixture
def other_application(other_enterprise_user, other_consultant):
    """Enterprise B's application, assigned to the other consultant."""
    from tests.factories import ApplicationFactory, complete_profile

    complete_profile(other_enterprise_user.enterprise, seed=2)
    return ApplicationFactory(enterprise=other_enterprise_user.enterprise, consultant=other_consultant)


# --- Evidence -----------------------------------------------------------------------------------


@pytest.fixture
def evidence_items(db):
    """The checklist items (reloaded when a transactional test's flush has emptied the table)."""
    from applications.models import EvidenceItem
    from tests.factories import load_evidence_checklist

    load_evidence_checklist()
    return list(EvidenceItem.objects.all())


@pytest.fixture
def evidence_application(application, evidence_items):
    """`application` with its evidence requirements, as application_create would have made them."""
    from applications.services.evidence import evidence_requirements_ensure

    evidence_requirements_ensure(application)
    return application


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the portal's default language: a request in English (the language
    middleware activates it for the thread) must not leak into the next test's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
