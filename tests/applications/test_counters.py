"""The counters kept on each application (applications/counters.py) equal a full recount from the
one definition after every kind of change the services make, in a table of operations applied in
turn to one application; the recount command and the data migration repair counters gone stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from applications import services
from applications.counters import COUNTERS, counter_expressions
from applications.models import (
    Application,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from applications.services.profile import enterprise_profile_save, profile_item_delete, profile_item_save
from tests.applications.evidence_samples import pdf_bytes, upload
from tests.factories import ProductFactory, ServiceManagerFactory

pytestmark = pytest.mark.django_db


def stored(application: Application) -> dict[str, int]:
    return dict(zip(COUNTERS, Application.objects.filter(pk=application.pk).values_list(*COUNTERS).get(), strict=True))


def recounted(application: Application) -> dict[str, int]:
    """The full recount, under names of its own (the counters have the field names)."""
    fresh = {f"fresh_{name}": expression for name, expression in counter_expressions().items()}
    values = Application.objects.filter(pk=application.pk).annotate(**fresh).values_list(*fresh).get()
    return dict(zip(COUNTERS, values, strict=True))


def requirement(application: Application, code: str) -> EvidenceRequirement:
    return application.evidence_requirements.select_related("item", "application").get(item__code=code)


def latest_file(application: Application, code: str) -> EvidenceFile:
    return EvidenceFile.objects.filter(requirement=requirement(application, code)).latest("pk")


class Steps:
    """The operations, each through the service a page calls, by the person who may make it."""

    def __init__(self, application: Application, enterprise_user: Any, consultant: Any) -> None:
        self.application, self.user, self.consultant = application, enterprise_user, consultant
        self.enterprise = application.enterprise

    def upload(self, code: str) -> None:
        services.evidence_upload(
            requirement=requirement(self.application, code), actor=self.user, upload=upload(f"{code}.pdf", pdf_bytes())
        )

    def accept_file(self, code: str) -> None:
        services.evidence_file_accept(evidence=latest_file(self.application, code), actor=self.consultant)

    def reject_file(self, code: str) -> None:
        services.evidence_file_reject(
            evidence=latest_file(self.application, code), actor=self.consultant, reason="模糊"
        )

    def replace(self, code: str) -> None:
        services.evidence_replace(
            evidence=latest_file(self.application, code), actor=self.user, upload=upload("new.pdf", pdf_bytes())
        )

    def withdraw(self, code: str) -> None:
        services.evidence_withdraw(evidence=latest_file(self.application, code), actor=self.user)

    def cover_one_product(self, code: str) -> None:
        evidence, first = latest_file(self.application, code), self.application.scope.order_by("pk")[:1]
        services.evidence_file_update(evidence=evidence, actor=self.user, products=first, note="", document_date=None)

    def answer(self, code: str) -> None:
        services.evidence_answer(requirement=requirement(self.application, code), actor=self.user, answer=True)

    def reject_item(self, code: str) -> None:
        services.evidence_requirement_reject(
            requirement=requirement(self.application, code), actor=self.consultant, reason="不完整"
        )

    def accept_item(self, code: str) -> None:
        services.evidence_requirement_accept(requirement=requirement(self.application, code), actor=self.consultant)

    def widen_scope(self) -> None:
        products: list[Product] = [*self.application.scope.all(), ProductFactory(enterprise=self.enterprise)]
        services.application_set_scope(application=self.application, actor=self.user, products=products)

    def clear_website(self) -> None:
        enterprise_profile_save(enterprise=self.enterprise, actor=self.user, changes={"website": ""})

    def fill_website(self) -> None:
        enterprise_profile_save(enterprise=self.enterprise, actor=self.user, changes={"website": "https://a.cn"})

    def more_staff(self) -> None:
        enterprise_profile_save(
            enterprise=self.enterprise, actor=self.user, changes={"headcount_service_management": 95}
        )

    def add_outlet(self) -> None:
        outlet = ServiceOutlet(enterprise=self.enterprise, name="服务中心", address="杭州", phone="0571-88886666")
        profile_item_save(item=outlet, actor=self.user)

    def remove_outlets(self) -> None:
        for outlet in ServiceOutlet.objects.filter(enterprise=self.enterprise):
            profile_item_delete(item=outlet, actor=self.user)

    def new_item(self) -> None:
        EvidenceItem.objects.create(code="99", position=99, title_zh="新增材料", title_en="New item")
        services.evidence_requirements_ensure(self.application)

    def add_a_manager(self) -> None:
        manager = ServiceManagerFactory.build(enterprise=self.enterprise, id_number=f"{self.enterprise.pk:06d}{7:012d}")
        profile_item_save(item=manager, actor=self.user)

    def remove_the_managers(self) -> None:
        for manager in ServiceManager.objects.filter(enterprise=self.enterprise):
            profile_item_delete(item=manager, actor=self.user)


OPERATIONS: list[tuple[str, Callable[[Steps], object]]] = [
    ("upload", lambda s: s.upload("1")),
    ("accept a file", lambda s: s.accept_file("1")),
    ("upload to a per-product item", lambda s: s.upload("2")),
    ("accept it", lambda s: s.accept_file("2")),
    ("widen the scope", lambda s: s.widen_scope()),
    ("upload again", lambda s: s.upload("3")),
    ("reject a file", lambda s: s.reject_file("3")),
    ("replace it", lambda s: s.replace("3")),
    ("withdraw the replacement", lambda s: s.withdraw("3")),
    ("upload, accept, cover one product", lambda s: (s.upload("6"), s.cover_one_product("6"), s.accept_file("6"))),
    ("answer the question", lambda s: s.answer("29")),
    ("send the item back", lambda s: s.reject_item("1")),
    ("accept a whole item", lambda s: s.accept_item("4")),
    ("upload and accept the whole item", lambda s: (s.upload("7"), s.accept_item("7"))),
    ("clear a contact field", lambda s: s.clear_website()),
    ("fill it in", lambda s: s.fill_website()),
    ("remove the outlets", lambda s: s.remove_outlets()),
    ("add an outlet", lambda s: s.add_outlet()),
    ("more service-management staff", lambda s: s.more_staff()),
    ("add a manager", lambda s: s.add_a_manager()),
    ("remove the managers", lambda s: s.remove_the_managers()),
    ("a new checklist item, ensured", lambda s: s.new_item()),
]


def test_counters_equal_a_full_recount_after_every_operation(evidence_application, enterprise_user, consultant):
    steps = Steps(evidence_application, enterprise_user, consultant)
    assert stored(evidence_application) == recounted(evidence_application)
    seen = [stored(evidence_application)]
    for label, operation in OPERATIONS:
        operation(steps)
        assert stored(evidence_application) == recounted(evidence_application), label
        seen.append(stored(evidence_application))
    # The table moves every counter (it is not one figure throughout).
    for name in COUNTERS:
        assert len({counts[name] for counts in seen}) >= 2, name
    assert seen[0]["evidence_required"] == 30


def test_a_change_of_the_basic_information_counts_every_application_of_the_enterprise(
    evidence_application, enterprise_user
):
    closed = Application.objects.create(
        enterprise=evidence_application.enterprise, reference="SA-2025-00001", status=Application.Status.CERTIFIED
    )
    services.evidence_requirements_ensure(closed)
    figures = set()
    for website in ("", "https://a.cn"):
        enterprise_profile_save(enterprise=closed.enterprise, actor=enterprise_user, changes={"website": website})
        assert stored(closed) == recounted(closed)
        assert stored(evidence_application) == recounted(evidence_application)
        figures.add(stored(closed)["evidence_accepted"])
    assert len(figures) == 2


def test_the_recount_command_repairs_stale_counters(evidence_application):
    Application.objects.filter(pk=evidence_application.pk).update(
        evidence_required=99, evidence_accepted=98, files_awaiting_review=97
    )
    call_command("recount_application_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored(evidence_application) == recounted(evidence_application)
    assert stored(evidence_application)["evidence_required"] == 30
