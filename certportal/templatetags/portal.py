"""Template filters shared by every page."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from certportal.lib.validators import mask_mobile

register = template.Library()


@register.filter
def squish(value: str) -> str:
    """Text with its runs of white space made one space (a title laid out over several lines)."""
    return " ".join(str(value).split())


@register.filter
def masked_mobile(number: str) -> str:
    return mask_mobile(number or "")


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return gettext("Yes") if value else gettext("No")
