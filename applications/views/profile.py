"""The enterprise's basic information and its lists (products, service outlets, managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors, services
from applications.access import get_enterprise_for
from applications.forms import EnterpriseProfileForm, ManagerForm, OutletForm, ProductForm
from applications.models import Application, Enterprise, Product, ServiceManager, ServiceOutlet
from applications.profile import id_numbers_in_full, manager_shortfall, profile_problems
from certportal.lib.guards import error_messages
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.text import join_list


def my_enterprise(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        return redirect("home")
    return redirect("applications:enterprise", pk=request.user.enterprise_id)


def enterprise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for(request.user, pk)
    managers = list(enterprise.managers.all())
    context = {
        "enterprise": enterprise,
        "can_edit": request.user.has_perm("applications.change_enterprise", enterprise),
        "problems": profile_problems(enterprise),
        "products": list(enterprise.products.all()),
        "outlets": list(enterprise.outlets.all()),
        "managers": managers,
        "manager_shortfall": manager_shortfall(enterprise, len(managers)),
        "show_id_numbers": id_numbers_in_full(request.user, enterprise),
        "applications": Application.objects.visible_to(request.user).filter(enterprise=enterprise),
        **selectors.start_offer(enterprise, request.user),
    }
    return render(request, "applications/enterprise_detail.html", context)


def enterprise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for(request.user, pk, write=True)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            services.enterprise_profile_save(enterprise=enterprise, actor=request.user, changes=changes)
            missing = profile_problems(enterprise)
            if missing:
                messages.info(request, _("Saved. Still to fill in: %(missing)s.") % {"missing": join_list(missing)})
            else:
                messages.success(request, _("Saved. The basic information is complete."))
            return redirect("applications:enterprise", pk=enterprise.pk)
        messages.error(
            request, _("Not saved yet: please correct the fields marked below. Everything you typed is kept.")
        )
    return render(request, "applications/enterprise_form.html", {"enterprise": enterprise, "form": form})


# --- The three lists share one pair of views, configured per kind --------------------------------

LISTS: dict[str, dict[str, Any]] = {
    "products": {"model": Product, "form": ProductForm},
    "outlets": {"model": ServiceOutlet, "form": OutletForm},
    "managers": {"model": ServiceManager, "form": ManagerForm},
}


def _list_config(kind: str) -> dict[str, Any]:
    if kind not in LISTS:
        raise Http404
    return LISTS[kind]


def profile_item_edit(
    request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int | None = None
) -> HttpResponse:
    """Add an item to one of the enterprise's lists, or change one."""
    enterprise = get_enterprise_for(request.user, pk, write=True)
    config = _list_config(kind)
    item = get_object_or_404(config["model"], pk=item_pk, enterprise=enterprise) if item_pk else None
    form: ModelForm = config["form"](request.POST or None, instance=item, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        services.profile_item_save(item=form.instance, actor=request.user)
        messages.success(request, _("Saved: %(item)s.") % {"item": form.instance})
        if "save_and_add" in request.POST:
            return redirect("applications:profile_item_add", pk=enterprise.pk, kind=kind)
        return redirect(f"{_detail_url(enterprise)}#{kind}")
    context = {"enterprise": enterprise, "form": form, "kind": kind, "item": item}
    return render(request, "applications/profile_item_form.html", context)


@require_POST
def profile_item_delete_post(request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    enterprise = get_enterprise_for(request.user, pk, write=True)
    item: Product | ServiceOutlet | ServiceManager = get_object_or_404(
        _list_config(kind)["model"], pk=item_pk, enterprise=enterprise
    )
    try:
        services.profile_item_delete(item=item, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Removed: %(item)s.") % {"item": item})
    return redirect(f"{_detail_url(enterprise)}#{kind}")


def _detail_url(enterprise: Enterprise) -> str:
    return reverse("applications:enterprise", args=[enterprise.pk])
