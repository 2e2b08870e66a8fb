"""The score sheet (评分): versioned indicator definitions, and each application's scores.

The indicator tree and the star thresholds are data. Administrators change them by copying the
current version into a draft, editing the draft and publishing it; new score sheets take the latest
published version, and every existing sheet keeps the version it was scored on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audits import scoring
from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from audits.scoring import ScoreResult

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class ScoreSheetVersionQuerySet(models.QuerySet["ScoreSheetVersion"]):
    def published(self) -> ScoreSheetVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def current(self) -> ScoreSheetVersion | None:
        """The version new score sheets use: the latest published one."""
        return self.published().order_by("-number").first()


class ScoreSheetVersion(TimeStampedModel):
    """One edition of the indicator tree and the star thresholds. Published versions never change."""

    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    notes = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    five_star_min = models.DecimalField(_("minimum for five stars"), default=Decimal(950), **POINTS)
    four_star_min = models.DecimalField(_("minimum for four stars"), default=Decimal(900), **POINTS)
    three_star_min = models.DecimalField(_("minimum for three stars"), default=Decimal(800), **POINTS)
    two_star_min = models.DecimalField(_("minimum for two stars"), default=Decimal(700), **POINTS)
    veto_deductions = models.PositiveSmallIntegerField(
        _("special deductions that fail the evaluation"), default=5, validators=[MinValueValidator(1)]
    )
    deduction_points = models.DecimalField(_("points per special deduction"), default=Decimal(10), **POINTS)
    bonus_points = models.DecimalField(_("points of the special bonus"), default=Decimal(10), **POINTS)

    objects = ScoreSheetVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet version")
        verbose_name_plural = _("score sheet versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.title}"

    @property
    def label(self) -> str:
        """The title in the reader's language."""
        return _in_language(self.title, self.title_en)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def thresholds(self) -> scoring.Thresholds:
        return scoring.Thresholds(
            levels=(
                (5, self.five_star_min),
                (4, self.four_star_min),
                (3, self.three_star_min),
                (2, self.two_star_min),
            ),
            veto_deductions=self.veto_deductions,
            deduction_points=self.deduction_points,
            bonus_points=self.bonus_points,
        )

    def problems(self) -> list[str | Promise]:
        """What stops this version from being published (empty when it is consistent)."""
        problems: list[str | Promise] = []
        indicators = list(self.indicators.all())
        scored = [i for i in indicators if i.parent_id is not None]
        total = sum((i.max_points for i in scored), Decimal(0))
        if total != scoring.FULL_MARKS:
            problems.append(_("The second-level indicators add up to %(total)s points, not 1000.") % {"total": total})
        for group in (i for i in indicators if i.parent_id is None):
            children = sum((i.max_points for i in scored if i.parent_id == group.pk), Decimal(0))
            if children != group.max_points:
                problems.append(
                    _("%(code)s is worth %(points)s points but its indicators add up to %(children)s.")
                    % {"code": group.code, "points": group.max_points, "children": children}
                )
        minimums = [self.five_star_min, self.four_star_min, self.three_star_min, self.two_star_min]
        if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != 4:
            problems.append(_("The star thresholds must go down from five stars to two stars."))
        return problems


def _in_language(chinese: str, english: str) -> str:
    """English readers get the English text when there is one; everyone else the Chinese."""
    return english if english and (translation.get_language() or "").startswith("en") else chinese


class Indicator(models.Model):
    """An indicator of GB/T 27922: first level (5.1 售后服务体系...) or second level, which is scored."""

    version = models.ForeignKey(
        ScoreSheetVersion, verbose_name=_("score sheet version"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("first-level indicator"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="children",
    )  # fmt: skip
    code = models.CharField(_("clause"), max_length=12)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    max_points = models.DecimalField(_("points"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS)
    sampled = models.BooleanField(
        _("sampled"), default=False, help_text=_("Scored by samples: points are lost in proportion to failed samples.")
    )
    guidance = models.TextField(_("what the auditor checks"), blank=True)
    guidance_en = models.TextField(_("what the auditor checks (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["version", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_indicator_code_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (the Chinese name is the standard's)."""
        return _in_language(self.name, self.name_en)

    @property
    def audit_point(self) -> str:
        """What the auditor checks, in the reader's language."""
        return _in_language(self.guidance, self.guidance_en)


class ScoreSheet(TimeStampedModel):
    """An application's evaluation, on the indicator version it was started with."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="score_sheet",
    )
    version = models.ForeignKey(
        ScoreSheetVersion, verbose_name=_("indicator version"), on_delete=models.PROTECT, related_name="sheets"
    )
    recommendation = models.TextField(_("auditors' recommendation"), blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"{self.application} · v{self.version.number}"

    def result(self) -> ScoreResult:
        """The engine's verdict on what has been entered so far (two queries)."""
        from audits.selectors import score_sheet_result

        return score_sheet_result(self)


class IndicatorScore(models.Model):
    """What the auditor recorded for one second-level indicator."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    awarded = models.DecimalField(_("points awarded"), null=True, blank=True, **POINTS)
    excluded = models.BooleanField(_("excluded (删减)"), default=False)
    exclusion_reason = models.TextField(_("reason for the exclusion"), blank=True)
    samples = models.PositiveSmallIntegerField(_("samples"), null=True, blank=True)
    failed_samples = models.PositiveSmallIntegerField(_("failed samples"), null=True, blank=True)
    note = models.TextField(_("auditor's note"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "indicator"], name="one_score_per_indicator")]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.indicator_id}"

    def entry(self, indicator: Indicator) -> scoring.IndicatorEntry:
        return scoring.IndicatorEntry(
            code=indicator.code,
            max_points=indicator.max_points,
            sampled=indicator.sampled,
            awarded=self.awarded,
            excluded=self.excluded,
            samples=self.samples,
            failed_samples=self.failed_samples,
        )


class SpecialItem(models.Model):
    """A special deduction (特别扣分项: a breach of law, of the company's own service rules or of
    industry requirements; must be corrected) or the special bonus (特别加分项, at most one)."""

    class Kind(models.TextChoices):
        DEDUCTION = "deduction", _("Special deduction")
        BONUS = "bonus", _("Special bonus")

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="special_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    required_correction = models.TextField(_("required correction"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("special item")
        verbose_name_plural = _("special items")
        ordering = ["kind", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sheet"], condition=Q(kind="bonus"), name="at_most_one_special_bonus"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason[:40]}"
