"""Forms of the applications app, by topic."""

from applications.forms.application import (
    ApplicationCreateForm,
    InviteConsultantForm,
    ScopeField,
    ScopeForm,
    TransitionForm,
)
from applications.forms.evidence import (
    AnswerForm,
    DocumentDetailsForm,
    EvidenceReplaceForm,
    EvidenceUploadForm,
    ReviewForm,
)
from applications.forms.profile import EnterpriseProfileForm, ManagerForm, OutletForm, PhoneField, ProductForm

__all__ = [
    "AnswerForm",
    "ApplicationCreateForm",
    "DocumentDetailsForm",
    "EnterpriseProfileForm",
    "EvidenceReplaceForm",
    "EvidenceUploadForm",
    "InviteConsultantForm",
    "ManagerForm",
    "OutletForm",
    "PhoneField",
    "ProductForm",
    "ReviewForm",
    "ScopeField",
    "ScopeForm",
    "TransitionForm",
]
