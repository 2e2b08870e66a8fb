"""Restore an archive written by `manage.py backup` into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certportal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive: checks its checksums and the schema version, then writes the stored "
        "files and replaces the database. Refuses an installation that has users or files unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of an installation that is not empty (its database rows are all deleted).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_restore(path=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.rows} rows of {summary.models} models and {summary.files} files "
                f"({summary.file_bytes / 1e6:.1f} MB) from {summary.path}"
            )
        )
