"""Forms of the applications app, by topic."""

from applications.forms.application import (
    ApplicationCreateForm,
    InviteConsultantForm,
    ScopeField,
    ScopeForm,
    TransitionForm,
)
from applications.forms.application_forms import (
    FIELDS_FORMS,
    LawRowForm,
    ReceiptForm,
    ScanForm,
    ScanReviewForm,
    SealForm,
    ShipmentForm,
    SignForm,
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
    "FIELDS_FORMS",
    "AnswerForm",
    "ApplicationCreateForm",
    "DocumentDetailsForm",
    "EnterpriseProfileForm",
    "EvidenceReplaceForm",
    "EvidenceUploadForm",
    "InviteConsultantForm",
    "LawRowForm",
    "ManagerForm",
    "OutletForm",
    "PhoneField",
    "ProductForm",
    "ReceiptForm",
    "ReviewForm",
    "ScanForm",
    "ScanReviewForm",
    "ScopeField",
    "ScopeForm",
    "SealForm",
    "ShipmentForm",
    "SignForm",
    "TransitionForm",
]
