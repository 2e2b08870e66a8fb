"""Forms of the applications app, by topic."""

from applications.forms.application import (
    ApplicationCreateForm,
    InviteConsultantForm,
    ScopeField,
    ScopeForm,
    TransitionForm,
)
from applications.forms.documents import (
    FIELDS_FORMS,
    LawRowForm,
    ReceiptForm,
    ScanForm,
    ScanReviewForm,
    SealForm,
    ShipmentForm,
    SignForm,
)
from applications.forms.profile import EnterpriseProfileForm, ManagerForm, OutletForm, PhoneField, ProductForm

__all__ = [
    "FIELDS_FORMS",
    "ApplicationCreateForm",
    "EnterpriseProfileForm",
    "InviteConsultantForm",
    "LawRowForm",
    "ManagerForm",
    "OutletForm",
    "PhoneField",
    "ProductForm",
    "ReceiptForm",
    "ScanForm",
    "ScanReviewForm",
    "ScopeField",
    "ScopeForm",
    "SealForm",
    "ShipmentForm",
    "SignForm",
    "TransitionForm",
]
