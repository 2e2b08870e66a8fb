"""Enterprises, their basic information, and their certification applications."""

from applications.models.application import Application, ApplicationEvent, ConsultantInvitation
from applications.models.enterprise import Enterprise, Product, ServiceManager, ServiceOutlet
from applications.models.evidence import EvidenceArchive, EvidenceFile, EvidenceItem, EvidenceRequirement

__all__ = [
    "Application",
    "ApplicationEvent",
    "ConsultantInvitation",
    "Enterprise",
    "EvidenceArchive",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceRequirement",
    "Product",
    "ServiceManager",
    "ServiceOutlet",
]
