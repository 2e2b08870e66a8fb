"""Calendar invitations (.ics, RFC 5545) for the video audits, sent by e-mail to everyone involved."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event, vCalAddress, vText

from applications.people import people_of
from audits.models import AuditRound
from certportal.accounts.models import User
from notifications.models import Kind
from notifications.services import Email, notify

ICS_MIMETYPE = "text/calendar"


def invitation_uid(audit_round: AuditRound) -> str:
    """Stable per round, so that a rescheduled invitation replaces the first in people's calendars."""
    from certportal.lib.links import site_url

    host = urlparse(site_url()).hostname or "certportal"
    return f"audit-round-{audit_round.pk}@{host}"


def round_url(audit_round: AuditRound) -> str:
    from certportal.lib.links import site_url

    return site_url() + reverse("audits:round", args=[audit_round.pk])


def round_ics(audit_round: AuditRound, people: list[User]) -> str:
    """The round as a calendar event in the active language, with `people` as attendees."""
    application = audit_round.application
    calendar = Calendar()
    calendar.add("prodid", "-//certportal//audit rounds//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", invitation_uid(audit_round))
    event.add("sequence", audit_round.invitation_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    if audit_round.starts_at and audit_round.ends_at:
        event.add("dtstart", audit_round.starts_at.astimezone(datetime.UTC))
        event.add("dtend", audit_round.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{audit_round.name} · {application.enterprise.name}")
    location = audit_round.get_platform_display() if audit_round.platform else ""
    if audit_round.meeting_link:
        location = f"{location} {audit_round.meeting_link}".strip()
    event.add("location", location)
    event.add("description", _description(audit_round))
    event.add("url", round_url(audit_round))
    event.add("status", "CONFIRMED")
    if audit_round.lead_auditor and audit_round.lead_auditor.email:
        event.add("organizer", _address(audit_round.lead_auditor), encode=False)
    for person in people:
        if person.email:
            event.add("attendee", _address(person, attendee=True), encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _address(user: User, *, attendee: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    if attendee:
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("FALSE")
    return address


def _description(audit_round: AuditRound) -> str:
    application = audit_round.application
    lines = [
        _line(_("Application"), f"{application.reference} · {application.enterprise.name}"),
        _line(_("Audit method"), audit_round.get_method_display()),
    ]
    if audit_round.platform:
        lines.append(_line(_("Video platform"), audit_round.get_platform_display()))
    if audit_round.meeting_link:
        lines.append(_line(_("Meeting link"), audit_round.meeting_link))
    if audit_round.meeting_code:
        lines.append(_line(_("Meeting number and password"), audit_round.meeting_code))
    if audit_round.agenda:
        lines.append(_line(_("Agenda"), ""))
        lines.extend(f"{number}. {item}" for number, item in enumerate(audit_round.shown_agenda, start=1))
    lines.append(_line(_("Details and your answer"), round_url(audit_round)))
    return "\n".join(lines)


def _line(label: str, value: object) -> str:
    return f"{label}: {value}".rstrip()


def send_invitations(audit_round: AuditRound) -> None:
    """E-mail the invitation, with the .ics attached, to each participant in their own language."""
    from audits.services.rounds import round_participants, when_text

    people = round_participants(audit_round)
    rescheduled = audit_round.invitation_sequence > 0
    email = Email(
        subject=gettext_lazy("Changed: %(round)s with %(enterprise)s")
        if rescheduled
        else gettext_lazy("Invitation: %(round)s with %(enterprise)s"),
        params={"round": audit_round.name, "enterprise": audit_round.application.enterprise.name},
        template="emails/audit_invitation.txt",
        context={"audit_round": audit_round, "application": audit_round.application, "rescheduled": rescheduled,
                 "url": round_url(audit_round)},
        attachments=lambda person: [
            {"filename": "invitation.ics", "mimetype": ICS_MIMETYPE, "content": round_ics(audit_round, people)}
        ],
    )  # fmt: skip
    notify(
        recipients=people,
        kind=Kind.AUDIT_SCHEDULED,
        application=audit_round.application,
        url=reverse("audits:round", args=[audit_round.pk]),
        context={"round": audit_round.name, "when": when_text(audit_round)},
        email=email,
        # Under the bell for those asked to confirm; the audit team has it in its schedule.
        in_app_for=people_of(audit_round.application),
    )
