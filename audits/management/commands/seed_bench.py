"""Build a large data set for measuring the dashboards: N applications (10,000 by default) of as many
enterprises, in every workflow state, with their evidence requirements, files (as rows, no content),
forms and signed versions, audit rounds, findings, certificates and timeline events, all assigned to
one consultant. Written with bulk inserts; run again, it leaves an existing data set alone unless
--reset is given.

Users (password from --password, printed at the end): bench-consultant, bench-auditor,
bench-certifier, and bench-enterprise (a user of the first application's enterprise).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.utils import timezone

from applications.counters import counters_recount
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationForm,
    Enterprise,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    FormRendition,
    Product,
)
from applications.models.forms import FormType
from audits.models import AuditRound, Certificate, Finding, Indicator, ScoreSheet, ScoreSheetVersion
from certportal.accounts.models import User
from certportal.lib.validators import uscc_check_character
from notifications.models import Notification

Status = Application.Status
PREFIX = "BENCH-"
ENTERPRISE_PREFIX = "基准测试企业"
DEFAULT_PASSWORD = "certportal-bench"
BATCH = 2000
# Every state, the open ones more often (as in a consultancy's real portfolio).
STATUS_CYCLE = (
    Status.DRAFT,
    Status.INFO_SUBMITTED,
    Status.FORMS_PREPARATION,
    Status.FORMS_PREPARATION,
    Status.AWAITING_SIGNATURE,
    Status.AWAITING_SIGNATURE,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.RETURNED,
    Status.AUDIT_PREPARATION,
    Status.REMOTE_AUDIT,
    Status.REMOTE_AUDIT,
    Status.EVALUATION,
    Status.DECISION,
    Status.CERTIFIED,
    Status.CERTIFIED,
    Status.NOT_CERTIFIED,
    Status.WITHDRAWN,
)
ORDER = [status for status, _label in Status.choices]
SIGNED_FROM = ORDER.index(Status.SUBMITTED)
FORMS_FROM = ORDER.index(Status.FORMS_PREPARATION)
AUDITS_FROM = ORDER.index(Status.AUDIT_PREPARATION)
# States on the way only for the applications that end there.
DETOURS = (Status.RETURNED, Status.CERTIFIED, Status.NOT_CERTIFIED, Status.WITHDRAWN)


def stage_index(status: str) -> int:
    """How far the application got (withdrawn ones stopped early)."""
    return 1 if status == Status.WITHDRAWN else ORDER.index(status)


def bench_uscc(number: int) -> str:
    first_17 = f"913301{number:08d}BEN"
    return first_17 + uscc_check_character(first_17)


class Command(BaseCommand):
    help = "Build a large data set (applications, evidence, forms, audits, certificates) for the dashboard benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--applications", type=int, default=10_000)
        parser.add_argument("--reset", action="store_true", help="delete an existing bench data set first")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of the bench users")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        existing = Application.objects.filter(reference__startswith=PREFIX).count()
        if existing and not options["reset"]:
            self.stdout.write(f"{existing} bench applications exist already; --reset builds them again.")
            self._users(options["password"])
            return
        if existing:
            self._delete()
            self.stdout.write(f"deleted the previous {existing} bench applications")
        with transaction.atomic():
            users = self._users(options["password"])
            count = self._build(options["applications"], users)
            self._users(options["password"])  # now bench-enterprise has an application to belong to
            # Everything above was bulk-inserted, past the services that keep the counters.
            counters_recount(Application.objects.filter(reference__startswith=PREFIX))
        self.stdout.write(
            f"{count} applications built in {time.perf_counter() - started:.1f} s. Log in as bench-consultant, "
            f"bench-auditor, bench-certifier or bench-enterprise with the password {options['password']!r}."
        )

    # --- Users ------------------------------------------------------------------------------------

    def _users(self, password: str) -> dict[str, User]:
        users = {}
        for role in ("consultant", "auditor", "certifier"):
            user, _created = User.objects.get_or_create(
                username=f"bench-{role}",
                defaults={"role": role, "email": f"bench-{role}@example.com", "full_name": f"基准{role}"},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            users[role] = user
        first = Application.objects.filter(reference__startswith=PREFIX).order_by("reference").first()
        if first is not None:
            user, _created = User.objects.get_or_create(
                username="bench-enterprise",
                defaults={
                    "role": "enterprise",
                    "email": "bench-enterprise@example.com",
                    "full_name": "基准企业用户",
                    "enterprise": first.enterprise,
                },
            )
            user.enterprise = first.enterprise
            user.set_password(password)
            user.save(update_fields=["password", "enterprise"])
        return users

    # --- Building ---------------------------------------------------------------------------------

    def _build(self, count: int, users: dict[str, User]) -> int:
        now = timezone.now()
        consultant, auditor = users["consultant"], users["auditor"]
        enterprises = self._create(
            Enterprise,
            (
                Enterprise(
                    name=f"{ENTERPRISE_PREFIX}{number:05d}有限公司",
                    uscc=bench_uscc(number),
                    registered_address="浙江省杭州市西湖区文三路 100 号",
                    contact_person="王芳",
                    contact_mobile="13912345678",
                    service_hotline="400-800-1234",
                )
                for number in range(1, count + 1)
            ),
        )
        products = self._create(Product, (Product(enterprise=e, name="家用空调", model="KFR-35") for e in enterprises))
        statuses = [STATUS_CYCLE[number % len(STATUS_CYCLE)] for number in range(count)]
        applications = self._create(
            Application,
            (
                Application(
                    enterprise=enterprise,
                    reference=f"{PREFIX}{number + 1:05d}",
                    status=status,
                    consultant=consultant,
                    submitted_at=now if stage_index(status) >= SIGNED_FROM else None,
                    closed_at=now if status in Application.CLOSED_STATUSES else None,
                )
                for number, (enterprise, status) in enumerate(zip(enterprises, statuses, strict=True))
            ),
        )
        self._spread_start_dates(applications, now)
        self._create(
            Application.scope.through,
            (Application.scope.through(application=a, product=p) for a, p in zip(applications, products, strict=True)),
        )
        self._events(applications, consultant, now)
        self._evidence(applications, consultant)
        self._forms(applications, consultant)
        self._audits(applications, auditor, now)
        return len(applications)

    def _create(self, model: type[models.Model], objects: Iterable[models.Model]) -> list[Any]:
        created = model._default_manager.bulk_create(list(objects), batch_size=BATCH)
        self.stdout.write(f"  {len(created)} {model._meta.verbose_name_plural}")
        return created

    def _spread_start_dates(self, applications: Sequence[Application], now: datetime.datetime) -> None:
        """Started 0 to 59 days ago, so that every pace (on track, at risk, late) is well represented."""
        for days in range(60):
            ids = [application.pk for application in applications[days::60]]
            moment = now - datetime.timedelta(days=days, hours=1)
            Application.objects.filter(pk__in=ids).update(created_at=moment, status_changed_at=moment)
            for application in applications[days::60]:
                application.created_at = moment

    def _events(self, applications: Sequence[Application], consultant: User, now: datetime.datetime) -> None:
        def events() -> Iterable[ApplicationEvent]:
            for application in applications:
                yield ApplicationEvent(application=application, kind="created", created_at=application.created_at)
                path = [s for s in ORDER[1 : stage_index(application.status) + 1] if s not in DETOURS]
                if application.status in DETOURS:
                    path.append(application.status)
                for step, status in enumerate(path, start=1):
                    yield ApplicationEvent(
                        application=application,
                        kind="transition",
                        actor=consultant,
                        to_status=status,
                        created_at=min(now, application.created_at + datetime.timedelta(hours=6 * step)),
                    )

        self._create(ApplicationEvent, events())

    def _evidence(self, applications: Sequence[Application], consultant: User) -> None:
        items = list(EvidenceItem.objects.filter(active=True))
        requirements = self._create(
            EvidenceRequirement,
            (
                EvidenceRequirement(
                    application=application,
                    item=item,
                    copies_required=item.copies_required,
                    per_product=item.per_product,
                    review_status="accepted"
                    if stage_index(application.status) >= SIGNED_FROM
                    else "rejected"
                    if (application.pk + item.position) % 11 == 0
                    else "open",
                )
                for application in applications
                for item in items
            ),
        )
        statuses = {application.pk: stage_index(application.status) for application in applications}

        def files() -> Iterable[EvidenceFile]:
            for requirement in requirements:
                if requirement.item.kind != EvidenceItem.Kind.FILES:
                    continue
                stage = statuses[requirement.application_id]
                if stage <= 1 and requirement.item.position % 3:
                    continue  # early applications have uploaded a third of their evidence
                for copy in range(min(requirement.copies_required, 2)):
                    status = "accepted" if stage >= FORMS_FROM or copy else "pending"
                    yield EvidenceFile(
                        requirement=requirement,
                        file=f"evidence/bench/{requirement.pk}-{copy}.pdf",
                        original_name=f"{requirement.item.code}-{copy + 1}.pdf",
                        size=120_000,
                        sha256="0" * 64,
                        content_type="application/pdf",
                        family="pdf",
                        uploaded_by=consultant,
                        status=status,
                        thumbnail_status="none",
                    )

        self._create(EvidenceFile, files())

    def _forms(self, applications: Sequence[Application], consultant: User) -> None:
        with_forms = [a for a in applications if stage_index(a.status) >= FORMS_FROM]
        forms = self._create(
            ApplicationForm,
            (ApplicationForm(application=a, form_type=form_type) for a in with_forms for form_type in FormType.values),
        )
        stage = {application.pk: stage_index(application.status) for application in with_forms}
        unsigned = self._create(
            FormRendition,
            (
                FormRendition(form=form, version=1, status="ready", data_fingerprint="0" * 64, requested_by=consultant)
                for form in forms
            ),
        )
        self._create(
            FormRendition,
            (
                FormRendition(
                    form=rendition.form,
                    version=2,
                    kind="signed",
                    source=rendition,
                    status="ready",
                    data_fingerprint="0" * 64,
                    requested_by=consultant,
                )
                for rendition in unsigned
                if stage[rendition.form.application_id] >= SIGNED_FROM
            ),
        )

    def _audits(self, applications: Sequence[Application], auditor: User, now: datetime.datetime) -> None:
        audited = [a for a in applications if stage_index(a.status) >= AUDITS_FROM and a.status != Status.WITHDRAWN]
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())

        def rounds() -> Iterable[AuditRound]:
            for index, application in enumerate(audited):
                stage = stage_index(application.status)
                for number in (1, 2, 3):
                    done = stage > ORDER.index(Status.REMOTE_AUDIT) or (
                        stage == ORDER.index(Status.REMOTE_AUDIT) and number == 1
                    )
                    if done:
                        start = now - datetime.timedelta(days=30 - number * 5)
                    else:
                        day = monday + datetime.timedelta(days=(index + number) % 14)
                        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + number)))
                    yield AuditRound(
                        application=application,
                        number=number,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=2),
                        lead_auditor=auditor,
                        schedule_status="confirmed" if done or index % 2 else "proposed",
                        done_at=start + datetime.timedelta(hours=2) if done else None,
                    )

        self._create(AuditRound, rounds())
        version = ScoreSheetVersion.objects.current()
        if version is not None:
            self._create(ScoreSheet, (ScoreSheet(application=a, version=version) for a in audited))
        indicator = Indicator.objects.filter(parent__isnull=False).order_by("pk").first()
        if indicator is not None:
            self._create(
                Finding,
                (
                    Finding(
                        application=a,
                        number=1,
                        indicator=indicator,
                        grade="general",
                        description="基准测试发现项",
                        deadline=today + datetime.timedelta(days=14),
                        raised_by=auditor,
                        status="open" if a.status in (Status.REMOTE_AUDIT, Status.EVALUATION) else "closed",
                    )
                    for a in audited
                ),
            )
        certified = [a for a in audited if a.status == Status.CERTIFIED]
        self._create(
            Certificate,
            (
                Certificate(
                    number=f"{PREFIX}CERT-{index:05d}",
                    application=a,
                    enterprise_id=a.enterprise_id,
                    holder_name=f"{ENTERPRISE_PREFIX}",
                    holder_address="杭州",
                    holder_uscc=bench_uscc(index),
                    star_level=(5, 4, 3, 2)[index % 4],
                    score=900,
                    issued_on=today - datetime.timedelta(days=300),
                    expires_on=today + datetime.timedelta(days=795),
                    body_name="基准发证机构",
                    status=("valid", "valid", "valid", "suspended", "withdrawn")[index % 5],
                    surveillance_due_on=today + datetime.timedelta(days=index % 120 - 30),
                )
                for index, a in enumerate(certified, start=1)
            ),
        )

    # --- Reset ------------------------------------------------------------------------------------

    def _delete(self) -> None:
        """Leaf tables first, so each DELETE is one statement rather than a cascade walked in Python."""
        bench = Application.objects.filter(reference__startswith=PREFIX)
        ids = bench.values("pk")
        with transaction.atomic():
            Certificate.objects.filter(application__in=ids).delete()
            EvidenceFile.products.through.objects.filter(evidencefile__requirement__application__in=ids).delete()
            EvidenceFile.objects.filter(requirement__application__in=ids).delete()
            EvidenceRequirement.objects.filter(application__in=ids).delete()
            FormRendition.objects.filter(form__application__in=ids).exclude(kind="unsigned").delete()
            FormRendition.objects.filter(form__application__in=ids).delete()
            ApplicationForm.objects.filter(application__in=ids).delete()
            Finding.objects.filter(application__in=ids).delete()
            AuditRound.objects.filter(application__in=ids).delete()
            ScoreSheet.objects.filter(application__in=ids).delete()
            ApplicationEvent.objects.filter(application__in=ids).delete()
            Notification.objects.filter(application__in=ids).delete()
            User.objects.filter(username="bench-enterprise").delete()
            enterprises = list(bench.values_list("enterprise_id", flat=True))
            bench.delete()
            Product.objects.filter(enterprise_id__in=enterprises).delete()
            Enterprise.objects.filter(name__startswith=ENTERPRISE_PREFIX).delete()
