"""Business operations of the audits: review hooks, rounds, findings, scoring, decisions, certificates.
Each checks the actor's right to act, writes the change with its event, and sends e-mail after commit."""

from audits.interface import audit_team_ids
from audits.services.certificates import (
    allowed_targets,
    certificate_change_status,
    certificate_issue,
    certificate_number,
    certificate_pdf_enqueue,
    certificate_record_surveillance,
    certificates_expire,
)
from audits.services.decisions import certification_decide
from audits.services.findings import evidence_add, finding_answer, finding_raise, finding_verify
from audits.services.rounds import (
    RoundPlan,
    interview_delete,
    interview_save,
    photo_add,
    photo_delete,
    round_complete,
    round_problems,
    round_respond,
    round_schedule,
)
from audits.services.scoring import (
    IndicatorInput,
    indicator_score_save,
    recommendation_save,
    special_item_add,
    special_item_delete,
)
from audits.setup import audit_setup, score_sheet_ensure

__all__ = [
    "IndicatorInput",
    "RoundPlan",
    "allowed_targets",
    "audit_setup",
    "audit_team_ids",
    "certificate_change_status",
    "certificate_issue",
    "certificate_number",
    "certificate_pdf_enqueue",
    "certificate_record_surveillance",
    "certificates_expire",
    "certification_decide",
    "evidence_add",
    "finding_answer",
    "finding_raise",
    "finding_verify",
    "indicator_score_save",
    "interview_delete",
    "interview_save",
    "photo_add",
    "photo_delete",
    "recommendation_save",
    "round_complete",
    "round_problems",
    "round_respond",
    "round_schedule",
    "score_sheet_ensure",
    "special_item_add",
    "special_item_delete",
]
