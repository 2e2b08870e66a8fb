"""Factories for test data. Every user's password is PASSWORD."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from applications.demo import demo_uscc
from applications.models import Application, Enterprise, Product, ServiceManager
from certportal.accounts.models import User

PASSWORD = "a-Long-test-passw0rd"


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.CONSULTANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class EnterpriseUserFactory(UserFactory):
    role = User.Role.ENTERPRISE
    enterprise = factory.SubFactory(EnterpriseFactory)


# --- Enterprises with complete basic information, and their applications -------------------------

VALID_USCC = "91350100M000100Y43"
VALID_ID_MALE = "440524188001010014"
VALID_ID_FEMALE = "11010519491231002X"


def complete_profile(enterprise: Enterprise, *, seed: int = 1) -> Enterprise:
    """Fill every required field of the basic information with valid data."""
    values = {
        "uscc": demo_uscc(seed + 100),
        "registered_address": "浙江省杭州市西湖区文三路 100 号",
        "service_address": "浙江省杭州市西湖区文三路 100 号",
        "legal_representative": "张伟",
        "founded_on": datetime.date(2010, 5, 20),
        "registered_capital": 5000,
        "kind": Enterprise.Kind.MANUFACTURER,
        "contact_person": "王芳",
        "contact_mobile": "13912345678",
        "email": "service@example.cn",
        "service_hotline": "400-800-1234",
        "headcount_total": 200,
        "headcount_after_sales": 30,
        "headcount_service_management": 10,
        "sales_regions": "全国",
        "sales_methods": "直销",
        "after_sales_since": 2012,
        "has_after_sales_department": True,
        "has_qualified_staff": True,
        "has_fixed_premises": True,
        "has_electronic_management": False,
        "keeps_service_records": True,
    }
    for name, value in values.items():
        setattr(enterprise, name, value)
    enterprise.save()
    return enterprise


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"产品{n}")
    model = factory.Sequence(lambda n: f"M-{n}")


class ServiceManagerFactory(DjangoModelFactory):
    class Meta:
        model = ServiceManager

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "李建国"
    gender = "male"
    id_number = VALID_ID_MALE
    mobile = "13800001111"
    department = "售后服务部"
    post = "经理"
    certificate_name = "售后服务管理师（高级）"
    certificate_number = factory.Sequence(lambda n: f"SM-{n}")
    certificate_issuer = "中国商业联合会"
    certificate_issued_on = datetime.date(2022, 3, 1)


class ApplicationFactory(DjangoModelFactory):
    """An application of an enterprise with complete basic information and one product in scope."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    enterprise = factory.LazyFunction(lambda: complete_profile(EnterpriseFactory()))
    reference = factory.Sequence(lambda n: f"SA-2026-{n + 90000:05d}")

    @factory.post_generation
    def products(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        products = extracted or [ProductFactory(enterprise=self.enterprise)]
        self.scope.set(products)

    @factory.post_generation
    def evidence_requirements(self, create: bool, extracted: object, **kwargs: object) -> None:
        """What application_create does: the application's own copy of the checklist."""
        if create:
            from applications.services.evidence import evidence_requirements_ensure

            evidence_requirements_ensure(self)


# --- Evidence ------------------------------------------------------------------------------------


def load_evidence_checklist() -> None:
    """The checklist comes from a data migration; a transactional test's flush empties the table."""
    from importlib import import_module

    from django.apps import apps

    from applications.models import EvidenceItem

    if not EvidenceItem.objects.exists():
        import_module("applications.migrations.0004_evidence_checklist_data").load(apps, None)
    if not EvidenceItem.objects.filter(phase=EvidenceItem.Phase.SURVEILLANCE).exists():
        import_module("applications.migrations.0013_surveillance_checklist_data").load(apps, None)


def complete_evidence(application: Application) -> None:
    """Test set-up: every evidence item complete (accepted files recorded directly, the profile's
    website, an outlet and enough managers), as the workflow's submission precondition needs."""
    from applications.models import EvidenceFile, EvidenceItem, EvidenceRequirement, ServiceOutlet
    from applications.services.evidence import evidence_requirements_ensure

    load_evidence_checklist()
    evidence_requirements_ensure(application)
    enterprise = application.enterprise
    if not enterprise.website:
        enterprise.website = "https://www.example.cn"
        enterprise.save(update_fields=["website"])
    if not enterprise.outlets.exists():
        ServiceOutlet.objects.create(enterprise=enterprise, name="总部服务中心", address="杭州", phone="0571-88886666")
    for index in range(max(1, enterprise.managers_required) - enterprise.managers.count()):
        ServiceManagerFactory(enterprise=enterprise, id_number=f"{enterprise.pk:06d}{index:012d}")
    actor = application.consultant or UserFactory()
    scope = list(application.scope.all())
    for requirement in EvidenceRequirement.objects.filter(application=application).select_related("item"):
        if requirement.item.kind == EvidenceItem.Kind.YES_NO:
            requirement.answer = True
        requirement.review_status = EvidenceRequirement.ReviewStatus.OPEN
        requirement.save(update_fields=["answer", "review_status"])
        missing = requirement.copies_required - requirement.files.filter(is_current=True, status="accepted").count()
        for number in range(max(0, missing)):
            evidence = EvidenceFile.objects.create(
                requirement=requirement,
                file=f"evidence/{application.pk}/set-up-{requirement.pk}-{number}.pdf",
                original_name=f"{requirement.item.code}-{number}.pdf",
                size=1,
                sha256="0" * 64,
                content_type="application/pdf",
                family="pdf",
                uploaded_by=actor,
                status=EvidenceFile.Status.ACCEPTED,
                thumbnail_status=EvidenceFile.ThumbnailStatus.NONE,
            )
            evidence.products.set(scope)
    recount(application)


def recount(application: Application) -> None:
    """After a test's set-up wrote evidence or profile rows directly, past the services that keep
    the application's counters: count them again, as `recount_application_counters` would."""
    from applications.counters import counters_recount

    counters_recount(Application.objects.filter(pk=application.pk))


def forms_ready(application: Application, *, signed: bool = True) -> None:
    """Test set-up: the six forms generated with the current data (and signed), as rows only,
    without rendering any PDF. For tests of what comes after the forms."""
    from applications.models import FormRendition
    from applications.services.forms import application_forms_ensure, forms_overview

    application_forms_ensure(application=application)
    for state in forms_overview(application):
        unsigned = FormRendition.objects.create(
            form=state.form, version=len(state.renditions) + 1, status=FormRendition.Status.READY,
            data_fingerprint=state.fingerprint, sha256="0" * 64, requested_by=application.consultant,
        )  # fmt: skip
        if signed:
            FormRendition.objects.create(
                form=state.form, version=unsigned.version + 1, kind=FormRendition.Kind.SIGNED, source=unsigned,
                status=FormRendition.Status.READY, data_fingerprint=state.fingerprint, sha256="1" * 64,
                requested_by=application.consultant,
            )  # fmt: skip


def seal_photo(*, size: int = 400, background: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    """A red round seal stamped on (white) paper, as a JPEG photo of it would be."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size + 200, size + 100), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 50, 100 + size, 50 + size), outline=(200, 20, 30), width=size // 25)
    draw.regular_polygon((100 + size / 2, 50 + size / 2, size / 6), 5, fill=(200, 20, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def signature_drawing() -> bytes:
    """A signature drawn on a transparent canvas, as the browser's signature pad sends it."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(60, 150), (200, 40), (300, 160), (480, 60)], fill=(20, 20, 60, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


CONTRACT_FEES = {"application_fee": "3000", "audit_fee": "18000", "certificate_fee": "2000", "surveillance_fee": "9000"}


def forms_prepared(application: Application) -> Application:
    """Test set-up: the application at form preparation, with a manager, an outlet and the
    consultant's fees filled in, so that all six forms can be generated."""

    from applications.models import ApplicationForm, ServiceOutlet
    from applications.services.forms import application_forms_ensure

    enterprise = application.enterprise
    if not enterprise.managers.exists():
        ServiceManagerFactory(enterprise=enterprise, name="李建国", id_number=VALID_ID_MALE)
    if not enterprise.outlets.exists():
        ServiceOutlet.objects.create(
            enterprise=enterprise, name="杭州服务中心", address="杭州市西湖区文三路 100 号", phone="0571-88886666"
        )
    Application.objects.filter(pk=application.pk).update(status="forms_preparation")
    application.refresh_from_db()
    application_forms_ensure(application=application)
    ApplicationForm.objects.filter(application=application, form_type="contract").update(data=CONTRACT_FEES)
    return application
