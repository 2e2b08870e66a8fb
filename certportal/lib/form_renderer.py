"""The portal's form renderer: Django's, except that the empty choice of a select reads
"请选择" / "Please choose" instead of Django's untranslatable "---------" (model fields with
blank=True and ModelChoiceField both use that dash line)."""

from __future__ import annotations

from typing import Any

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.translation import gettext

DASHES = BLANK_CHOICE_DASH[0][1]


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and "optgroups" in widget:
            label_empty_choice(widget["optgroups"])
        return super().render(template_name, context, request)


def label_empty_choice(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> None:
    for _group, options, _index in optgroups:
        for option in options:
            if option["value"] in ("", None) and option["label"] == DASHES:
                option["label"] = gettext("Please choose")
