"""Object permissions for enterprises and applications (django-rules predicates)."""

from __future__ import annotations

from typing import Any

import rules

from applications.models import Application, Enterprise


def _enterprise_id(obj: Any) -> int | None:
    if isinstance(obj, Enterprise):
        return obj.pk
    if isinstance(obj, Application):
        return obj.enterprise_id
    return None


@rules.predicate
def is_member(user: Any, obj: Any) -> bool:
    """The user works for the enterprise (of the application)."""
    return bool(user.is_authenticated and user.is_enterprise_user and user.enterprise_id == _enterprise_id(obj))


@rules.predicate
def is_assigned_consultant(user: Any, application: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_consultant
        and isinstance(application, Application)
        and application.consultant_id == user.pk
    )


@rules.predicate
def serves_enterprise(user: Any, obj: Any) -> bool:
    """The user is the consultant of one of the enterprise's applications."""
    enterprise_id = _enterprise_id(obj)
    return bool(
        user.is_authenticated
        and user.is_consultant
        and enterprise_id is not None
        and Application.objects.filter(enterprise_id=enterprise_id, consultant=user).exists()
    )


rules.add_perm("applications.change_enterprise", is_member)
rules.add_perm("applications.change_application", is_member | is_assigned_consultant)
# 身份证号 in full: the enterprise's own users and the consultant who prepares its forms.
rules.add_perm("applications.view_id_numbers", is_member | serves_enterprise)


@rules.predicate
def is_body_staff_of_submitted(user: Any, application: Any) -> bool:
    """Certification-body staff, once the application has reached the body."""
    return bool(
        user.is_authenticated
        and user.is_body_staff
        and isinstance(application, Application)
        and application.submitted_at is not None
    )


# Evidence: the enterprise and its consultant upload; the consultant reviews; the consultant and the
# body's staff take all accepted evidence as one ZIP.
rules.add_perm("applications.upload_evidence", is_member | is_assigned_consultant)
rules.add_perm("applications.review_evidence", is_assigned_consultant)
rules.add_perm("applications.download_evidence_archive", is_assigned_consultant | is_body_staff_of_submitted)
# The application forms: the assigned consultant prepares them, the enterprise's users sign them.
rules.add_perm("applications.prepare_forms", is_assigned_consultant)
rules.add_perm("applications.sign_forms", is_member)
# A failed background job (a form version, a thumbnail, a ZIP) is queued again by the consultant or
# by the body's staff once the application has reached them.
rules.add_perm("applications.retry_jobs", is_assigned_consultant | is_body_staff_of_submitted)
