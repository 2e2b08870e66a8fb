"""Enterprises, their basic information, and their certification applications."""

from applications.models.application import Application, ApplicationEvent, ConsultantInvitation
from applications.models.enterprise import Enterprise, Product, ServiceManager, ServiceOutlet
from applications.models.evidence import EvidenceArchive, EvidenceFile, EvidenceItem, EvidenceRequirement
from applications.models.forms import (
    ApplicationForm,
    FormRendition,
    FormSignature,
    FormType,
    LawStandardRow,
    PaperShipment,
)

__all__ = [
    "Application",
    "ApplicationEvent",
    "ApplicationForm",
    "ConsultantInvitation",
    "Enterprise",
    "EvidenceArchive",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceRequirement",
    "FormRendition",
    "FormSignature",
    "FormType",
    "LawStandardRow",
    "PaperShipment",
    "Product",
    "ServiceManager",
    "ServiceOutlet",
]
