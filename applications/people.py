"""Who is who around one application: the enterprise's people, its consultant, the certification
body's staff and the audit team. Notifications, reminders and pages ask here."""

from __future__ import annotations

from applications.models import Application
from audits import interface as audits
from certportal.accounts.models import User


def enterprise_users(application: Application) -> list[User]:
    """The applying enterprise's active users."""
    return list(User.objects.filter(enterprise_id=application.enterprise_id, is_active=True).order_by("pk"))


def consultant_of(application: Application) -> list[User]:
    """The assigned consultant, if any and still active."""
    consultant = application.consultant
    return [consultant] if consultant is not None and consultant.is_active else []


def people_of(application: Application) -> list[User]:
    """The enterprise's users and the consultant: the people who prepare the application."""
    return [*enterprise_users(application), *consultant_of(application)]


def staff_with_role(role: str) -> list[User]:
    """The certification body's active staff in one role (auditors, certifiers)."""
    return list(User.objects.filter(role=role, is_active=True).order_by("pk"))


def audit_team(application: Application) -> list[User]:
    """Everyone who audited the application (leads and members of its rounds, scorers, finding raisers)."""
    return list(User.objects.filter(pk__in=audits.audit_team_ids(application)).order_by("pk"))
