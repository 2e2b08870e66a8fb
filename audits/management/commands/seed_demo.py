"""Demo data so that a newcomer can click through the whole story. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from applications import demo as applications_demo
from applications import demo_evidence, demo_forms
from applications import demo_people as demo
from applications.counters import counters_recount
from audits import demo as audits_demo


class Command(BaseCommand):
    help = "Create the demo users (and, as features land, demo enterprises and applications)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-pdfs",
            action="store_true",
            help="Also render the demo applications' forms, unsigned and signed (about half a minute).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = demo.seed_users()
        applications_demo.seed(users)
        demo_evidence.seed(users)
        rendered = demo_forms.seed(users, with_pdfs=options["with_pdfs"])
        if rendered:
            self.stdout.write(f"Rendered {rendered} demo PDFs.")
        audits_demo.seed(users)
        # The demo writes its files and lists directly, as rows: count them once at the end.
        counters_recount()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {', '.join(sorted(users))}"))
