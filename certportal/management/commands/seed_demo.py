"""Demo data so that a newcomer can click through the whole story. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from applications import demo as applications_demo
from applications import demo_evidence
from audits import demo as audits_demo
from certportal import demo


class Command(BaseCommand):
    help = "Create the demo users (and, as features land, demo enterprises and applications)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = demo.seed_users()
        applications_demo.seed(users)
        demo_evidence.seed(users)
        audits_demo.seed(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {', '.join(sorted(users))}"))
