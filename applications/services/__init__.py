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
from applications.services.documents import (
    application_forms_ensure,
    enterprise_seal_save,
    form_data_save,
    form_scan_review,
    form_scan_upload,
    form_sign,
    forms_generate,
    forms_overview,
    law_row_delete,
    law_row_save,
    paper_shipment_receive,
    paper_shipment_record,
    rendition_retry,
)
from applications.services.profile import enterprise_profile_save, profile_item_delete, profile_item_save

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
    "form_data_save",
    "form_scan_review",
    "form_scan_upload",
    "form_sign",
    "forms_generate",
    "forms_overview",
    "law_row_delete",
    "law_row_save",
    "paper_shipment_receive",
    "paper_shipment_record",
    "profile_item_delete",
    "profile_item_save",
    "rendition_retry",
]
