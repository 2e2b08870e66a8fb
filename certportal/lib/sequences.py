"""Human-friendly numbers (SA-2026-00042) that stay unique when two people ask at the same moment."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from certportal.models import Sequence


def sequence_next(*, name: str, year: int) -> int:
    """The next value of the (name, year) counter, in the caller's transaction.

    The row update takes a lock that the competing transaction waits for, so each caller gets its own
    value; the row is created on first use, and a creation race is retried once.
    """
    with transaction.atomic():
        updated = Sequence.objects.filter(name=name, year=year).update(last_value=F("last_value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Sequence.objects.create(name=name, year=year, last_value=1)
                return 1
            except IntegrityError:
                Sequence.objects.filter(name=name, year=year).update(last_value=F("last_value") + 1)
        return Sequence.objects.get(name=name, year=year).last_value
