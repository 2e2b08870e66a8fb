"""Deliveries beyond the bell and e-mail: webhooks, SMS and WeChat Work messages, and the sweeper
that sends again what the broker never got."""

from __future__ import annotations

from celery import Task, shared_task

from certportal.lib import jobs
from notifications import channels, webhooks


@shared_task(
    name="notifications.tasks.webhook_deliver",
    bind=True,
    autoretry_for=(webhooks.WebhookRetry,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=webhooks.WEBHOOK_MAX_ATTEMPTS - 1,
    soft_time_limit=webhooks.WEBHOOK_TIME_LIMIT - 10,
    time_limit=webhooks.WEBHOOK_TIME_LIMIT,
)
def webhook_deliver(self: Task, delivery_id: int) -> str:
    """POST one webhook delivery. Missing, delivered or taken by another worker: nothing to do. No
    answer or not 2xx: tried again with exponential backoff, up to WEBHOOK_MAX_ATTEMPTS; a delivery
    that ends FAILED counts towards disabling its endpoint."""
    result = jobs.job_run(
        webhooks.WEBHOOK_JOB,
        delivery_id,
        claim=jobs.task_claim(self.request.id, delivery_id),
        work=lambda: webhooks.webhook_attempt(delivery_id),
        transient=(webhooks.WebhookRetry,),
    )
    if result == jobs.READY:
        webhooks.webhook_delivered(delivery_id)
    elif result == jobs.FAILED:
        webhooks.webhook_failed(delivery_id)
    return result


@shared_task(name="notifications.tasks.sweep_deliveries")
def sweep_deliveries() -> int:
    """Send again the webhook deliveries and messages the broker never got or a dead worker left."""
    return jobs.job_sweep(webhooks.WEBHOOK_JOB) + jobs.job_sweep(channels.MESSAGE_JOB)


@shared_task(
    name="notifications.tasks.message_send",
    bind=True,
    autoretry_for=(channels.MessageRetry,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=channels.MESSAGE_MAX_ATTEMPTS - 1,
    soft_time_limit=50,
    time_limit=60,
)
def message_send(self: Task, message_id: int) -> str:
    """Send one SMS or WeChat Work message. Missing, sent or taken by another worker: nothing to do;
    a gateway that does not take it is tried again with backoff, up to MESSAGE_MAX_ATTEMPTS."""
    return jobs.job_run(
        channels.MESSAGE_JOB,
        message_id,
        claim=jobs.task_claim(self.request.id, message_id),
        work=lambda: channels.message_deliver(message_id),
        transient=(channels.MessageRetry,),
    )
