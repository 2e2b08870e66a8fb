"""The enterprise's basic information (企业基本信息表) and its three lists: products, service outlets
and after-sales service managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certportal.models import TimeStampedModel

if TYPE_CHECKING:
    from certportal.accounts.models import User

# Clause 5.1.2.2: managers number at least 10% of the service-management staff (whole numbers only:
# 30 staff need 3 managers, never the 4 that float arithmetic's 30 × 0.1 = 3.0000000000000004 gives).
MANAGER_PERCENT_REQUIRED = 10


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: User) -> EnterpriseQuerySet:
        """Members see their own; consultants the enterprises they serve; body staff those that
        have submitted an application."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.is_enterprise_user:
            return self.filter(pk=user.enterprise_id)
        if user.is_consultant:
            return self.filter(applications__consultant=user).distinct()
        if user.is_body_staff:
            return self.filter(applications__submitted_at__isnull=False).distinct()
        return self.none()


class Enterprise(TimeStampedModel):
    """An applying company (申请企业)."""

    class Kind(models.TextChoices):
        MANUFACTURER = "manufacturer", _("Manufacturer")
        SELLER = "seller", _("Seller")
        SERVICE = "service", _("Service provider")
        MANUFACTURER_SELLER = "manufacturer_seller", _("Manufacturer and seller")

    name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    service_address = models.CharField(_("service address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kind = models.CharField(_("enterprise type"), max_length=30, choices=Kind.choices, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=11, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    service_hotline = models.CharField(_("after-sales hotline"), max_length=30, blank=True)
    headcount_total = models.PositiveIntegerField(_("total staff"), null=True, blank=True)
    headcount_after_sales = models.PositiveIntegerField(_("after-sales staff"), null=True, blank=True)
    headcount_service_management = models.PositiveIntegerField(_("service-management staff"), null=True, blank=True)
    sales_regions = models.TextField(_("sales regions"), blank=True)
    sales_methods = models.TextField(_("sales methods"), blank=True)
    certifications_held = models.TextField(_("certifications held"), blank=True)
    after_sales_since = models.PositiveSmallIntegerField(
        _("after-sales system in place since (year)"), null=True, blank=True
    )
    has_after_sales_department = models.BooleanField(_("dedicated after-sales department"), null=True)
    has_qualified_staff = models.BooleanField(_("qualified after-sales staff"), null=True)
    has_fixed_premises = models.BooleanField(_("fixed service premises"), null=True)
    has_electronic_management = models.BooleanField(_("electronic service management"), null=True)
    keeps_service_records = models.BooleanField(_("service records kept"), null=True)
    # The company seal (公章) as a transparent PNG, placed on the forms the enterprise signs.
    seal = models.FileField(_("company seal"), max_length=300, blank=True)
    seal_updated_at = models.DateTimeField(_("seal uploaded"), null=True, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="unique_uscc_when_given"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def managers_required(self) -> int:
        """How many 售后服务管理师 clause 5.1.2.2 asks for (10% of service-management staff)."""
        if not self.headcount_service_management:
            return 0
        return -(-self.headcount_service_management * MANAGER_PERCENT_REQUIRED // 100)


class Product(TimeStampedModel):
    """A product the enterprise sells and services: a candidate for an application's scope."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("product name"), max_length=200)
    model = models.CharField(_("model / category"), max_length=200, blank=True)
    description = models.TextField(_("brief description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name", "model"], name="unique_product_per_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.model}）" if self.model else self.name


class ServiceOutlet(TimeStampedModel):
    """An after-sales service outlet (售后服务网点), run by the enterprise or a contracted partner."""

    class Kind(models.TextChoices):
        OWN = "own", _("Own")
        CONTRACTED = "contracted", _("Contracted")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="outlets"
    )
    name = models.CharField(_("outlet name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("telephone"), max_length=30)
    kind = models.CharField(_("own or contracted"), max_length=20, choices=Kind.choices, default=Kind.OWN)
    contact = models.CharField(_("contact person"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("service outlet")
        verbose_name_plural = _("service outlets")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ServiceManager(TimeStampedModel):
    """An after-sales service manager (售后服务管理师). The ID number is personal data: shown masked
    to everyone but the enterprise's own users and its assigned consultant."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="managers"
    )
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    mobile = models.CharField(_("mobile"), max_length=11)
    department = models.CharField(_("department"), max_length=100)
    post = models.CharField(_("post"), max_length=100)
    certificate_name = models.CharField(_("certificate name and level"), max_length=200)
    certificate_number = models.CharField(_("certificate number"), max_length=100)
    certificate_issuer = models.CharField(_("issued by"), max_length=200)
    certificate_issued_on = models.DateField(_("issue date"))

    class Meta:
        verbose_name = _("after-sales service manager")
        verbose_name_plural = _("after-sales service managers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "id_number"], name="unique_manager_per_enterprise"),
        ]

    def __str__(self) -> str:
        return self.name
