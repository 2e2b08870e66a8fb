"""seed_bench builds the benchmark data set (again only with --reset); bench_dashboards measures it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import Application, EvidenceFile, EvidenceRequirement
from audits.models import AuditRound, Certificate
from certportal.accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_bench", *args, stdout=out)
    return out.getvalue()


def test_seed_bench_builds_every_stage_for_one_consultant(evidence_items) -> None:
    output = seed("--applications", "61", "--password", "bench-pass-1")
    consultant = User.objects.get(username="bench-consultant")
    applications = Application.objects.filter(reference__startswith="BENCH-")
    assert applications.count() == 61
    assert set(applications.values_list("consultant", flat=True)) == {consultant.pk}
    assert set(applications.values_list("status", flat=True)) == set(Application.Status.values)
    assert EvidenceRequirement.objects.filter(application__in=applications).count() == 61 * len(evidence_items)
    assert EvidenceFile.objects.filter(requirement__application__in=applications).exists()
    assert AuditRound.objects.filter(application__in=applications).exists()
    assert (
        Certificate.objects.filter(application__in=applications).count()
        == applications.filter(status="certified").count()
    )
    enterprise_user = User.objects.get(username="bench-enterprise")
    assert enterprise_user.enterprise_id == applications.get(reference="BENCH-00001").enterprise_id
    assert consultant.check_password("bench-pass-1")
    assert "bench-pass-1" in output
    days = {application.days_elapsed() for application in applications}
    assert min(days) <= 20 < 40 < max(days)

    assert "exist already" in seed("--applications", "61")
    assert applications.count() == 61
    seed("--applications", "10", "--reset")
    assert Application.objects.filter(reference__startswith="BENCH-").count() == 10
    assert (
        Certificate.objects.filter(number__startswith="BENCH-").count()
        == Certificate.objects.filter(application__reference__startswith="BENCH-").count()
    )

    consultant.refresh_from_db()  # the password was set again
    enterprise_user = User.objects.get(username="bench-enterprise")  # made again for the new data set
    response = client_for(consultant).get(reverse("applications:dashboard"))
    assert response.context["page"].paginator.count == 10
    assert client_for(User.objects.get(username="bench-auditor")).get(reverse("audits:dashboard")).status_code == 200
    assert client_for(enterprise_user).get(reverse("applications:progress")).status_code == 200


def test_bench_dashboards_reports_time_and_queries(evidence_items, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    settings.ALLOWED_HOSTS = ["localhost"]
    seed("--applications", "18")
    out = StringIO()
    call_command("bench_dashboards", "--runs", "2", stdout=out)
    assert "consultant dashboard: median" in out.getvalue()
    result = json.loads((Path(tmp_path) / "bench" / "dashboards.json").read_text())
    assert result["applications"] == 18
    assert all(page["queries"] <= 15 for page in result["pages"])


def test_bench_dashboards_needs_the_data_set(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_bench"):
        call_command("bench_dashboards", "--runs", "1", stdout=StringIO())
