"""In-app notifications (the bell) and each user's choice of which kinds also come by e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certportal.models import OutgoingMessage, TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User


class Kind(models.TextChoices):
    """Events that ask someone to act."""

    INFO_SUBMITTED = "info_submitted", _("Basic information submitted")
    EVIDENCE_REJECTED = "evidence_rejected", _("Evidence rejected")
    EVIDENCE_ALL_ACCEPTED = "evidence_all_accepted", _("All evidence accepted")
    FORMS_READY_TO_SIGN = "forms_ready_to_sign", _("Forms ready to sign")
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    APPLICATION_RETURNED = "application_returned", _("Application returned for changes")
    APPLICATION_ACCEPTED = "application_accepted", _("Application accepted")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    AUDIT_SCHEDULED = "audit_scheduled", _("Audit scheduled or moved")
    FINDING_RAISED = "finding_raised", _("Finding raised")
    DECISION_MADE = "decision_made", _("Certification decision made")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    SURVEILLANCE_DUE = "surveillance_due", _("Surveillance audit due")
    CERTIFICATE_STATUS_CHANGED = "certificate_status_changed", _("Certificate status changed")
    SURVEILLANCE_OVERDUE = "surveillance_overdue", _("Surveillance audit overdue: extend or suspend")
    SUSPENSION_TO_DECIDE = "suspension_to_decide", _("Surveillance grace period over: a suspension to decide")
    SUSPENSION_LAPSED = "suspension_lapsed", _("Suspension period ended: reinstate or withdraw")
    RECERTIFICATION_DUE = "recertification_due", _("Invitation to recertify")
    CERTIFICATE_CHANGE_REQUESTED = "certificate_change_requested", _("Certificate change requested")
    CERTIFICATE_CHANGE_DECIDED = "certificate_change_decided", _("Certificate change decided")
    SURVEILLANCE_OPENED = "surveillance_opened", _("Surveillance audit opened")
    SURVEILLANCE_DECIDED = "surveillance_decided", _("Surveillance audit decided")
    REMINDER = "reminder", _("Daily reminder")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook disabled after repeated failures")
    # Complaints and appeals.
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaint assigned to you")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")
    APPEAL_RECEIVED = "appeal_received", _("Appeal received")
    APPEAL_ASSIGNED = "appeal_assigned", _("Appeal assigned to you")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    CASE_OVERDUE = "case_overdue", _("Complaint or appeal overdue")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person. `title` and `body` are in the language they had when it was sent
    (what the e-mail said); `texts` holds the message in every portal language, so the bell shows it
    in the language the reader uses now."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    texts = models.JSONField(_("text in each language"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (rows without that language: the one they were sent in)."""
        return self._text(0, self.title)

    @property
    def shown_body(self) -> str:
        return self._text(1, self.body)

    def _text(self, index: int, sent: str) -> str:
        texts = self.texts.get(translation.get_language() or settings.LANGUAGE_CODE)
        return texts[index] if texts else sent


class EmailPreference(models.Model):
    """A kind of notification this user does not want by e-mail (in-app only). No row: e-mail on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    email = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.email}"


class WebhookEvent(models.TextChoices):
    """What a webhook can be told about; the value is the `event` field of the JSON body."""

    APPLICATION_STATUS_CHANGED = "application.status_changed", _("Application status changed")
    EVIDENCE_REVIEWED = "evidence.reviewed", _("Evidence reviewed")
    AUDIT_SCHEDULED = "audit.scheduled", _("Audit scheduled or moved")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed", _("Certificate status changed")


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def visible_to(self, user: User) -> WebhookEndpointQuerySet:
        """Each person sees and changes only the addresses they registered."""
        return self.filter(owner=user) if user.is_authenticated else self.none()


class WebhookEndpoint(TimeStampedModel):
    """A URL someone registered to receive some kinds of events as signed JSON POSTs."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(WebhookEvent(event).label) for event in self.events if event in WebhookEvent.values]


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def visible_to(self, user: User) -> WebhookDeliveryQuerySet:
        return self.filter(endpoint__owner=user) if user.is_authenticated else self.none()


class WebhookDelivery(TimeStampedModel):
    """One event owed to one endpoint: the exact JSON body signed and sent, tried by a worker with
    backoff until the endpoint answers 2xx or the attempts run out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event id"))
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("worker task"), max_length=255, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: the answer's status code, or the error when there was none."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="tries"
    )
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.response_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


# Ways to be told besides the bell and e-mail, each chosen per kind of notification.
Channel = OutgoingMessage.Channel


class ChannelPreference(models.Model):
    """A kind of notification this user also wants on a channel (SMS, WeChat Work). No row: not sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="channel_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_channel_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.channel}"


class WecomRobot(TimeStampedModel):
    """The WeChat Work group robot of a consultant's team (its webhook URL, which holds its key)."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="wecom_robot"
    )
    url = models.URLField(_("robot webhook URL"), max_length=500)

    class Meta:
        verbose_name = _("WeChat Work robot")
        verbose_name_plural = _("WeChat Work robots")

    def __str__(self) -> str:
        return str(self.owner)
