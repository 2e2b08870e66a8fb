"""Business operations on enterprises and applications, by topic. Each checks the actor's right to
act, writes the change and its timeline event in one transaction, and schedules side effects after
commit. Views call these; nothing else changes the data."""

import sys

from applications.services import forms as _forms_module
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
from applications.services.forms import (
    application_forms_ensure,
    enterprise_seal_save,
    form_data_save,
    form_scan_review,
    form_scan_review_problem,
    form_scan_upload,
    form_sign,
    forms_generate,
    forms_overview,
    forms_prepare_problem,
    forms_sign_problem,
    law_row_delete,
    law_row_save,
    paper_shipment_receive,
    paper_shipment_receive_problem,
    paper_shipment_record,
    paper_shipment_record_problem,
    rendition_retry,
)
from applications.services.profile import enterprise_profile_save, profile_item_delete, profile_item_save

# The forms' modules were called "documents" before; the modules being restructured in parallel
# (applications.documents_workflow, .todo, .dashboard) still import that name. Remove this alias once
# they import applications.services.forms.
sys.modules.setdefault("applications.services.documents", _forms_module)

__all__ = [
    "CREATION_LISTENERS",
    "SCOPE_LISTENERS",
    "TRANSITION_LISTENERS",
    "ConcurrentChange",
    "TransitionError",
    "application_create",
    "application_forms_ensure",
    "application_reference",
    "application_set_scope",
    "application_transition",
    "consultant_assign",
    "consultant_invitation_accept",
    "consultant_invite",
    "enterprise_profile_save",
    "enterprise_seal_save",
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
    "form_data_save",
    "form_scan_review",
    "form_scan_review_problem",
    "form_scan_upload",
    "form_sign",
    "forms_generate",
    "forms_overview",
    "forms_prepare_problem",
    "forms_sign_problem",
    "law_row_delete",
    "law_row_save",
    "paper_shipment_receive",
    "paper_shipment_receive_problem",
    "paper_shipment_record",
    "paper_shipment_record_problem",
    "profile_item_delete",
    "profile_item_save",
    "rendition_retry",
]
