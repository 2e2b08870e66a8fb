"""Write the whole installation (database and stored files) into one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from certportal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file (local disk or object storage) into one archive, "
        "with SHA-256 checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (.tar, or .tar.gz to compress); default var/backups/certportal-<time>.tar",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = options["output"] or Path(settings.VAR_DIR) / "backups" / f"certportal-{stamp}.tar"
        try:
            summary = backup_create(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.rows} rows of {summary.models} models and {summary.files} files "
                f"({summary.file_bytes / 1e6:.1f} MB) to {summary.path}"
            )
        )
