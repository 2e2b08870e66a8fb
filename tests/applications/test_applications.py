"""Starting an application with its scope, the reference, consultants, the timeline."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationEvent, ConsultantInvitation
from certportal.models import OutgoingEmail
from tests.conftest import client_for, put_in_status
from tests.factories import ProductFactory, UserFactory, complete_profile

pytestmark = pytest.mark.django_db


def test_enterprise_starts_an_application_with_its_scope(enterprise_user) -> None:
    enterprise = complete_profile(enterprise_user.enterprise)
    first, second = ProductFactory(enterprise=enterprise), ProductFactory(enterprise=enterprise)
    response = client_for(enterprise_user).post(
        reverse("applications:create"), {"kind": "initial", "desired_star_level": "5", "scope": [first.pk, second.pk]}
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    assert re.fullmatch(r"SA-\d{4}-\d{5}", application.reference)
    assert set(application.scope.all()) == {first, second}
    assert application.status == Application.Status.DRAFT
    assert application.desired_star_level == 5
    assert application.events.get().kind == ApplicationEvent.Kind.CREATED


def test_scope_must_not_be_empty(enterprise_user) -> None:
    ProductFactory(enterprise=enterprise_user.enterprise)
    response = client_for(enterprise_user).post(reverse("applications:create"), {"kind": "initial"})
    assert "请至少选择一个产品" in response.content.decode()
    assert not Application.objects.exists()


def test_scope_cannot_hold_another_enterprises_product(enterprise_user, other_enterprise_user) -> None:
    ProductFactory(enterprise=enterprise_user.enterprise)
    foreign = ProductFactory(enterprise=other_enterprise_user.enterprise)
    response = client_for(enterprise_user).post(
        reverse("applications:create"), {"kind": "initial", "scope": [foreign.pk]}
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_only_one_open_application_per_enterprise(application, enterprise_user) -> None:
    product = application.scope.get()
    with pytest.raises(ValidationError, match="进行中的申请"):
        services.application_create(enterprise=application.enterprise, actor=enterprise_user, scope=[product])
    response = client_for(enterprise_user).get(reverse("applications:create"))
    assert response["Location"] == reverse("applications:detail", args=[application.pk])


@pytest.mark.parametrize("page", ["list", "enterprise"])
def test_starting_an_application_is_offered_only_while_none_is_open(application, enterprise_user, page) -> None:
    url = reverse("applications:list") if page == "list" else reverse("applications:enterprise",
                                                                      args=[application.enterprise_id])  # fmt: skip
    client = client_for(enterprise_user)
    problem = services.application_start_problem(application.enterprise, enterprise_user)
    assert problem == "贵企业已有一个进行中的申请，请先完成或撤回该申请。"
    content = client.get(url).content.decode()
    assert 'id="start-application"' not in content
    assert reverse("applications:create") not in content
    # Instead, a link to the application that is open.
    link = re.search(r'<a[^>]*id="open-application"[^>]*>(.*?)</a>', content, re.S)
    assert link is not None
    assert reverse("applications:detail", args=[application.pk]) in link.group(0)
    assert application.reference in link.group(1)
    put_in_status(application, "withdrawn")
    assert services.application_start_problem(application.enterprise, enterprise_user) is None
    content = client.get(url).content.decode()
    assert 'id="start-application"' in content
    assert 'id="open-application"' not in content


def test_only_the_enterprise_may_start_its_application(enterprise_user, other_enterprise_user, consultant) -> None:
    enterprise = enterprise_user.enterprise
    product = ProductFactory(enterprise=enterprise)
    for outsider in (other_enterprise_user, consultant):
        assert services.application_start_problem(enterprise, outsider) == "只有本企业的用户可以发起认证申请。"
        with pytest.raises(PermissionDenied):
            services.application_create(enterprise=enterprise, actor=outsider, scope=[product])
    content = client_for(consultant).get(reverse("applications:enterprise", args=[enterprise.pk])).content.decode()
    assert 'id="start-application"' not in content


def test_a_new_application_after_the_last_one_closed(application, enterprise_user) -> None:
    put_in_status(application, "certified")
    second = services.application_create(
        enterprise=application.enterprise, actor=enterprise_user, scope=application.scope.all(), kind="recertification"
    )
    assert second.reference != application.reference


def test_references_count_up_within_a_year(enterprise_user, other_enterprise_user) -> None:
    first = services.application_reference(2031)
    second = services.application_reference(2031)
    assert (first, second) == ("SA-2031-00001", "SA-2031-00002")
    assert services.application_reference(2032) == "SA-2032-00001"


def test_scope_change_is_recorded_on_the_timeline(application, enterprise_user) -> None:
    extra = ProductFactory(enterprise=application.enterprise, name="除湿机")
    response = client_for(enterprise_user).post(
        reverse("applications:scope", args=[application.pk]),
        {"scope": [extra.pk, *application.scope.values_list("pk", flat=True)]},
    )
    assert response.status_code == 302
    event = application.events.get(kind=ApplicationEvent.Kind.SCOPE_CHANGED)
    assert "除湿机" in event.data["after"]


def test_scope_is_frozen_once_with_the_body(application, enterprise_user) -> None:
    put_in_status(application, "under_review")
    with pytest.raises(ValidationError):
        services.application_set_scope(application=application, actor=enterprise_user, products=application.scope.all())


def test_invite_a_consultant_who_accepts(enterprise_user, django_capture_on_commit_callbacks) -> None:
    enterprise = complete_profile(enterprise_user.enterprise)
    application = services.application_create(
        enterprise=enterprise, actor=enterprise_user, scope=[ProductFactory(enterprise=enterprise)]
    )
    consultant = UserFactory(role="consultant", email="Teacher.Wang@example.com")
    client = client_for(enterprise_user)
    client.post(reverse("applications:invite", args=[application.pk]), {"email": "teacher.wang@example.com"})
    invitation = ConsultantInvitation.objects.get()
    email = OutgoingEmail.objects.get()
    assert email.to == ["teacher.wang@example.com"]
    assert invitation.token in email.body_text
    assert enterprise.name in email.subject

    other = UserFactory(role="consultant", email="someone@example.com")
    assert client_for(other).get(reverse("applications:invitation", args=[invitation.token])).status_code == 404
    response = client_for(consultant).post(reverse("applications:invitation", args=[invitation.token]))
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.consultant == consultant
    assert application.events.filter(kind=ApplicationEvent.Kind.CONSULTANT_ASSIGNED).exists()
    again = client_for(consultant).post(reverse("applications:invitation", args=[invitation.token]), follow=True)
    assert "已被接受" in again.content.decode()


def test_invitation_with_a_bad_email_says_so(application, enterprise_user) -> None:
    response = client_for(enterprise_user).post(
        reverse("applications:invite", args=[application.pk]), {"email": "not-an-email"}, follow=True
    )
    assert "有效的电子邮件" in response.content.decode() or "有效" in response.content.decode()
    assert not ConsultantInvitation.objects.exists()


def test_timeline_shows_events_with_dates_and_days_against_target(application, enterprise_user) -> None:
    services.application_transition(application=application, actor=enterprise_user, target="info_submitted")
    Application.objects.filter(pk=application.pk).update(created_at=application.created_at.replace(year=2020))
    page = client_for(enterprise_user).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert page.count('class="list-group-item event"') == 1
    assert "基本信息已提交" in page
    assert "通常需要 20–40 天" in page
    assert "text-danger" in page, "an application older than 40 days shows as late"


@pytest.mark.parametrize(
    ("days", "pace"), [(0, "on_track"), (20, "on_track"), (21, "at_risk"), (40, "at_risk"), (41, "late")]
)
def test_pace_against_the_20_to_40_day_target(application, days: int, pace: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate(application.created_at) + timedelta(days=days)
    assert application.days_elapsed(today) == days
    assert application.pace(today) == pace


def test_days_stop_counting_when_closed(application, enterprise_user) -> None:
    services.application_transition(application=application, actor=enterprise_user, target="withdrawn")
    application.refresh_from_db()
    from datetime import timedelta

    from django.utils import timezone

    assert application.days_elapsed(timezone.localdate() + timedelta(days=100)) == 0


@pytest.mark.parametrize(
    ("status", "current"),
    [
        ("draft", 1),
        ("awaiting_signature", 2),
        ("returned", 3),
        ("audit_preparation", 4),
        ("evaluation", 5),
        ("certified", None),
    ],
)
def test_step_indicator_follows_the_seeds_steps(application, enterprise_user, status: str, current: int | None) -> None:
    from applications.progress import steps_for

    put_in_status(application, status)
    states = [step["state"] for step in steps_for(application)]
    if current is None:
        assert states == ["done"] * 6
    else:
        assert states == ["done"] * (current - 1) + ["current"] + ["todo"] * (6 - current)
    page = client_for(enterprise_user).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert page.count("progress-step-done") == states.count("done")
