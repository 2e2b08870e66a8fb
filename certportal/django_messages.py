"""Django's own messages that read unnaturally in Django's Simplified Chinese catalogue ("输入一个有效的
Email 地址。"). They are listed here only so that `make messages` keeps them in our catalogue, whose
wording wins over Django's (LOCALE_PATHS come first); nothing imports this module."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

DJANGO_MESSAGES = (
    # django.core.validators and django.forms
    _("This field is required."),
    _("Enter a valid value."),
    _("Enter a valid email address."),
    _("Email address"),
    _("Enter a valid URL."),
    _("Enter a number."),
    _("Enter a whole number."),
    _("Enter a valid date."),
    _("Enter a valid time."),
    _("Enter a valid date/time."),
    _("Ensure this value is less than or equal to %(limit_value)s."),
    _("Ensure this value is greater than or equal to %(limit_value)s."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    _("Select a valid choice. %(value)s is not one of the available choices."),
    _("Select a valid choice. That choice is not one of the available choices."),
    _("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    _("%(model_name)s with this %(field_label)s already exists."),
    # django.contrib.auth
    _("The two password fields didn’t match."),
    _("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    _("Your old password was entered incorrectly. Please enter it again."),
    ngettext_lazy(
        "This password is too short. It must contain at least %(min_length)d character.",
        "This password is too short. It must contain at least %(min_length)d characters.",
        "min_length",
    ),
    _("The password is too similar to the %(verbose_name)s."),
    _("This password is too common."),
    _("This password is entirely numeric."),
)
