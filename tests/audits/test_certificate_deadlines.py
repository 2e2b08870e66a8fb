"""A certificate's deadlines: an overdue surveillance audit (extend once within the grace period, or
suspend), a suspension to decide after the grace period, a suspension that ended, the certifiers'
dashboard and daily reminders, and the invitation to recertify six months before expiry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Certificate, CertificateEvent
from audits.services.certificates import add_months
from audits.tasks import send_certificate_deadline_notices
from certportal.models import OutgoingEmail
from notifications.models import EmailPreference, Kind, Notification
from tests.audits.test_certificates import make_certificate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Status = Certificate.Status
DAY = datetime.timedelta(days=1)
OVERDUE, TO_SUSPEND, LAPSED = Kind.SURVEILLANCE_OVERDUE, Kind.SUSPENSION_TO_DECIDE, Kind.SUSPENSION_LAPSED


def today() -> datetime.date:
    return timezone.localdate()


def grace_passed() -> datetime.date:
    """A due date whose three months of grace ended yesterday."""
    return add_months(today() - DAY, -3) - DAY


def certificate_with(certifier, *, application=None, due=None, extended=None, status=Status.VALID, until=None):
    return make_certificate(
        application=application, certifier_id=certifier.pk, issued_on=add_months(today(), -13), status=status,
        surveillance_due_on=due, surveillance_extended_to=extended, suspended_until=until,
    )  # fmt: skip


def public_page(certificate: Certificate) -> str:
    return client_for(None).get(reverse("verify_certificate", args=[certificate.number])).content.decode()


def extend(certificate, actor, to, reason="企业停产搬迁，监督审核需延期"):
    return services.certificate_extend_surveillance(
        certificate=certificate, actor=actor, extended_to=to, reason=reason, today=today()
    )


# --- The lifecycle table -------------------------------------------------------------------------

# name, the certificate (due, extended, status, suspended until), the decision waiting, actor, action,
# then "allowed" or the refusal (a guard's reason, a field, or 403), and what the public page shows.
LIFECYCLE = [
    ("overdue-extend", dict(due=-10), OVERDUE, "certifier", ("extend", 30), "allowed", 'id="surveillance-extended"'),
    ("extend-to-the-last-day", dict(due=-10), OVERDUE, "certifier", ("extend", "latest"), "allowed",
     'id="surveillance-extended"'),
    ("second-extension", dict(due=-10, extended=20), None, "certifier", ("extend", 25), "guard",
     'id="surveillance-extended"'),
    ("extension-ran-out", dict(due=-40, extended=-1), TO_SUSPEND, "certifier", ("extend", 10), "guard",
     'id="surveillance-overdue"'),
    ("beyond-grace", dict(due="grace_passed"), TO_SUSPEND, "certifier", ("extend", 10), "guard",
     'id="surveillance-overdue"'),
    ("date-beyond-grace", dict(due=-10), OVERDUE, "certifier", ("extend", "after_latest"), "extended_to",
     'id="surveillance-overdue"'),
    ("date-in-the-past", dict(due=-10), OVERDUE, "certifier", ("extend", -1), "extended_to",
     'id="surveillance-overdue"'),
    ("empty-reason", dict(due=-10), OVERDUE, "certifier", ("extend_no_reason", 30), "reason",
     'id="surveillance-overdue"'),
    ("not-overdue-yet", dict(due=5), None, "certifier", ("extend", 30), "guard", 'id="surveillance-due"'),
    ("auditor-extends", dict(due=-10), OVERDUE, "auditor", ("extend", 30), 403, 'id="surveillance-overdue"'),
    ("overdue-suspend", dict(due=-10), OVERDUE, "certifier", ("suspended", 60), "allowed", 'data-status="suspended"'),
    ("past-grace-suspend", dict(due="grace_passed"), TO_SUSPEND, "certifier", ("suspended", 60), "allowed",
     'data-status="suspended"'),
    ("lapsed-reinstate", dict(due=100, status=Status.SUSPENDED, until=-3), LAPSED, "certifier", ("valid", None),
     "allowed", 'data-status="valid"'),
    ("lapsed-withdraw", dict(due=100, status=Status.SUSPENDED, until=-3), LAPSED, "certifier", ("withdrawn", None),
     "allowed", 'data-status="withdrawn"'),
    ("suspension-running", dict(due=100, status=Status.SUSPENDED, until=3), None, "certifier", ("extend", 30),
     "guard", 'data-status="suspended"'),
]  # fmt: skip


def _date(offset, certificate: Certificate) -> datetime.date | None:
    latest = services.certificate_deadlines.extension_latest(certificate) if certificate.surveillance_due_on else None
    named = {"grace_passed": grace_passed(), "latest": latest, "after_latest": latest and latest + DAY, None: None}
    return named[offset] if offset in named else today() + datetime.timedelta(days=offset)


@pytest.mark.parametrize(("name", "state", "waiting", "persona", "action", "outcome", "public"), LIFECYCLE,
                         ids=[case[0] for case in LIFECYCLE])  # fmt: skip
def test_lifecycle(request, certifier, name, state, waiting, persona, action, outcome, public) -> None:
    dates = {key: _date(value, Certificate()) for key, value in state.items() if key in ("due", "extended", "until")}
    certificate = certificate_with(certifier, status=state.get("status", Status.VALID), **dates)
    assert services.certificate_decision_due(certificate, today()) == waiting
    actor = request.getfixturevalue(persona)
    verb, offset = action
    target = _date(offset, certificate)
    before = Certificate.objects.filter(pk=certificate.pk).values().get()

    def act() -> None:
        if verb.startswith("extend"):
            extend(certificate, actor, target, reason="" if verb == "extend_no_reason" else "企业停产搬迁")
        else:
            services.certificate_change_status(certificate=certificate, actor=actor, target=verb, reason="决定",
                                               suspended_until=target, today=today())  # fmt: skip

    if outcome == "allowed":
        act()
        certificate.refresh_from_db()
        if verb == "extend":
            assert certificate.surveillance_extended_to == target
            assert certificate.events.filter(kind=CertificateEvent.Kind.EXTENSION, reason="企业停产搬迁").exists()
        else:
            assert certificate.status == verb
        assert services.certificate_decision_due(certificate, today()) is None, "the decision is made"
    elif outcome == 403:
        with pytest.raises(PermissionDenied):
            act()
    else:
        problem = services.certificate_extend_surveillance_problem(certificate, actor, today())
        with pytest.raises(ValidationError) as refused:
            act()
        if outcome == "guard":
            assert problem is not None and refused.value.messages == [problem]
        else:
            assert problem is None and list(refused.value.message_dict) == [outcome]
    if outcome != "allowed":
        assert Certificate.objects.filter(pk=certificate.pk).values().get() == before
    assert public in public_page(certificate)


def test_the_public_page_names_the_extended_date_and_the_body(certifier) -> None:
    certificate = certificate_with(certifier, due=today() - 10 * DAY)
    extend(certificate, certifier, today() + 30 * DAY)
    page = public_page(certificate)
    assert f"已由发证机构延期至 {(today() + 30 * DAY).isoformat()}" in page
    assert 'id="surveillance-overdue"' not in page


def test_the_extension_is_in_the_history_and_on_the_certificate_page(certifier, application, enterprise_user) -> None:
    certificate = certificate_with(certifier, application=application, due=today() - 10 * DAY)
    extend(certificate, certifier, today() + 30 * DAY, reason="疫情封控，无法远程审核")
    page = client_for(certifier).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert 'id="surveillance-extension"' in page and "疫情封控，无法远程审核" in page
    assert 'data-kind="extension"' in page
    assert 'id="extend-surveillance"' not in page, "no second extension is offered"
    told = Notification.objects.filter(recipient=enterprise_user, kind=Kind.SURVEILLANCE_DUE)
    assert told.exists(), "the holder is told"


def test_recording_the_surveillance_ends_the_extension(certifier, auditor) -> None:
    certificate = certificate_with(certifier, due=today() - 10 * DAY)
    extend(certificate, certifier, today() + 30 * DAY)
    services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=today())
    certificate.refresh_from_db()
    assert certificate.surveillance_extended_to is None
    assert certificate.surveillance_due_on > today()
    assert services.certificate_decision_due(certificate, today()) is None


# --- The page and its POST route ---------------------------------------------------------------


def test_a_certifier_extends_on_the_certificate_page(certifier) -> None:
    certificate = certificate_with(certifier, due=today() - 10 * DAY)
    client = client_for(certifier)
    page = client.get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert 'id="extend-surveillance"' in page and 'data-kind="surveillance_overdue"' in page
    url = reverse("audits:certificate_extension", args=[certificate.pk])
    until = today() + 20 * DAY
    response = client.post(url, {"extended_to": until.isoformat(), "reason": "企业搬迁"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.surveillance_extended_to == until
    again = client.post(url, {"extended_to": (until + DAY).isoformat(), "reason": "再延"})
    assert again.status_code == 200 and "已经延期" in again.content.decode()
    certificate.refresh_from_db()
    assert certificate.surveillance_extended_to == until


@pytest.mark.parametrize(
    ("extended_to", "reason", "field"),
    [
        ("", "企业搬迁", "extended_to"),
        ("2026-02-30", "企业搬迁", "extended_to"),
        ("31/31/2026'--", "企业搬迁", "extended_to"),
        ("past", "企业搬迁", "extended_to"),
        ("beyond", "企业搬迁", "extended_to"),
        ("ok", "   ", "reason"),
    ],
)
def test_hostile_extension_form_input_is_refused_next_to_its_field(certifier, extended_to, reason, field) -> None:
    certificate = certificate_with(certifier, due=today() - 10 * DAY)
    latest = services.certificate_deadlines.extension_latest(certificate)
    value = {"past": today() - DAY, "beyond": latest + DAY, "ok": today() + DAY}.get(extended_to, extended_to)
    response = client_for(certifier).post(
        reverse("audits:certificate_extension", args=[certificate.pk]), {"extended_to": str(value), "reason": reason}
    )
    assert response.status_code == 200
    assert response.context["extension_form"].errors[field]
    assert f'id="error_1_id_{field}"' in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.surveillance_extended_to is None
    assert not certificate.events.filter(kind=CertificateEvent.Kind.EXTENSION).exists()


REFUSED = [("auditor", 403), ("enterprise_user", 403), ("consultant", 403), ("other_enterprise_user", 404),
           ("other_consultant", 404)]  # fmt: skip


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_only_certifiers_may_post_an_extension(request, application, certifier, persona, status) -> None:
    certificate = certificate_with(certifier, application=application, due=today() - 10 * DAY)
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("audits:certificate_extension", args=[certificate.pk]),
        {"extended_to": (today() + 10 * DAY).isoformat(), "reason": "x"},
    )
    assert response.status_code == status
    certificate.refresh_from_db()
    assert certificate.surveillance_extended_to is None


def test_an_anonymous_extension_is_sent_to_login(certifier) -> None:
    certificate = certificate_with(certifier, due=today() - 10 * DAY)
    response = client_for(None).post(reverse("audits:certificate_extension", args=[certificate.pk]), {})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- The certifiers' dashboard -------------------------------------------------------------------


def deadline_certificates(certifier) -> dict[str, Certificate]:
    return {
        "overdue": certificate_with(certifier, due=today() - 10 * DAY),
        "past_grace": certificate_with(certifier, due=grace_passed()),
        "extension_over": certificate_with(certifier, due=today() - 40 * DAY, extended=today() - DAY),
        "lapsed": certificate_with(certifier, due=today() + 100 * DAY, status=Status.SUSPENDED, until=today() - DAY),
        "extended": certificate_with(certifier, due=today() - 10 * DAY, extended=today() + 10 * DAY),
        "suspended": certificate_with(certifier, due=today() + 100 * DAY, status=Status.SUSPENDED, until=today() + DAY),
        "fine": certificate_with(certifier, due=today() + 100 * DAY),
    }


def test_the_dashboard_lists_the_decisions_to_make(certifier) -> None:
    made = deadline_certificates(certifier)
    response = client_for(certifier).get(reverse("audits:dashboard"))
    rows = {row.certificate.pk: row.kind for row in response.context["certificate_decisions"].items}
    assert rows == {
        made["overdue"].pk: OVERDUE,
        made["past_grace"].pk: TO_SUSPEND,
        made["extension_over"].pk: TO_SUSPEND,
        made["lapsed"].pk: LAPSED,
    }
    page = response.content.decode()
    assert page.count('data-kind="suspension_to_decide"') == 2
    assert "宽限期已过：待决定暂停" in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_dashboard_needs_as_many_queries_whatever_the_number_of_decisions(certifier, count) -> None:
    for _ in range(count):
        certificate_with(certifier, due=grace_passed())
        certificate_with(certifier, due=today() + 100 * DAY, status=Status.SUSPENDED, until=today() - DAY)
    client = client_for(certifier)
    client.get(reverse("audits:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audits:dashboard"))
    assert response.context["certificate_decisions"].total == 2 * count
    assert len(queries) == 10  # one more than before: the decisions on certificates


# --- Daily reminders -----------------------------------------------------------------------------


def reminders(certifier, kind: str) -> int:
    return Notification.objects.filter(recipient=certifier, kind=kind).count()


@pytest.mark.parametrize(("kind", "decide"), [(TO_SUSPEND, Status.SUSPENDED), (LAPSED, Status.VALID),
                                              (LAPSED, Status.WITHDRAWN)])  # fmt: skip
def test_certifiers_are_reminded_each_day_until_they_decide(certifier, other_certifier, kind, decide) -> None:
    if kind == TO_SUSPEND:
        certificate = certificate_with(certifier, due=grace_passed())
    else:
        certificate = certificate_with(certifier, due=today() + 100 * DAY, status=Status.SUSPENDED,
                                       until=today() - DAY)  # fmt: skip
    first, second = today(), today() + DAY
    assert send_certificate_deadline_notices(first.isoformat())["decisions"] == 1
    assert send_certificate_deadline_notices(first.isoformat())["decisions"] == 0, "once a day"
    assert reminders(certifier, kind) == reminders(other_certifier, kind) == 1
    assert send_certificate_deadline_notices(second.isoformat())["decisions"] == 1
    assert reminders(certifier, kind) == 2
    services.certificate_change_status(certificate=certificate, actor=certifier, target=decide, reason="决定",
                                       suspended_until=today() + 30 * DAY)  # fmt: skip
    for later in (second + DAY, second + 2 * DAY):
        send_certificate_deadline_notices(later.isoformat())
    assert reminders(certifier, kind) == 2, "none after the decision"


def test_an_overdue_surveillance_is_told_once_not_every_day(certifier) -> None:
    certificate = certificate_with(certifier, due=today() - DAY)
    for day in range(3):
        services.certificate_decisions_remind(today() + day * DAY)
    notice = Notification.objects.get(recipient=certifier, kind=OVERDUE)
    assert certificate.number in notice.title
    assert add_months(certificate.surveillance_due_on, 3).isoformat() in notice.body


def test_the_reminder_reads_in_each_certifiers_language(certifier, other_certifier) -> None:
    other_certifier.language = "en"
    other_certifier.save(update_fields=["language"])
    certificate = certificate_with(certifier, due=grace_passed())
    services.certificate_decisions_remind(today())
    assert "待决定暂停" in Notification.objects.get(recipient=certifier).title
    english = Notification.objects.get(recipient=other_certifier).title
    assert english.startswith(f"Certificate {certificate.number}: a suspension to decide")
    assert OutgoingEmail.objects.filter(to=[other_certifier.email], subject=english).exists()


def test_nothing_is_suspended_automatically(certifier) -> None:
    certificate = certificate_with(certifier, due=grace_passed())
    for day in range(5):
        send_certificate_deadline_notices((today() + day * DAY).isoformat())
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


# --- The invitation to recertify -----------------------------------------------------------------


def expiring(certifier, application, expires_on: datetime.date) -> Certificate:
    certificate = make_certificate(application=application, certifier_id=certifier.pk,
                                   issued_on=add_months(today(), -30))  # fmt: skip
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=expires_on)
    certificate.refresh_from_db()
    return certificate


def test_the_enterprise_and_consultant_are_invited_to_recertify_once(
    certifier, application, enterprise_user, consultant
) -> None:
    enterprise_user.language = "en"
    enterprise_user.save(update_fields=["language"])
    certificate = expiring(certifier, application, add_months(today(), 6) + DAY)
    assert services.certificates_invite_to_recertify(today()) == 0, "not yet six months before expiry"
    tomorrow = today() + DAY
    assert send_certificate_deadline_notices(tomorrow.isoformat())["invitations"] == 1
    assert send_certificate_deadline_notices((tomorrow + DAY).isoformat())["invitations"] == 0, "sent once"
    english = Notification.objects.get(recipient=enterprise_user, kind=Kind.RECERTIFICATION_DUE)
    assert english.title == f"Certificate {certificate.number} expires on {certificate.expires_on}: time to recertify"
    chinese = Notification.objects.get(recipient=consultant, kind=Kind.RECERTIFICATION_DUE)
    assert "再认证" in chinese.title
    assert OutgoingEmail.objects.filter(to=[enterprise_user.email], subject=english.title).count() == 1
    assert OutgoingEmail.objects.filter(to=[consultant.email], subject=chinese.title).count() == 1
    certificate.refresh_from_db()
    assert certificate.recertification_invited_on == tomorrow


def test_someone_who_chose_the_portal_only_gets_no_invitation_by_email(certifier, application, consultant) -> None:
    EmailPreference.objects.create(user=consultant, kind=Kind.RECERTIFICATION_DUE, email=False)
    expiring(certifier, application, add_months(today(), 5))
    services.certificates_invite_to_recertify(today())
    notice = Notification.objects.get(recipient=consultant, kind=Kind.RECERTIFICATION_DUE)
    assert not OutgoingEmail.objects.filter(to=[consultant.email], subject=notice.title).exists()
    assert OutgoingEmail.objects.filter(subject=notice.title).exists(), "the enterprise's user kept the e-mail"


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.WITHDRAWN])
def test_no_invitation_for_a_certificate_that_is_not_valid(certifier, application, status) -> None:
    certificate = expiring(certifier, application, add_months(today(), 5))
    Certificate.objects.filter(pk=certificate.pk).update(status=status)
    assert services.certificates_invite_to_recertify(today()) == 0


def test_the_invitation_is_on_the_enterprise_to_do_list(certifier, application, enterprise_user) -> None:
    certificate = expiring(certifier, application, add_months(today(), 5))
    client = client_for(enterprise_user)
    assert 'data-kind="recertification"' not in client.get(reverse("applications:progress")).content.decode()
    services.certificates_invite_to_recertify(today())
    page = client.get(reverse("applications:progress")).content.decode()
    assert 'data-kind="recertification"' in page and certificate.number in page
    detail = client.get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert 'id="recertification"' in detail and application.consultant.display_name in detail
    assert 'id="extend-surveillance"' not in detail


def test_the_deadline_notices_run_every_day(settings, certifier) -> None:
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    daily = schedule["applications.tasks.reminders.send_daily_reminders"]
    assert schedule["audits.tasks.send_certificate_deadline_notices"].hour == daily.hour
    certificate_with(certifier, due=grace_passed())
    assert send_certificate_deadline_notices() == {"decisions": 1, "invitations": 0}, "today by default"
