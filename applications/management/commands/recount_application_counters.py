"""Recompute every application's counters (applications/counters.py) from the rows they count."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from applications.counters import counters_recount


class Command(BaseCommand):
    help = "Recompute the evidence counters of every application (after bulk imports or checklist changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            count = counters_recount()
        self.stdout.write(f"{count} applications recounted in {time.perf_counter() - started:.1f} s.")
