"""Forms of the score sheet: one small form per indicator (saved on change), special items, the
recommendation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Indicator, IndicatorScore, SpecialItem
from audits.scoring import format_points
from audits.services import IndicatorInput


class IndicatorScoreForm(forms.Form):
    awarded = forms.DecimalField(label=_("Points"), required=False, max_digits=7, decimal_places=2, min_value=0)
    samples = forms.IntegerField(label=_("Samples"), required=False, min_value=1, max_value=10000)
    failed_samples = forms.IntegerField(label=_("Failed"), required=False, min_value=0, max_value=10000)
    excluded = forms.BooleanField(label=_("Excluded (删减)"), required=False)
    exclusion_reason = forms.CharField(label=_("Reason for the exclusion"), required=False, max_length=2000)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, indicator: Indicator, entry: IndicatorScore | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        if entry is not None:
            kwargs.setdefault(
                "initial",
                {
                    "awarded": format_points(entry.awarded) if entry.awarded is not None else None,
                    "samples": entry.samples,
                    "failed_samples": entry.failed_samples,
                    "excluded": entry.excluded,
                    "exclusion_reason": entry.exclusion_reason,
                    "note": entry.note,
                },
            )
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["awarded"].widget.attrs.update({"max": str(indicator.max_points), "step": "0.01"})

    def values(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(
            awarded=data["awarded"],
            excluded=data["excluded"],
            exclusion_reason=data["exclusion_reason"],
            samples=data["samples"],
            failed_samples=data["failed_samples"],
            note=data["note"],
        )


class SpecialItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecialItem.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Deduction: the breach of law, of the company's own service rules or of industry requirements."),
    )
    required_correction = forms.CharField(
        label=_("Required correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a deduction: what the enterprise must correct."),
    )


class RecommendationForm(forms.Form):
    recommendation = forms.CharField(
        label=_("Recommendation to the certifier"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
