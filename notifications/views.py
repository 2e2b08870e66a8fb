"""The bell: list of notifications, open one, mark all read; e-mail preferences per kind; the
webhooks each person registered, with their delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certportal.lib.guards import refusal_texts
from certportal.lib.http import AuthenticatedHttpRequest
from notifications import services, webhooks
from notifications.forms import EmailPreferencesForm, WebhookForm
from notifications.models import Channel, Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint

DELIVERIES_SHOWN = 50


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).select_related("application")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notification_open_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    target = services.notification_open(notification=notification)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@require_POST
def notifications_mark_all_read_post(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


def email_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EmailPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.email_preferences_save(user=request.user, email_kinds=data["email_kinds"])
        chosen: dict[str, list[str]] = {Channel.SMS: data["sms_kinds"], Channel.WECOM: data["wecom_kinds"]}
        services.channel_preferences_save(user=request.user, chosen=chosen, robot_url=data.get("robot_url"))
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def webhooks_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = webhooks.webhook_create(
            owner=request.user, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
        )
        messages.success(request, _("Webhook registered. Use its secret to check the signature of each request."))
        return redirect("notifications:webhook", pk=endpoint.pk)
    endpoints = WebhookEndpoint.objects.visible_to(request.user)
    return render(request, "notifications/webhooks.html", {"form": form, "endpoints": endpoints})


def webhook_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)
    tries = Prefetch("tries", queryset=WebhookAttempt.objects.order_by("created_at", "pk"))
    deliveries = endpoint.deliveries.prefetch_related(tries)[:DELIVERIES_SHOWN]
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "enable_problem": webhooks.webhook_enable_problem(endpoint, request.user),
        "resend_problem": None if endpoint.is_active else _("Enable the webhook first."),
    }
    return render(request, "notifications/webhook.html", context)


@require_POST
def webhook_delete_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)
    webhooks.webhook_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Webhook deleted."))
    return redirect("notifications:webhooks")


@require_POST
def webhook_enable_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)
    try:
        webhooks.webhook_enable(endpoint=endpoint, actor=request.user)
    except ValidationError as error:
        for text in refusal_texts(error):
            messages.error(request, text)
    else:
        messages.success(request, _("Webhook enabled again."))
    return redirect("notifications:webhook", pk=endpoint.pk)


@require_POST
def webhook_resend_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.visible_to(request.user).select_related("endpoint"), pk=pk)
    try:
        webhooks.webhook_resend(delivery=delivery, actor=request.user)
    except ValidationError as error:
        for text in refusal_texts(error):
            messages.error(request, text)
    else:
        messages.success(request, _("The event will be sent again."))
    return redirect("notifications:webhook", pk=delivery.endpoint_id)
