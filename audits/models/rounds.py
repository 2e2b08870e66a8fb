"""The three remote audit rounds (首次、第二次、第三次远程审核), their interviews and check-in photos."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certportal.models import TimeStampedModel

ROUND_COUNT = 3
ROUND_NAMES = {
    1: _("First video audit"),
    2: _("Second video audit"),
    3: _("Third video audit"),
}
# The agenda the seed describes, prefilled for every round (the auditor edits it).
DEFAULT_AGENDA = (
    _("Opening meeting (short): introductions, purpose and plan of the audit"),
    _("Interviews with each department (after-sales, sales, quality, warehouse and logistics, finance, HR)"),
    _("Explanation of the certification requirements (GB/T 27922)"),
    _("Closing meeting: findings, next steps and deadlines"),
)


class AuditRound(TimeStampedModel):
    """One of an application's three video audits: its schedule, team, agenda and outcome."""

    class Method(models.TextChoices):
        REMOTE = "FS02", _("FS02 remote audit")
        MIXED = "FS03", _("FS03 mixed audit (remote and on site)")

    class Platform(models.TextChoices):
        TENCENT_MEETING = "tencent_meeting", _("Tencent Meeting (腾讯会议)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        WECOM = "wecom", _("WeCom (企业微信)")
        ZOOM = "zoom", _("Zoom")
        OTHER = "other", _("Other")

    class Schedule(models.TextChoices):
        UNSCHEDULED = "unscheduled", _("Not scheduled yet")
        PROPOSED = "proposed", _("Waiting for the enterprise's confirmation")
        CONFIRMED = "confirmed", _("Confirmed by the enterprise")
        CHANGE_REQUESTED = "change_requested", _("The enterprise asks for another time")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="audit_rounds",
    )
    number = models.PositiveSmallIntegerField(_("round"))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    method = models.CharField(_("audit method"), max_length=10, choices=Method.choices, default=Method.REMOTE)
    platform = models.CharField(_("video platform"), max_length=30, choices=Platform.choices, blank=True)
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    meeting_code = models.CharField(_("meeting number and password"), max_length=100, blank=True)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead auditor"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_audit_rounds", limit_choices_to={"role": "auditor"},
    )  # fmt: skip
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team members"), blank=True, related_name="audit_rounds",
        limit_choices_to={"role": "auditor"},
    )  # fmt: skip
    enterprise_participants = models.TextField(_("enterprise participants"), blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    schedule_status = models.CharField(
        _("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.UNSCHEDULED
    )
    response_message = models.TextField(_("the enterprise's message"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The calendar invitation's SEQUENCE: calendars replace the event when it goes up.
    invitation_sequence = models.PositiveIntegerField(_("calendar invitation sequence"), default=0)
    summary = models.TextField(_("summary of the round"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("audit round")
        verbose_name_plural = _("audit rounds")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_round_per_application"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=ROUND_COUNT), name="round_number_1_to_3"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="round_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.application} · {self.name}"

    @property
    def name(self) -> str | Promise:
        return ROUND_NAMES.get(self.number, str(self.number))

    @property
    def shown_agenda(self) -> list[str]:
        """The agenda in the reader's language: the default items are stored in the portal's main
        language, so they are given in the active one; items the auditor wrote stay as written."""
        with translation.override(settings.LANGUAGE_CODE):
            defaults = {str(item): item for item in DEFAULT_AGENDA}
        return [str(defaults.get(item, item)) for item in self.agenda]

    @property
    def is_scheduled(self) -> bool:
        return self.starts_at is not None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return self.ends_at - self.starts_at


class DepartmentInterview(TimeStampedModel):
    """The record of one department's interview during a round."""

    audit_round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="interviews")
    department = models.CharField(_("department"), max_length=100)
    interviewees = models.CharField(_("people interviewed"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("department interview")
        verbose_name_plural = _("department interviews")
        ordering = ["audit_round", "created_at", "pk"]

    def __str__(self) -> str:
        return self.department


class CheckInPhoto(models.Model):
    """A screenshot of everyone present at the opening or closing meeting (签到照片). The time is the
    server's at upload, never one the uploader supplies."""

    class Moment(models.TextChoices):
        OPENING = "opening", _("Opening meeting")
        CLOSING = "closing", _("Closing meeting")

    audit_round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="photos")
    moment = models.CharField(_("meeting"), max_length=10, choices=Moment.choices)
    file = models.FileField(_("photo"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("taken at (upload time)"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in photo")
        verbose_name_plural = _("check-in photos")
        ordering = ["audit_round", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
