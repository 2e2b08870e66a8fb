"""Reviews, remote audit rounds, findings, the score sheet, the certification decision and certificates."""

from audits.models.certificate_changes import CertificateChange, CertificateChangeFile, CertificateVersion
from audits.models.certificates import Certificate, CertificateEvent, CertificationDecision
from audits.models.complaints import Appeal, CaseStatus, Complaint, ComplaintFile
from audits.models.findings import Finding, FindingEvidence
from audits.models.reporting import PlatformExport, ReportColumn
from audits.models.rounds import AuditRound, CheckInPhoto, DepartmentInterview
from audits.models.scoring import Indicator, IndicatorScore, ScoreSheet, ScoreSheetVersion, SpecialItem
from audits.models.surveillance import SurveillanceAudit

__all__ = [
    "Appeal",
    "AuditRound",
    "CaseStatus",
    "Certificate",
    "CertificateChange",
    "CertificateChangeFile",
    "CertificateEvent",
    "CertificateVersion",
    "CertificationDecision",
    "CheckInPhoto",
    "Complaint",
    "ComplaintFile",
    "DepartmentInterview",
    "Finding",
    "FindingEvidence",
    "Indicator",
    "IndicatorScore",
    "PlatformExport",
    "ReportColumn",
    "ScoreSheet",
    "ScoreSheetVersion",
    "SpecialItem",
    "SurveillanceAudit",
]
