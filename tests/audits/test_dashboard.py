"""The certification body's dashboard: each block, access and a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audits import dashboard
from audits.models import AuditRound, Certificate
from tests.audits.conftest import in_audits, schedule_directly, score_sheet_at
from tests.conftest import client_for, put_in_status
from tests.factories import ApplicationFactory, EnterpriseFactory, complete_profile

Status = Application.Status
URL = reverse("audits:dashboard")


def make_applications(consultant, count: int) -> list[Application]:
    applications: list[Application] = []
    for _ in range(count):
        enterprise = EnterpriseFactory()
        complete_profile(enterprise, seed=2000 + enterprise.pk)
        applications.append(ApplicationFactory(enterprise=enterprise, consultant=consultant))
    return applications


def certificate_for(application: Application, *, stars: int = 4, status: str = "valid", due_in_days: int = 200):
    today = timezone.localdate()
    return Certificate.objects.create(
        number=f"CSA-TEST-{application.pk:05d}", application=application, enterprise=application.enterprise,
        holder_name=application.enterprise.name, holder_address="杭州", holder_uscc=application.enterprise.uscc,
        star_level=stars, score=Decimal("920"), issued_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=800), body_name="x", status=status,
        surveillance_due_on=today + datetime.timedelta(days=due_in_days),
    )  # fmt: skip


def test_blocks_show_what_waits(consultant, auditor):
    draft, submitted, reviewing, auditing, evaluating, deciding, certified = make_applications(consultant, 7)
    put_in_status(submitted, Status.SUBMITTED)
    put_in_status(reviewing, Status.UNDER_REVIEW)
    rounds = in_audits(auditing, Status.REMOTE_AUDIT)
    in_audits(evaluating, Status.EVALUATION)
    score_sheet_at(evaluating, auditor, "0.9")
    put_in_status(deciding, Status.DECISION)
    put_in_status(certified, Status.CERTIFIED)
    certificate_for(certified, due_in_days=30)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    this_week = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=2), datetime.time(10)))
    schedule_directly(rounds[0], auditor, start=this_week)
    schedule_directly(rounds[1], auditor, start=this_week + datetime.timedelta(days=8))
    response = client_for(auditor).get(URL)
    assert response.status_code == 200
    context = response.context
    assert [a.reference for a in context["review"].items] == [submitted.reference, reviewing.reference]
    assert [a.reference for a in context["decisions"].items] == [deciding.reference]
    sheets = {a.reference: (a.indicators_scored, a.indicators_total) for a in context["score_sheets"].items}
    assert sheets == {auditing.reference: (0, 15), evaluating.reference: (15, 15)}
    agenda = {day.day: [r.pk for r in day.rounds] for day in context["agenda"]}
    assert len(agenda) == 7
    assert agenda[monday + datetime.timedelta(days=2)] == [rounds[0].pk]
    assert all(rounds[1].pk not in day for day in agenda.values())
    assert [c.application_id for c in context["surveillance"].items] == [certified.pk]
    assert draft.reference not in response.content.decode()
    assert response.content.decode().count("score-progress") == 2


@pytest.mark.parametrize(("due_in_days", "listed"), [(-5, True), (0, True), (60, True), (61, False)])
def test_surveillance_within_60_days_or_overdue(consultant, auditor, due_in_days, listed):
    (application,) = make_applications(consultant, 1)
    put_in_status(application, Status.CERTIFIED)
    certificate_for(application, due_in_days=due_in_days)
    block = client_for(auditor).get(URL).context["surveillance"]
    assert (block.total == 1) is listed


def test_suspended_certificates_are_not_due_for_surveillance(consultant, auditor):
    (application,) = make_applications(consultant, 1)
    put_in_status(application, Status.CERTIFIED)
    certificate_for(application, due_in_days=-5, status="suspended")
    assert client_for(auditor).get(URL).context["surveillance"].total == 0


def test_certificate_chart_counts_by_star_level_and_status(consultant, certifier):
    applications = make_applications(consultant, 4)
    for application, (stars, status) in zip(
        applications, [(5, "valid"), (5, "valid"), (4, "suspended"), (2, "withdrawn")], strict=True
    ):
        put_in_status(application, Status.CERTIFIED)
        certificate_for(application, stars=stars, status=status)
    chart = client_for(certifier).get(URL).context["chart"]
    datasets = {dataset["label"]: dataset["data"] for dataset in chart["datasets"]}
    assert chart["total"] == 4
    assert datasets["有效"] == [2, 0, 0, 0]
    assert datasets["暂停"] == [0, 1, 0, 0]
    assert datasets["撤销"] == [0, 0, 0, 1]


def test_lists_are_cut_with_the_total_kept(consultant, auditor):
    for application in make_applications(consultant, dashboard.LIST_LIMIT + 3):
        put_in_status(application, Status.SUBMITTED)
    block = client_for(auditor).get(URL).context["review"]
    assert (len(block.items), block.total) == (dashboard.LIST_LIMIT, dashboard.LIST_LIMIT + 3)


@pytest.mark.parametrize("persona", ["auditor", "certifier"])
def test_body_staff_home_is_the_dashboard(request, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("home"))
    assert response["Location"] == URL


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant"])
def test_other_roles_are_refused(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("count", [2, 12])
def test_constant_number_of_queries(consultant, auditor, django_assert_max_num_queries, count):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    for index, application in enumerate(make_applications(consultant, count * 3)):
        kind = index % 3
        if kind == 0:
            put_in_status(application, Status.SUBMITTED)
        elif kind == 1:
            rounds = in_audits(application, Status.REMOTE_AUDIT)
            schedule_directly(rounds[0], auditor, start=start)
        else:
            put_in_status(application, Status.CERTIFIED)
            certificate_for(application, due_in_days=10)
    assert AuditRound.objects.filter(starts_at__isnull=False).count() == count
    client = client_for(auditor)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
