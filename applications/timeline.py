"""The timeline pages show: an application's events, newest first, a page of entries at a time.

A checklist makes hundreds of evidence events, so the evidence events between two other events are
folded into one entry per checklist item ("12 evidence events for No. 16 …"), placed at the item's
latest event; every other event is an entry of its own. Two queries whatever the number of events:
the kinds and items of all events (small rows) to cut the entries, then the page's events in full.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.http import QueryDict
from django.utils import timezone

from applications.checklist import list_separator
from applications.models import Application, ApplicationEvent

PAGE_SIZE = 30
PAGE_PARAMETER = "timeline_page"
EVIDENCE_PREFIX = "evidence_"


@dataclass
class Entry:
    """One line of the timeline: an event, or an item's evidence events folded (newest first)."""

    events: list[ApplicationEvent]

    @property
    def event(self) -> ApplicationEvent:
        return self.events[0]

    @property
    def folded(self) -> bool:
        return len(self.events) > 1

    @property
    def summary(self) -> str:
        """How many of each kind, e.g. "Evidence uploaded 26、Evidence accepted 25"."""
        counts = Counter(event.get_kind_display() for event in reversed(self.events))
        return list_separator().join(f"{kind} {count}" for kind, count in counts.items())

    @property
    def first_date(self) -> date:
        return timezone.localdate(self.events[-1].created_at)

    @property
    def last_date(self) -> date:
        return timezone.localdate(self.events[0].created_at)


@dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    page_count: int

    @property
    def older(self) -> int | None:
        return self.number + 1 if self.number < self.page_count else None

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None


def page_number(value: str | None) -> int:
    """The page asked for in the query string; anything but a positive number is the first page."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def requested_page(application: Application, query: QueryDict) -> TimelinePage:
    """The page of the timeline a request's `?timeline_page=` asks for."""
    return timeline_page(application, page_number(query.get(PAGE_PARAMETER)))


def timeline_page(application: Application, number: int = 1) -> TimelinePage:
    """Page `number` (1 = the latest entries) of the application's timeline."""
    rows = application.events.order_by("created_at", "pk").values_list("pk", "kind", "data__item")
    entries = entry_keys(rows)
    entries.reverse()
    page_count = max(1, -(-len(entries) // PAGE_SIZE))
    number = min(max(1, number), page_count)
    chosen = entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    events = ApplicationEvent.objects.select_related("actor").in_bulk([pk for pks in chosen for pk in pks])
    return TimelinePage(
        entries=[Entry(events=[events[pk] for pk in reversed(pks)]) for pks in chosen],
        number=number,
        page_count=page_count,
    )


def entry_keys(rows: Iterable[tuple[int, str, object]]) -> list[list[int]]:
    """The entries as lists of event ids, oldest first, from (id, kind, item) rows in time order.
    Evidence events of one item are folded until an event of another kind comes between."""
    entries: list[list[int]] = []
    run: dict[str, list[int]] = {}  # the current run of evidence events by item, latest last
    for pk, kind, item in rows:
        # SQLite reads the item code "16" out of the JSON as the number 16, and "0" as 0.
        if kind.startswith(EVIDENCE_PREFIX) and item is not None and item != "":
            pks = run.pop(str(item), [])  # re-inserted below: the dict stays in the order of latest events
            pks.append(pk)
            run[str(item)] = pks
            continue
        entries += run.values()
        run = {}
        entries.append([pk])
    return entries + list(run.values())
