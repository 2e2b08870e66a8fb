"""Business operations on enterprises and applications, by topic. Each checks the actor's right to
act, writes the change and its timeline event in one transaction, and schedules side effects after
commit. Views call these; nothing else changes the data."""

from applications.services.application import (
    CREATION_LISTENERS,
    SCOPE_LISTENERS,
    TRANSITION_LISTENERS,
    ConcurrentChange,
    TransitionError,
    application_create,
    application_reference,
    application_set_scope,
    application_transition,
)
from applications.services.consultants import consultant_assign, consultant_invitation_accept, consultant_invite
from applications.services.evidence import (
    evidence_answer,
    evidence_archive_problem,
    evidence_archive_request,
    evidence_file_accept,
    evidence_file_reject,
    evidence_file_update,
    evidence_replace,
    evidence_requirement_accept,
    evidence_requirement_reject,
    evidence_requirements_ensure,
    evidence_review_problem,
    evidence_upload,
    evidence_upload_problem,
    evidence_withdraw,
)
from applications.services.profile import enterprise_profile_save, profile_item_delete, profile_item_save

__all__ = [
    "CREATION_LISTENERS",
    "SCOPE_LISTENERS",
    "TRANSITION_LISTENERS",
    "ConcurrentChange",
    "TransitionError",
    "application_create",
    "application_reference",
    "application_set_scope",
    "application_transition",
    "consultant_assign",
    "consultant_invitation_accept",
    "consultant_invite",
    "enterprise_profile_save",
    "evidence_answer",
    "evidence_archive_problem",
    "evidence_archive_request",
    "evidence_file_accept",
    "evidence_file_reject",
    "evidence_file_update",
    "evidence_replace",
    "evidence_requirement_accept",
    "evidence_requirement_reject",
    "evidence_requirements_ensure",
    "evidence_review_problem",
    "evidence_upload",
    "evidence_upload_problem",
    "evidence_withdraw",
    "profile_item_delete",
    "profile_item_save",
]
