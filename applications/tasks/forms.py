"""Rendering the application forms: one task per version, and a sweeper for stuck versions."""

from __future__ import annotations

from celery import Task, shared_task

from applications.services import forms as form_services


@shared_task(name="applications.tasks.form_render", bind=True)
def form_render(self: Task, rendition_id: int) -> None:
    """Render one version of a form to PDF. Missing, already rendered or being rendered by another
    worker: nothing to do. A failure is kept on the version, with its error, for the page to show."""
    form_services.rendition_process(rendition_id=rendition_id, claim=self.request.id or f"direct-{rendition_id}")


@shared_task(name="applications.tasks.sweep_form_renditions")
def sweep_form_renditions() -> int:
    """Send again the versions stuck in pending or abandoned while rendering; returns how many."""
    return form_services.renditions_sweep()
