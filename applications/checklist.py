"""Where an application's evidence stands: per item, what is there, what is missing, and whether it
is complete; for the whole checklist, the progress and what to do next.

Everything is computed from five queries whatever the number of items and files (requirements,
files, their products, the scope, the profile counts), so the checklist page stays fast.

Whether an item is complete is decided once, in SQL (`requirement_complete`): the checklist takes
it from there, and so do the evidence figures of the consultant's dashboard and the enterprise's
progress page (`evidence_counts`, `evidence_progress`), so every page shows the same "done of total"
for the same application. The messages of what is missing are worked out here, item by item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import (
    Application,
    Enterprise,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from applications.models.enterprise import MANAGER_PERCENT_REQUIRED
from applications.profile import field_label
from certportal.lib.text import list_separator

Status = Application.Status
Phase = EvidenceItem.Phase
Kind = EvidenceItem.Kind
Source = EvidenceItem.ProfileSource
FileStatus = EvidenceFile.Status

# The pre-audit documents open once the certification body has accepted the application.
PRE_AUDIT_STATUSES = (
    Status.AUDIT_PREPARATION,
    Status.REMOTE_AUDIT,
    Status.EVALUATION,
    Status.DECISION,
    Status.CERTIFIED,
    Status.NOT_CERTIFIED,
)
CONTACT_FIELDS = ("website", "service_hotline", "contact_person")


# --- Whether an item is complete, in SQL (one definition for every page) ---------------------------


def _files_complete() -> Case:
    """Not sent back as a whole, the question answered (yes/no item), enough accepted copies, and
    every product of the scope covered when the item asks for it. A CASE, so that the database
    stops at the first test that fails and runs the subqueries only for the items that need them."""
    accepted = (
        EvidenceFile.objects.filter(requirement=OuterRef("pk"), is_current=True, status=FileStatus.ACCEPTED)
        .order_by()
        .values("requirement")
        .annotate(n=Count("*"))
        .values("n")
    )
    covering = EvidenceFile.products.through.objects.filter(
        evidencefile__requirement=OuterRef(OuterRef("pk")),
        evidencefile__is_current=True,
        evidencefile__status=FileStatus.ACCEPTED,
        product=OuterRef("product"),
    )
    uncovered = Application.scope.through.objects.filter(application=OuterRef("application")).exclude(Exists(covering))
    return Case(
        When(review_status=EvidenceRequirement.ReviewStatus.REJECTED, then=Value(False)),
        When(item__kind=Kind.YES_NO, answer__isnull=True, then=Value(False)),
        When(
            LessThan(Coalesce(Subquery(accepted, output_field=IntegerField()), Value(0)), F("copies_required")),
            then=Value(False),
        ),
        When(per_product=True, then=~Exists(uncovered)),
        default=Value(True),
        output_field=BooleanField(),
    )


def _profile_complete() -> Case:
    """The items taken from the basic information: the contact fields filled in, at least one
    outlet, enough after-sales service managers (clause 5.1.2.2, as Enterprise.managers_required)."""
    enterprise = "application__enterprise__"
    empty_contact = Q(**{f"{enterprise}{CONTACT_FIELDS[0]}": ""})
    for name in CONTACT_FIELDS[1:]:
        empty_contact |= Q(**{f"{enterprise}{name}": ""})
    managers = (
        ServiceManager.objects.filter(enterprise=OuterRef("application__enterprise"))
        .order_by()
        .values("enterprise")
        .annotate(n=Count("*"))
        .values("n")
    )
    manager_count = Coalesce(Subquery(managers, output_field=IntegerField()), Value(0))
    staff = Coalesce(F(f"{enterprise}headcount_service_management"), Value(0))
    # max(1, ceil(staff × 10%)) managers: at least one, and managers × 100 ≥ staff × 10 (a whole count
    # reaches the ceiling of a fraction exactly when it reaches the fraction), in whole numbers.
    enough_managers = Q(GreaterThanOrEqual(manager_count, Value(1))) & Q(
        GreaterThanOrEqual(manager_count * Value(100), staff * Value(MANAGER_PERCENT_REQUIRED))
    )
    outlets = Exists(ServiceOutlet.objects.filter(enterprise=OuterRef("application__enterprise")))
    return Case(
        When(Q(item__profile_source=Source.CONTACT) & empty_contact, then=Value(False)),
        When(item__profile_source=Source.OUTLETS, then=outlets),
        When(Q(item__profile_source=Source.MANAGERS) & ~enough_managers, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


def requirement_complete() -> Case:
    """Whether the item is complete, as an annotation on EvidenceRequirement rows."""
    return Case(
        When(item__kind__in=[Kind.PROFILE_DATA, Kind.STRUCTURED_LIST], then=_profile_complete()),
        default=_files_complete(),
        output_field=BooleanField(),
    )


def _requirement_count(complete: bool) -> Coalesce:
    """A correlated count of the outer application's application-phase items (the complete ones only)."""
    requirements = EvidenceRequirement.objects.filter(application=OuterRef("pk"), item__phase=Phase.APPLICATION)
    if complete:
        requirements = requirements.alias(complete=requirement_complete()).filter(complete=True)
    counted = requirements.order_by().values("application").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def evidence_counts() -> dict[str, Coalesce]:
    """Annotations for an Application queryset: `evidence_required` (the application-phase items of
    its checklist) and `evidence_accepted` (those complete). One pair of subqueries per row."""
    return {"evidence_required": _requirement_count(complete=False), "evidence_accepted": _requirement_count(True)}


@dataclass(frozen=True)
class EvidenceProgress:
    """Application-phase items complete, of all of them; the same figures on every page."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def evidence_progress(application: Application) -> EvidenceProgress:
    """The application's evidence progress (one query)."""
    # Counted afresh under names of their own (the application's counters carry the field names).
    counted = {f"counted_{name}": expression for name, expression in evidence_counts().items()}
    counts = Application.objects.filter(pk=application.pk).annotate(**counted)
    # The names are the annotations just made, which the type checker does not follow.
    done, total = counts.values_list("counted_evidence_accepted", "counted_evidence_required").get()  # type: ignore[misc]
    return EvidenceProgress(done=done, total=total)


@dataclass
class ItemState:
    """One requirement as the checklist shows it."""

    requirement: EvidenceRequirement
    item: EvidenceItem
    files: list[EvidenceFile] = field(default_factory=list)  # current versions, newest last
    history: list[EvidenceFile] = field(default_factory=list)  # replaced and withdrawn
    accepted: int = 0
    pending: int = 0
    rejected_files: list[EvidenceFile] = field(default_factory=list)
    uncovered: list[Product] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    fix_url: str = ""
    complete: bool = False
    status: str = "todo"  # complete · review · rejected · todo

    @property
    def copies_label(self) -> str:
        if self.requirement.copies_required == 0:
            return "—"
        return f"{self.accepted}/{self.requirement.copies_required}"

    @property
    def reopened(self) -> bool:
        """Sent back by the consultant (the item, or one of its current files)."""
        return self.requirement.is_rejected or bool(self.rejected_files)

    @property
    def reasons(self) -> list[str]:
        """Why the item or its files were sent back, for the enterprise to act on."""
        reasons = [self.requirement.review_reason] if self.requirement.is_rejected else []
        reasons += [f"{file.original_name}: {file.review_reason}" for file in self.rejected_files]
        return [reason for reason in reasons if reason]


@dataclass
class Checklist:
    application: Application
    items: list[ItemState]
    scope: list[Product]
    pre_audit_open: bool

    def phase(self, phase: str) -> list[ItemState]:
        return [state for state in self.items if state.item.phase == phase]

    @property
    def application_items(self) -> list[ItemState]:
        return self.phase(Phase.APPLICATION)

    @property
    def pre_audit_items(self) -> list[ItemState]:
        return self.phase(Phase.PRE_AUDIT)

    @property
    def surveillance_items(self) -> list[ItemState]:
        return self.phase(Phase.SURVEILLANCE)

    @property
    def main_phase(self) -> str:
        """The phase the progress bar shows: a surveillance's own set, otherwise the application evidence."""
        return Phase.SURVEILLANCE if self.application.kind == Application.Kind.SURVEILLANCE else Phase.APPLICATION

    def incomplete(self, phase: str) -> list[ItemState]:
        return [state for state in self.phase(phase) if not state.complete]

    def progress(self, phase: str = Phase.APPLICATION) -> tuple[int, int, int]:
        """(complete, total, percent) for one phase."""
        states = self.phase(phase)
        done = sum(state.complete for state in states)
        return done, len(states), round(100 * done / len(states)) if states else 100

    @property
    def open_states(self) -> list[ItemState]:
        """The items still to work on, in the order the enterprise should see them: sent back
        first (with the reasons), then the ones with something missing, then those under review."""
        phases = [Phase.APPLICATION, Phase.PRE_AUDIT] if self.pre_audit_open else [Phase.APPLICATION]
        phases.append(Phase.SURVEILLANCE)
        states = [state for state in self.items if state.item.phase in phases and not state.complete]
        order = {"rejected": 0, "todo": 1, "review": 2}
        return sorted(states, key=lambda state: 0 if state.reasons else order.get(state.status, 3))

    @property
    def files_awaiting_review(self) -> int:
        return sum(state.pending for state in self.items)


def checklist_for(application: Application) -> Checklist:
    """The whole checklist of one application, with a constant number of queries."""
    requirements: list[EvidenceRequirement] = list(
        EvidenceRequirement.objects.filter(application=application)
        .select_related("item")
        .annotate(is_complete=requirement_complete())
        .order_by("item__phase", "item__position")
    )
    if not requirements:
        # An application started before the checklist existed: judge it against the items in use.
        requirements = [
            EvidenceRequirement(
                application=application, item=item, copies_required=item.copies_required, per_product=item.per_product
            )
            for item in EvidenceItem.objects.filter(active=True).exclude(phase=Phase.SURVEILLANCE)
        ]
    for requirement in requirements:
        requirement.application = application  # the guards read it: no query per item
    files_by_requirement: dict[int, list[EvidenceFile]] = defaultdict(list)
    if any(requirement.pk for requirement in requirements):
        files = (
            EvidenceFile.objects.filter(requirement__application=application)
            .select_related("uploaded_by", "reviewed_by")
            .prefetch_related("products")
            .order_by("created_at", "pk")
        )
        for evidence in files:
            files_by_requirement[evidence.requirement_id].append(evidence)
    scope = list(application.scope.all())
    facts = _profile_facts(application.enterprise, requirements)
    states = [
        _state(requirement, files_by_requirement.get(requirement.pk, []), scope, facts) for requirement in requirements
    ]
    pre_audit_open = application.status in PRE_AUDIT_STATUSES or any(
        state.files for state in states if state.item.phase == Phase.PRE_AUDIT
    )
    return Checklist(application=application, items=states, scope=scope, pre_audit_open=pre_audit_open)


@dataclass
class ProfileFacts:
    enterprise: Enterprise
    outlets: int = 0
    managers: int = 0


def _profile_facts(enterprise: Enterprise, requirements: list[EvidenceRequirement]) -> ProfileFacts:
    facts = ProfileFacts(enterprise=enterprise)
    if any(requirement.item.from_profile for requirement in requirements):
        counts = Enterprise.objects.filter(pk=enterprise.pk).aggregate(
            outlets=Count("outlets", distinct=True), managers=Count("managers", distinct=True)
        )
        facts.outlets, facts.managers = counts["outlets"] or 0, counts["managers"] or 0
    return facts


def _state(
    requirement: EvidenceRequirement, files: list[EvidenceFile], scope: list[Product], facts: ProfileFacts
) -> ItemState:
    item = requirement.item
    state = ItemState(requirement=requirement, item=item)
    if item.from_profile:
        state.missing, state.fix_url = _profile_gaps(item, facts)
        state.complete = _complete(requirement, default=not state.missing)
        state.status = "complete" if state.complete else "todo"
        return state
    state.files = [f for f in files if f.is_current and f.status != FileStatus.WITHDRAWN]
    state.history = [f for f in files if not f.is_current or f.status == FileStatus.WITHDRAWN]
    accepted = [f for f in state.files if f.status == FileStatus.ACCEPTED]
    state.accepted = len(accepted)
    state.pending = sum(f.status == FileStatus.PENDING for f in state.files)
    state.rejected_files = [f for f in state.files if f.status == FileStatus.REJECTED]
    if requirement.per_product:
        covered = {product.pk for evidence in accepted for product in evidence.products.all()}
        state.uncovered = [product for product in scope if product.pk not in covered]
    state.missing = _file_gaps(state)
    state.complete = _complete(requirement, default=not state.missing and not requirement.is_rejected)
    if state.complete:
        state.status = "complete"
    elif state.pending:
        state.status = "review"
    elif requirement.is_rejected or state.rejected_files:
        state.status = "rejected"
    else:
        state.status = "todo"
    return state


def _complete(requirement: EvidenceRequirement, *, default: bool) -> bool:
    """Saved requirements carry the SQL answer (the one the dashboards count); the stand-in
    requirements of an application without a checklist have only the gaps found here."""
    complete: bool | None = getattr(requirement, "is_complete", None)
    return default if complete is None else complete


def _file_gaps(state: ItemState) -> list[str]:
    requirement = state.requirement
    gaps: list[str] = []
    if state.item.kind == Kind.YES_NO and requirement.answer is None:
        gaps.append(_("The question is not answered yet."))
    short = requirement.copies_required - state.accepted
    if short > 0:
        gaps.append(
            ngettext(
                "%(count)s more accepted copy needed (%(accepted)s of %(required)s).",
                "%(count)s more accepted copies needed (%(accepted)s of %(required)s).",
                short,
            )
            % {"count": short, "accepted": state.accepted, "required": requirement.copies_required}
        )
    if state.uncovered:
        gaps.append(
            _("Products not yet covered: %(products)s.")
            % {"products": list_separator().join(str(product) for product in state.uncovered)}
        )
    if requirement.is_rejected:
        gaps.append(_("Sent back by the consultant: %(reason)s") % {"reason": requirement.review_reason})
    return gaps


def _profile_gaps(item: EvidenceItem, facts: ProfileFacts) -> tuple[list[str], str]:
    enterprise = facts.enterprise
    profile_url = reverse("applications:enterprise", args=[enterprise.pk])
    if item.profile_source == Source.CONTACT:
        empty = [str(field_label(name)) for name in CONTACT_FIELDS if not getattr(enterprise, name)]
        gaps = (
            [_("Fill in the basic information: %(fields)s.") % {"fields": list_separator().join(empty)}]
            if empty
            else []
        )
        return gaps, reverse("applications:enterprise_edit", args=[enterprise.pk])
    if item.profile_source == Source.OUTLETS:
        gaps = [] if facts.outlets else [_("Add at least one after-sales service outlet.")]
        return gaps, profile_url + "#outlets"
    if item.profile_source == Source.MANAGERS:
        required = max(1, enterprise.managers_required)
        gaps = []
        if facts.managers == 0:
            gaps.append(_("Add the after-sales service managers to the roster."))
        elif facts.managers < required:
            gaps.append(
                _("Clause 5.1.2.2: at least %(required)s after-sales service managers are needed "
                  "(one in ten of the %(staff)s service-management staff); the roster has %(count)s.")
                % {"required": required, "staff": enterprise.headcount_service_management, "count": facts.managers}
            )  # fmt: skip
        return gaps, profile_url + "#managers"
    return [], profile_url
