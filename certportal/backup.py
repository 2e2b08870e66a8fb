"""Backup and restore of a whole installation: every table and every stored file, in one archive.

The archive is a tar file (gzip-compressed when its name ends in .gz) holding
- `database.json.gz`: Django's portable JSON of every model in the app registry (so models that
  other apps add later are included without a change here), primary keys kept;
- `files/<name>`: every file in the default storage (local disk or object storage), under its name;
- `manifest.json`: format, applied migrations, row counts per model, and name, size and SHA-256 of
  every file and of the database dump. Restore checks all of it before it changes anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from certportal.health import PROBE_FOLDER

FORMAT = "certportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json.gz"
FILES_PREFIX = "files/"
CHUNK = 1024 * 1024

# Rows that are not the installation's data: logins end with a restore, and a heartbeat copied from
# another machine would tell the health check that a worker is alive when none is.
EXCLUDED_MODELS = frozenset({"sessions.session", "certportal.workerheartbeat"})
SKIPPED_FOLDERS = frozenset({PROBE_FOLDER})


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    models: int
    files: int
    file_bytes: int


# --- What is in an installation ----------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model in the app registry except EXCLUDED_MODELS."""
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy and model._meta.managed
    ]


def model_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Names of every file in the storage, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # local storage whose MEDIA_ROOT was never created
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        if not folder and directory in SKIPPED_FOLDERS:
            continue
        yield from storage_files(storage, f"{folder}/{directory}" if folder else directory)


def installation_is_empty() -> bool:
    """No users and no stored files: what `migrate` alone leaves behind."""
    return not get_user_model()._base_manager.exists() and next(storage_files(default_storage), None) is None


# --- Backup ------------------------------------------------------------------------------------


def backup_create(*, path: Path) -> BackupSummary:
    """Write the database and every stored file into one archive at `path` (readable by its owner only).

    The database is dumped first, in one repeatable-read transaction on PostgreSQL so that it is a
    consistent snapshot while the portal runs; files are copied afterwards, so a file uploaded during
    the backup may be in the archive without its row, never a row without its file unless a file was
    deleted meanwhile.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="certportal-backup-") as scratch:
        database_path = Path(scratch) / DATABASE
        counts = _dump_database(database_path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as output, tarfile.open(fileobj=output, mode=_write_mode(path)) as archive:
            with database_path.open("rb") as dump:
                _add_member(archive, DATABASE, dump, size=database_path.stat().st_size)
            files = [_add_stored_file(archive, name) for name in storage_files(default_storage)]
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "django": django.get_version(),
                "python": platform.python_version(),
                "database_vendor": connection.vendor,
                "storage_backend": settings.STORAGE_BACKEND,
                "migrations": applied_migrations(),
                "counts": counts,
                "database": {"name": DATABASE, "sha256": _sha256_of_path(database_path)},
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return BackupSummary(
        path=path,
        rows=sum(counts.values()),
        models=len(counts),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
    )


def _dump_database(target: Path) -> dict[str, int]:
    labels = [model._meta.label for model in backed_up_models()]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Must be the transaction's first statement; every query below then sees one snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = model_counts()
        # The base manager: a default manager that hides rows (archived, soft-deleted) must not lose them.
        call_command("dumpdata", *labels, output=str(target), use_base_manager=True, verbosity=0)
    return counts


def _add_stored_file(archive: tarfile.TarFile, name: str) -> dict[str, Any]:
    size = default_storage.size(name)
    with default_storage.open(name, "rb") as stored:
        reader = HashingReader(stored)
        _add_member(archive, FILES_PREFIX + name, reader, size=size)
    return {"name": name, "size": size, "sha256": reader.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    _add_member(archive, name, io.BytesIO(data), size=len(data))


def _add_member(archive: tarfile.TarFile, name: str, source: IO[bytes] | HashingReader, *, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, source)


def _write_mode(path: Path) -> Literal["w:gz", "w"]:
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


# --- Restore -----------------------------------------------------------------------------------


def backup_restore(*, path: Path, force: bool = False) -> BackupSummary:
    """Restore an archive made by `backup_create` into this installation.

    Everything is checked before anything changes: the archive's format and checksums, that this
    installation has exactly the backup's migrations applied, and that it is empty (no users, no
    files) unless `force`. Then the files are written under their original names and the database
    is replaced in one transaction.
    """
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive)
        _verify_checksums(archive, manifest)
        _check_migrations(manifest)
        if not force and not installation_is_empty():
            raise BackupError(
                "This installation already has users or files. Restore into an empty installation "
                "(a new database after `migrate`, an empty media folder or bucket), or pass --force "
                "to replace everything in this one."
            )
        for entry in manifest["files"]:
            _restore_file(archive, entry)
        _restore_database(archive)
    return BackupSummary(
        path=path,
        rows=sum(manifest["counts"].values()),
        models=len(manifest["counts"]),
        files=len(manifest["files"]),
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
    )


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member_file(archive, MANIFEST).read())
    except (KeyError, ValueError) as error:
        raise BackupError("The archive has no readable manifest.json: it is not a certportal backup.") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} version {manifest.get('version')!r}.")
    for entry in manifest["files"]:
        _check_file_name(entry["name"])
    return manifest


def _check_file_name(name: str) -> None:
    # Names come from the archive: never let one climb out of the storage.
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts or "\\" in name:
        raise BackupError(f"The archive holds a file with an unsafe name: {name!r}.")


def _verify_checksums(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    expected = [(DATABASE, manifest["database"]["sha256"])]
    expected += [(FILES_PREFIX + entry["name"], entry["sha256"]) for entry in manifest["files"]]
    for member_name, sha256 in expected:
        try:
            member = _member_file(archive, member_name)
        except KeyError as error:
            raise BackupError(f"The archive lacks {member_name}: it is incomplete.") from error
        reader = HashingReader(member)
        while reader.read(CHUNK):
            pass
        if reader.hexdigest() != sha256:
            raise BackupError(f"{member_name} in the archive does not match its checksum: the archive is damaged.")


def _check_migrations(manifest: dict[str, Any]) -> None:
    backup, here = set(manifest["migrations"]), set(applied_migrations())
    if backup == here:
        return
    missing, extra = sorted(backup - here), sorted(here - backup)
    raise BackupError(
        "The database schema differs from the backup's. Install the portal version that made the backup, "
        "run `python manage.py migrate`, restore, then upgrade as usual. "
        f"Migrations in the backup but not applied here: {missing[:10] or 'none'}; "
        f"applied here but not in the backup: {extra[:10] or 'none'}."
    )


def _restore_file(archive: tarfile.TarFile, entry: dict[str, Any]) -> None:
    name = entry["name"]
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if HashingReader.digest_of(existing) == entry["sha256"]:
                return
        default_storage.delete(name)
    content = File(_member_file(archive, FILES_PREFIX + name), name=name)
    # Set, not guessed: File would take the size of the archive the member's reader comes from.
    content.size = entry["size"]
    saved = default_storage.save(name, content)
    if saved != name:
        raise BackupError(f"The storage saved {name} as {saved}; restore needs the original names.")


def _restore_database(archive: tarfile.TarFile) -> None:
    with tempfile.TemporaryDirectory(prefix="certportal-restore-") as scratch:
        dump = Path(scratch) / DATABASE
        with dump.open("wb") as target:
            source = _member_file(archive, DATABASE)
            while chunk := source.read(CHUNK):
                target.write(chunk)
        with transaction.atomic():
            # Empty every table, content types and permissions too: the backup brings its own, with
            # the primary keys that its rows point to.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(dump), verbosity=0)
    # Content types are cached by id, and the ids are now the backup's.
    ContentType.objects.clear_cache()
    # Cached values (rate-limit counters, rendered fragments) belonged to the data just replaced.
    call_command("createcachetable", verbosity=0)
    cache.clear()


def _member_file(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    member = archive.extractfile(name)
    if member is None:
        raise KeyError(name)
    return member


def _sha256_of_path(path: Path) -> str:
    with path.open("rb") as handle:
        return HashingReader.digest_of(handle)


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of an archive, checked for format and file names."""
    with _open_archive(path) as archive:
        return _read_manifest(archive)


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        archive = tarfile.open(path, mode="r:*")  # noqa: SIM115 (closed below, after the error translation)
    except tarfile.TarError as error:
        raise BackupError(f"{path} is not a certportal backup archive ({error}).") from error
    with archive:
        yield archive


class HashingReader:
    """A read-only file wrapper that computes the SHA-256 of everything read through it."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    @classmethod
    def digest_of(cls, source: IO[bytes]) -> str:
        reader = cls(source)
        while reader.read(CHUNK):
            pass
        return reader.hexdigest()
