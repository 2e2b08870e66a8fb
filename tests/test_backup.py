"""Backup and restore round-trip a populated installation into an empty one."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Enterprise
from certportal.accounts.models import User
from certportal.backup import (
    EXCLUDED_MODELS,
    backed_up_models,
    installation_is_empty,
    model_counts,
    read_manifest,
    storage_files,
)
from certportal.models import OutgoingEmail, WorkerHeartbeat
from tests.factories import PASSWORD, EnterpriseUserFactory, UserFactory

# Real commits, as when the commands run: PostgreSQL refuses to TRUNCATE (flush) tables with rows
# inserted earlier in the same transaction.
pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "evidence/1/3f2a.pdf": b"%PDF-1.7 business licence" + bytes(range(256)) * 40,
    "evidence/1/9c1b.jpg": b"\xff\xd8\xff\xe0 scan of a contract",
    "certificates/2/5d6e.pdf": b"%PDF-1.7 certificate",
    "forms/申请书.pdf": b"%PDF-1.7 a name in Chinese",
}


def populate() -> None:
    consultant = UserFactory(username="consultant-wang", role=User.Role.CONSULTANT)
    consultant.user_permissions.add(Permission.objects.get(codename="view_enterprise"))
    for n in range(3):
        EnterpriseUserFactory(username=f"ent-{n}")
    Enterprise.objects.create(name="无用户的企业有限公司")
    for n in range(4):
        OutgoingEmail.objects.create(to=[f"user{n}@example.com"], subject=f"审核安排 {n}", body_text="您好")
    LogEntry.objects.create(
        user=consultant,
        content_type=ContentType.objects.get_for_model(Enterprise),
        object_id="1",
        object_repr="企业",
        action_flag=ADDITION,
    )
    WorkerHeartbeat.objects.create(hostname="celery@old-host", beat_at=timezone.now())
    for name, content in FILES.items():
        assert default_storage.save(name, ContentFile(content)) == name


def stored_hashes() -> dict[str, str]:
    return {
        name: hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest()
        for name in storage_files(default_storage)
    }


def empty_installation(settings, tmp_path: Path) -> None:
    """A new database after `migrate` (content types and permissions, nothing else) and empty media."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    assert installation_is_empty()


def test_round_trip_restores_every_row_and_file(settings, tmp_path: Path, client: Client) -> None:
    populate()
    counts_before, hashes_before = model_counts(), stored_hashes()
    archive = tmp_path / "certportal.tar.gz"
    call_command("backup", output=archive)
    assert oct(archive.stat().st_mode & 0o777) == "0o600", "the archive holds personal data"

    empty_installation(settings, tmp_path)
    call_command("restore", archive)

    assert model_counts() == counts_before
    assert counts_before["accounts.user"] == 4
    assert counts_before["certportal.outgoingemail"] == 4
    assert stored_hashes() == hashes_before
    assert set(hashes_before) == set(FILES)
    # Relations survive, including those to content types and permissions.
    entry = LogEntry.objects.get()
    assert entry.content_type.model_class() is Enterprise
    assert User.objects.get(username="consultant-wang").has_perm("applications.view_enterprise")
    assert User.objects.get(username="ent-2").enterprise.members.count() == 1
    # A heartbeat from the old machine would say a worker is alive here.
    assert not WorkerHeartbeat.objects.exists()
    login = client.post(reverse("accounts:login"), {"username": "ent-1", "password": PASSWORD})
    assert login.status_code == 302, "the password hash came back with its user"
    # Sequences continue after the restored ids (PostgreSQL would otherwise hand out id 1 again).
    assert UserFactory(username="after-restore").pk > max(
        User.objects.exclude(username="after-restore").values_list("pk", flat=True)
    )
    assert OutgoingEmail.objects.create(to=["x@example.com"], subject="新", body_text="").pk > 4


def test_manifest_lists_every_model_of_the_registry_and_every_file(tmp_path: Path) -> None:
    populate()
    archive = tmp_path / "b.tar"
    call_command("backup", output=archive)
    manifest = read_manifest(archive)
    from django.apps import apps

    expected = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy
    }
    assert set(manifest["counts"]) == expected
    assert {model._meta.label_lower for model in backed_up_models()} == expected
    assert {entry["name"] for entry in manifest["files"]} == set(FILES)
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(FILES[entry["name"]]).hexdigest()
        assert entry["size"] == len(FILES[entry["name"]])


def test_restore_refuses_an_installation_that_is_not_empty(tmp_path: Path) -> None:
    populate()
    archive = tmp_path / "b.tar"
    call_command("backup", output=archive)
    User.objects.filter(username="ent-0").update(full_name="改过的名字")
    with pytest.raises(CommandError, match="already has users or files"):
        call_command("restore", archive)
    assert User.objects.get(username="ent-0").full_name == "改过的名字"
    call_command("restore", archive, force=True)
    assert User.objects.get(username="ent-0").full_name != "改过的名字"


def rewrite_archive(source: Path, target: Path, change: dict[str, bytes]) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = change.get(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_changes_nothing(settings, tmp_path: Path) -> None:
    populate()
    archive, damaged = tmp_path / "b.tar", tmp_path / "damaged.tar"
    call_command("backup", output=archive)
    rewrite_archive(archive, damaged, {"files/evidence/1/9c1b.jpg": b"\xff\xd8\xff\xe0 a different scan"})
    empty_installation(settings, tmp_path)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", damaged)
    assert installation_is_empty()


def test_a_backup_from_another_schema_version_is_refused(settings, tmp_path: Path) -> None:
    populate()
    archive, other = tmp_path / "b.tar", tmp_path / "other.tar"
    call_command("backup", output=archive)
    manifest = read_manifest(archive)
    manifest["migrations"].append("applications.9999_from_the_future")
    rewrite_archive(archive, other, {"manifest.json": json.dumps(manifest).encode()})
    empty_installation(settings, tmp_path)
    with pytest.raises(CommandError, match=r"applications\.9999_from_the_future"):
        call_command("restore", other)
    assert installation_is_empty()


def test_what_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as archive:
        archive.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a certportal backup"):
        call_command("restore", not_a_backup)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", tmp_path / "missing.tar")
