"""Webhook deliveries, and the sweeper that sends again what the broker never got."""

from __future__ import annotations

from celery import Task, shared_task

from certportal.lib import jobs
from notifications import webhooks


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
    """Send again the webhook deliveries the broker never got or a dead worker left."""
    return jobs.job_sweep(webhooks.WEBHOOK_JOB)
