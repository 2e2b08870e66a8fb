"""Forms of the applications app, by topic."""

from applications.forms.application import (
    ApplicationCreateForm,
    InviteConsultantForm,
    ScopeField,
    ScopeForm,
    TransitionForm,
)
from applications.forms.profile import EnterpriseProfileForm, ManagerForm, OutletForm, PhoneField, ProductForm

__all__ = [
    "ApplicationCreateForm",
    "EnterpriseProfileForm",
    "InviteConsultantForm",
    "ManagerForm",
    "OutletForm",
    "PhoneField",
    "ProductForm",
    "ScopeField",
    "ScopeForm",
    "TransitionForm",
]
