"""Permissions of the audits (django-rules). Which objects a user reaches at all is decided by the
access helpers (audits/access.py); these say what a user may do with what they reach."""

from __future__ import annotations

from typing import Any

import rules

from applications.models import Application
from applications.rules import is_assigned_consultant, is_member
from certportal.accounts.rules import is_auditor, is_body_manager, is_body_staff, is_certifier


@rules.predicate
def is_decided(user: Any, application: Any) -> bool:
    return isinstance(application, Application) and application.status in (
        Application.Status.CERTIFIED,
        Application.Status.NOT_CERTIFIED,
    )


# Plan and run the rounds, score, raise and verify findings.
rules.add_perm("audits.run_audits", is_auditor)
# Answer the audit schedule and the findings: the enterprise's users and its consultant.
rules.add_perm("audits.respond_to_audits", is_member | is_assigned_consultant)
# The score sheet: body staff always; the enterprise and its consultant once the decision is made.
rules.add_perm("audits.view_score_sheet", is_body_staff | ((is_member | is_assigned_consultant) & is_decided))
rules.add_perm("audits.change_certificates", is_certifier)
rules.add_perm("audits.record_surveillance", is_body_staff)
# Complaints and appeals: the body manager keeps the register and assigns each one.
rules.add_perm("audits.manage_complaints", is_body_manager)
