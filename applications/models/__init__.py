"""Enterprises, their basic information, and their certification applications."""

import sys

from applications.models import forms as _forms_module
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

# The forms' modules were called "documents" before; the modules being restructured in parallel
# (applications.documents_workflow, .todo, .dashboard) still import that name. Remove this alias once
# they import applications.models.forms.
sys.modules.setdefault("applications.models.documents", _forms_module)

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
