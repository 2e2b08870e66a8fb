"""The score sheet: one form per indicator, saved on change (htmx) with the total updated live;
special deductions and the bonus; the recommendation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import workflow
from applications.models import Application
from audits import selectors, services
from audits.access import get_score_sheet_for
from audits.forms import IndicatorScoreForm, RecommendationForm, SpecialItemForm
from audits.models import Indicator, IndicatorScore, ScoreSheet, SpecialItem
from audits.scoring import ScoreResult
from audits.selectors import scored_indicators
from certportal.lib.guards import add_errors, error_messages
from certportal.lib.http import AuthenticatedHttpRequest

Status = Application.Status


def score_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_score_sheet_for(request.user, pk)
    return render(request, "audits/score_sheet.html", _sheet_context(request, sheet))


def _sheet_context(request: AuthenticatedHttpRequest, sheet: ScoreSheet, **extra: Any) -> dict[str, Any]:
    application = sheet.application
    editable = services.score_sheet_change_problem(sheet, request.user) is None
    indicators = scored_indicators(sheet)
    entries = {entry.indicator_id: entry for entry in sheet.entries.all()}
    result = selectors.score_sheet_result(sheet)
    earned = {item.code: item for item in result.indicators}
    rows: list[dict[str, Any]] = [
        {
            "indicator": indicator,
            "entry": entries.get(indicator.pk),
            "result": earned[indicator.code],
            "form": IndicatorScoreForm(indicator=indicator, entry=entries.get(indicator.pk)) if editable else None,
        }
        for indicator in indicators
    ]
    groups: list[dict[str, Any]] = []
    for row in rows:
        parent = row["indicator"].parent
        if not groups or groups[-1]["indicator"].pk != parent.pk:
            groups.append({"indicator": parent, "rows": []})
        groups[-1]["rows"].append(row)
    for group, subtotal in zip(groups, subtotals(indicators, result), strict=True):
        group.update(subtotal)
    send_on = workflow.find_transition(Status.EVALUATION, Status.DECISION, application.kind)
    return {
        "application": application,
        "sheet": sheet,
        "groups": groups,
        "subtotals": groups,
        "result": result,
        "editable": editable,
        "special_items": list(sheet.special_items.select_related("created_by")),
        "special_form": extra.get("special_form") or SpecialItemForm(),
        "recommendation_form": RecommendationForm(initial={"recommendation": sheet.recommendation}),
        "send_for_decision": send_on if editable and application.status == Status.EVALUATION else None,
        "send_problems": workflow.blocking_problems(send_on, application, request.user)
        if send_on and editable and application.status == Status.EVALUATION
        else [],
    }


def subtotals(indicators: list[Indicator], result: ScoreResult) -> list[dict[str, Any]]:
    """Earned and applicable points per first-level indicator, in order."""
    by_code = {item.code: item for item in result.indicators}
    groups: dict[int | None, dict[str, Any]] = {}
    for indicator in indicators:
        group = groups.setdefault(
            indicator.parent_id, {"indicator": indicator.parent, "earned": Decimal(0), "applicable": Decimal(0)}
        )
        item = by_code[indicator.code]
        if item.applicable and item.decided and item.earned is not None:
            group["earned"] += item.earned
            group["applicable"] += indicator.max_points
    return list(groups.values())


@require_POST
def indicator_save(request: AuthenticatedHttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """Save one indicator. From htmx: the row again (with any error next to its field) and the total
    (out of band). Without JavaScript: back to the sheet."""
    sheet = get_score_sheet_for(request.user, pk, write=True)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, version_id=sheet.version_id, parent__isnull=False)
    form = IndicatorScoreForm(request.POST, indicator=indicator)
    saved = False
    if form.is_valid():
        try:
            services.indicator_score_save(sheet=sheet, indicator=indicator, actor=request.user, values=form.values())
            saved = True
        except ValidationError as error:
            add_errors(form, error)
    if request.htmx:
        return _row_response(request, sheet, indicator, form, saved=saved)
    if saved:
        messages.success(request, _("Saved: %(indicator)s.") % {"indicator": indicator})
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, f"{indicator.code}: {text}")
    return redirect(reverse("audits:score_sheet", args=[pk]) + f"#indicator-{indicator.pk}")


def _row_response(
    request: AuthenticatedHttpRequest, sheet: ScoreSheet, indicator: Indicator, form: IndicatorScoreForm, *, saved: bool
) -> HttpResponse:
    result: ScoreResult = selectors.score_sheet_result(sheet)
    entry = IndicatorScore.objects.filter(sheet=sheet, indicator=indicator).first()
    row = {
        "indicator": indicator,
        "entry": entry,
        "result": next(item for item in result.indicators if item.code == indicator.code),
        "form": IndicatorScoreForm(indicator=indicator, entry=entry) if saved else form,
    }
    context = {"application": sheet.application, "sheet": sheet, "row": row, "result": result, "editable": True,
               "saved": saved, "oob": True, "subtotals": subtotals(scored_indicators(sheet), result)}  # fmt: skip
    return render(request, "audits/includes/score_row_response.html", context)


@require_POST
def special_item_add_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_score_sheet_for(request.user, pk, write=True)
    form = SpecialItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.special_item_add(
                sheet=sheet,
                actor=request.user,
                kind=data["kind"],
                reason=data["reason"],
                required_correction=data["required_correction"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Recorded: %(item)s.") % {"item": item.get_kind_display()})
            return redirect(reverse("audits:score_sheet", args=[pk]) + "#special-items")
    return render(request, "audits/score_sheet.html", _sheet_context(request, sheet, special_form=form))


@require_POST
def special_item_delete_post(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    sheet = get_score_sheet_for(request.user, pk, write=True)
    item = get_object_or_404(SpecialItem, pk=item_pk, sheet=sheet)
    try:
        services.special_item_delete(item=item, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Removed: %(item)s.") % {"item": item.get_kind_display()})
    return redirect(reverse("audits:score_sheet", args=[pk]) + "#special-items")


@require_POST
def recommendation_save_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_score_sheet_for(request.user, pk, write=True)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_save(sheet=sheet, actor=request.user, text=form.cleaned_data["recommendation"])
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The recommendation has been saved."))
    return redirect(reverse("audits:score_sheet", args=[pk]) + "#recommendation")
