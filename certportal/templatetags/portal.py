"""Template filters shared by every page."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext

from certportal.lib.text import join_list, list_separator
from certportal.lib.validators import mask_mobile

register = template.Library()


@register.filter
def squish(value: str) -> str:
    """Text with its runs of white space made one space (a title laid out over several lines)."""
    return " ".join(str(value).split())


@register.filter(name="join_list")
def join_list_filter(items: Iterable[object]) -> str:
    """{{ names|join_list }}: 甲、乙 in Chinese, "a, b" in English."""
    return join_list(items)


@register.simple_tag(name="list_separator")
def list_separator_tag() -> str:
    """Between the items of a list written out in a loop."""
    return list_separator()


@register.filter
def masked_mobile(number: str) -> str:
    return mask_mobile(number or "")


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return gettext("Yes") if value else gettext("No")
