"""Reviews, remote audit rounds, findings, the score sheet, the certification decision and certificates."""

from audits.models.certificate_changes import CertificateChange, CertificateChangeFile, CertificateVersion
from audits.models.certificates import Certificate, CertificateEvent, CertificationDecision
from audits.models.findings import Finding, FindingEvidence
from audits.models.rounds import AuditRound, CheckInPhoto, DepartmentInterview
from audits.models.scoring import Indicator, IndicatorScore, ScoreSheet, ScoreSheetVersion, SpecialItem
from audits.models.surveillance import SurveillanceAudit

__all__ = [
    "AuditRound",
    "Certificate",
    "CertificateChange",
    "CertificateChangeFile",
    "CertificateEvent",
    "CertificateVersion",
    "CertificationDecision",
    "CheckInPhoto",
    "DepartmentInterview",
    "Finding",
    "FindingEvidence",
    "Indicator",
    "IndicatorScore",
    "ScoreSheet",
    "ScoreSheetVersion",
    "SpecialItem",
    "SurveillanceAudit",
]
