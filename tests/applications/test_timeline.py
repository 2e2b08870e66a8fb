"""The bounded timeline: an item's evidence events fold into one entry, the latest 30 entries show
first with older ones a page further, and the pages cost the same queries however long the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationEvent
from applications.timeline import PAGE_SIZE, entry_keys, page_number, timeline_page
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db

Kind = ApplicationEvent.Kind
TITLES = {"16": ("维修记录单", "Repair records"), "5": ("质量管理体系证书", "Quality management certificate")}


def evidence(kind: str, item: str, number: int = 0) -> tuple[str, dict]:
    title_zh, title_en = TITLES.get(item, ("证据", "Evidence"))
    data = {"item": item, "title_zh": title_zh, "title_en": title_en, "file": f"{item}-{number}.pdf", "version": 1}
    return kind, data


def scope(number: int) -> tuple[str, dict]:
    return Kind.SCOPE_CHANGED, {"after": [f"产品{number:03d}"]}


def add_events(application, events: list[tuple[str, dict]], actor=None) -> list[ApplicationEvent]:
    """The events one minute apart, after those the application already has."""
    start = timezone.now() - timedelta(days=30) + timedelta(minutes=application.events.count())
    return ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=application, kind=kind, data=data, actor=actor,
                         created_at=start + timedelta(minutes=offset))
        for offset, (kind, data) in enumerate(events)
    )  # fmt: skip


def test_evidence_events_fold_per_item_until_another_event_comes_between() -> None:
    rows = [
        (1, Kind.CREATED, None),
        (2, Kind.EVIDENCE_UPLOADED, "16"),
        (3, Kind.EVIDENCE_UPLOADED, "5"),
        (4, Kind.EVIDENCE_ACCEPTED, "16"),
        (5, Kind.TRANSITION, None),
        (6, Kind.EVIDENCE_REJECTED, "16"),
        (7, Kind.EVIDENCE_UPLOADED, "5"),
    ]
    assert entry_keys(rows) == [[1], [3], [2, 4], [5], [6], [7]]


def test_item_0_is_an_item_like_any_other(application) -> None:
    """Its code may come out of the JSON as the number 0 (SQLite): it still folds, and breaks no run."""
    events = add_events(
        application,
        [evidence(Kind.EVIDENCE_UPLOADED, "0"), evidence(Kind.EVIDENCE_UPLOADED, "16"),
         evidence(Kind.EVIDENCE_ACCEPTED, "0"), evidence(Kind.EVIDENCE_ACCEPTED, "16")],
    )  # fmt: skip
    first, second, third, fourth = (event.pk for event in events)
    assert entry_keys([(first, Kind.EVIDENCE_UPLOADED, 0), (third, Kind.EVIDENCE_ACCEPTED, "0")]) == [[first, third]]
    entries = timeline_page(application).entries
    assert [[event.pk for event in entry.events] for entry in entries] == [[fourth, second], [third, first]]


def test_51_evidence_events_of_one_item_are_one_entry_and_the_others_stay_in_order(application, consultant) -> None:
    item_16 = [evidence(Kind.EVIDENCE_UPLOADED if n % 2 else Kind.EVIDENCE_ACCEPTED, "16", n) for n in range(51)]
    events = add_events(
        application,
        [(Kind.CREATED, {}), (Kind.CONSULTANT_ASSIGNED, {"consultant": "王顾问"}),
         *item_16[:20], evidence(Kind.EVIDENCE_UPLOADED, "5", 1), *item_16[20:40],
         evidence(Kind.EVIDENCE_REJECTED, "5", 1), *item_16[40:], scope(1)],
        actor=consultant,
    )  # fmt: skip
    response = client_for(consultant).get(reverse("applications:detail", args=[application.pk]))
    entries = response.context["timeline"].entries
    assert [len(entry.events) for entry in entries] == [1, 51, 2, 1, 1]
    assert [entry.event.kind for entry in entries] == [
        Kind.SCOPE_CHANGED, Kind.EVIDENCE_ACCEPTED, Kind.EVIDENCE_REJECTED, Kind.CONSULTANT_ASSIGNED, Kind.CREATED
    ]  # fmt: skip
    assert entries[1].events == sorted(
        (event for event in events if event.data.get("item") == "16"), key=lambda e: e.created_at, reverse=True
    )
    timeline = response.content.decode().split('id="timeline"')[1]
    groups = timeline.split('class="list-group-item event-group"')[1:]
    assert len(groups) == 2
    group_16 = groups[0].split("</details>")[0]
    assert "第 16 项 维修记录单：51 条证据记录" in group_16 and "展开" in group_16
    assert "证据已通过 26、证据已上传 25" in group_16
    assert group_16.count('class="list-group-item event"') == 51
    assert all(f"16-{n}.pdf" in group_16 for n in range(51))
    assert "第 5 项 质量管理体系证书：2 条证据记录" in groups[1]
    rest = groups[1].split("</details>")[1]
    assert rest.index("王顾问") < rest.index("申请已创建"), "the other events follow, newest first"


def test_older_entries_are_a_page_further_without_gaps_or_duplicates(application, enterprise_user) -> None:
    events = add_events(application, [scope(number) for number in range(40)])
    events += add_events(application, [evidence(Kind.EVIDENCE_UPLOADED, "16", n) for n in range(5)])
    events += add_events(application, [scope(number) for number in range(40, 75)])
    client = client_for(enterprise_user)
    url = reverse("applications:detail", args=[application.pk])
    pages = [client.get(url, {"timeline_page": number}) for number in (1, 2, 3)]
    entries = [entry for page in pages for entry in page.context["timeline"].entries]
    assert [len(page.context["timeline"].entries) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 16]
    seen = [event.pk for entry in entries for event in entry.events]
    assert sorted(seen) == sorted(event.pk for event in events), "every event once: no gaps, no duplicates"
    newest_first = [entry.event.created_at for entry in entries]
    assert newest_first == sorted(newest_first, reverse=True)
    first, second, last = (page.content.decode().split('id="timeline"')[1] for page in pages)
    assert "产品074" in first and "产品045" in first and "产品044" not in first
    assert '?timeline_page=2#timeline" rel="next">较早的记录' in first and 'rel="prev"' not in first
    assert '?timeline_page=1#timeline" rel="prev"' in second and '?timeline_page=3#timeline" rel="next"' in second
    assert "第 2 页，共 3 页" in second and "第 16 项 维修记录单：5 条证据记录" in second
    assert 'rel="next"' not in last and "产品000" in last


def test_the_page_asked_for_is_read_safely(application) -> None:
    add_events(application, [scope(number) for number in range(PAGE_SIZE + 1)])
    assert [page_number(value) for value in (None, "", "abc", "-1", "0", "2")] == [1, 1, 1, 1, 1, 2]
    assert timeline_page(application, 99).number == 2
    assert len(timeline_page(application, 99).entries) == 1


def test_the_progress_page_pages_its_timeline_too(application, enterprise_user) -> None:
    add_events(application, [scope(number) for number in range(PAGE_SIZE + 5)])
    client = client_for(enterprise_user)
    first = client.get(reverse("applications:progress")).content.decode()
    assert '?timeline_page=2#progress-timeline" rel="next"' in first
    second = client.get(reverse("applications:progress"), {"timeline_page": 2}).content.decode()
    assert "产品000" in second and "产品034" not in second


def mixed_history(count: int) -> list[tuple[str, dict]]:
    """A status change or a scope change now and then among evidence events of seven items."""
    return [
        scope(number) if number % 10 == 0 else evidence(Kind.EVIDENCE_UPLOADED, str(number % 7 + 10), number)
        for number in range(count)
    ]


@pytest.mark.parametrize(
    ("name", "persona", "with_pk"),
    [("applications:detail", "consultant", True), ("applications:progress", "enterprise_user", False),
     ("audits:review", "auditor", True)],
)  # fmt: skip
def test_the_timeline_costs_the_same_queries_at_10_and_200_events(request, application, name, persona, with_pk):
    put_in_status(application, "under_review")
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse(name, args=[application.pk] if with_pk else [])
    client.get(url)  # the session and the user's first reads
    counts = []
    for total in (10, 200):
        add_events(application, mixed_history(total - application.events.count()), actor=user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert application.events.count() == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
