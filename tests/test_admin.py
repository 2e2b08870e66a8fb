"""The admin: pickers list only what belongs to the object, staff accounts are made with a form that
explains each role, every label is translated, the outgoing e-mails show their recipients."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from applications.models import EvidenceFile, PaperShipment
from certportal.accounts.models import User
from certportal.models import OutgoingEmail
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    ProductFactory,
    UserFactory,
    complete_profile,
)

pytestmark = pytest.mark.django_db


class OptionsParser(HTMLParser):
    """The option values of one <select name=…> on a page."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside = name, False
        self.values: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "select":
            self.inside = attributes.get("name") == self.name
        elif tag == "option" and self.inside and attributes.get("value"):
            self.values.add(attributes["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False


def options(page: str, name: str) -> set[str]:
    parser = OptionsParser(name)
    parser.feed(page)
    return parser.values


def test_an_applications_scope_lists_only_its_enterprises_products(superuser) -> None:
    application = ApplicationFactory()
    second = ProductFactory(enterprise=application.enterprise)
    other = ProductFactory()
    page = client_for(superuser).get(reverse("admin:applications_application_change", args=[application.pk]))
    assert page.status_code == 200
    listed = options(page.content.decode(), "scope")
    assert listed == {str(product.pk) for product in application.enterprise.products.all()}
    assert str(second.pk) in listed and str(other.pk) not in listed


def test_the_consultant_picker_lists_consultants_only(superuser) -> None:
    application = ApplicationFactory()
    consultant = UserFactory(role=User.Role.CONSULTANT)
    auditor = UserFactory(role=User.Role.AUDITOR)
    page = client_for(superuser).get(reverse("admin:applications_application_change", args=[application.pk]))
    listed = options(page.content.decode(), "consultant")
    assert str(consultant.pk) in listed
    assert str(auditor.pk) not in listed and str(superuser.pk) not in listed


def test_another_enterprises_product_cannot_be_put_in_the_scope(superuser) -> None:
    application = ApplicationFactory()
    other = ProductFactory()
    url = reverse("admin:applications_application_change", args=[application.pk])
    data = {
        "enterprise": application.enterprise_id,
        "kind": application.kind,
        "scope": [other.pk],
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    response = client_for(superuser).post(url, data)
    assert response.status_code == 200
    assert "scope" in response.context["adminform"].form.errors
    assert other not in application.scope.all()


def test_an_evidence_files_pickers_list_its_own_applications_rows(superuser, evidence_items) -> None:
    application = ApplicationFactory()
    member = EnterpriseUserFactory(enterprise=application.enterprise)
    stranger = EnterpriseUserFactory()
    requirement = application.evidence_requirements.first()
    evidence = EvidenceFile.objects.create(
        requirement=requirement, file="evidence/x.pdf", original_name="x.pdf", size=1, sha256="0" * 64,
        content_type="application/pdf", family="pdf", uploaded_by=member,
    )  # fmt: skip
    elsewhere = ApplicationFactory(enterprise=complete_profile(EnterpriseFactory(), seed=2))
    page = client_for(superuser).get(reverse("admin:applications_evidencefile_change", args=[evidence.pk]))
    text = page.content.decode()
    assert options(text, "products") == {str(product.pk) for product in application.scope.all()}
    assert not options(text, "products") & {str(product.pk) for product in elsewhere.scope.all()}
    assert str(member.pk) in options(text, "uploaded_by")
    assert str(stranger.pk) not in options(text, "uploaded_by")


def test_a_shipment_is_recorded_by_the_applications_people(superuser) -> None:
    application = ApplicationFactory()
    member = EnterpriseUserFactory(enterprise=application.enterprise)
    stranger = EnterpriseUserFactory()
    shipment = PaperShipment.objects.create(
        application=application, courier="顺丰", tracking_number="SF1", sent_on="2026-01-05", recorded_by=member
    )
    page = client_for(superuser).get(reverse("admin:applications_papershipment_change", args=[shipment.pk]))
    listed = options(page.content.decode(), "recorded_by")
    assert str(member.pk) in listed and str(stranger.pk) not in listed


# --- Staff accounts ------------------------------------------------------------------------------

USER_ADD = reverse("admin:accounts_user_add")


def new_account(**fields: object) -> dict[str, object]:
    return {"username": "zhao", "full_name": "赵审核", "email": "zhao@example.com", "language": "zh-hans",
            "password1": PASSWORD, "password2": PASSWORD, **fields}  # fmt: skip


def test_the_staff_form_explains_each_role_and_admin_access_in_chinese(superuser) -> None:
    page = client_for(superuser).get(USER_ADD).content.decode()
    for text in ["审核员（发证机构人员）", "认证决定人员（发证机构人员）", "咨询老师：", "企业用户：", "后台访问"]:
        assert text in page, text
    assert "远程审核" in page and "只供管理门户的人员" in page


def test_the_staff_form_explains_the_roles_in_english(superuser) -> None:
    client = client_for(superuser)
    client.cookies["certportal_language"] = "en"
    page = client.get(USER_ADD).content.decode()
    assert "Auditor (certification-body staff)" in page
    assert "give it only to the people who administer the portal" in page


def test_the_staff_form_creates_an_auditor_with_admin_access(superuser) -> None:
    response = client_for(superuser).post(USER_ADD, new_account(role="auditor", is_staff="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="zhao")
    assert (user.role, user.enterprise, user.is_staff, user.is_superuser) == ("auditor", None, True, False)
    assert user.check_password(PASSWORD)


def test_the_staff_form_creates_an_enterprise_user_of_the_chosen_enterprise(superuser) -> None:
    enterprise = EnterpriseFactory()
    response = client_for(superuser).post(USER_ADD, new_account(role="enterprise", enterprise=enterprise.pk))
    assert response.status_code == 302
    user = User.objects.get(username="zhao")
    assert (user.role, user.enterprise, user.is_staff) == ("enterprise", enterprise, False)


@pytest.mark.parametrize(("role", "with_enterprise"), [("enterprise", False), ("certifier", True), ("", True)])
def test_the_staff_form_ties_only_enterprise_users_to_an_enterprise(superuser, role, with_enterprise) -> None:
    fields = {"role": role, "enterprise": EnterpriseFactory().pk} if with_enterprise else {"role": role}
    response = client_for(superuser).post(USER_ADD, new_account(**fields))
    assert response.status_code == 200
    assert "enterprise" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="zhao").exists()


# --- Every label in Chinese ----------------------------------------------------------------------

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Codes that read the same in both languages.
SAME_IN_BOTH = {"ID", "SHA-256", "HTML", "PDF"}


def untranslated(labels: list[str]) -> list[str]:
    return [label for label in labels if not CHINESE.search(label) and label not in SAME_IN_BOTH]


def page_labels(response: Any) -> list[str]:
    """What the admin page names: its model, columns, filters, fieldsets, fields and inlines."""
    context = response.context
    labels: list[str] = []
    if "cl" in context:
        changelist = context["cl"]
        labels.append(str(changelist.opts.verbose_name_plural))
        labels += [str(header["text"]) for header in result_headers(changelist)]
        labels += [str(spec.title) for spec in changelist.filter_specs]
    if "adminform" in context:
        for fieldset in context["adminform"]:
            labels += [str(fieldset.name)] if fieldset.name else []
            labels += [str(field.field["label"] if field.is_readonly else field.field.label)
                       for line in fieldset for field in line]  # fmt: skip
        for inline in context["inline_admin_formsets"]:
            labels.append(str(inline.opts.verbose_name_plural))
            labels += [str(field["label"]) for field in inline.fields()]
    return labels


def admin_pages(request: Any) -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"admin:{info}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{info}_add"))
    return urls


def test_every_admin_list_and_add_page_is_in_chinese(superuser) -> None:
    client = client_for(superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    index = client.get(reverse("admin:index"))
    problems = [f"/admin/: {name}" for name in untranslated([str(app["name"]) for app in index.context["app_list"]])]
    urls = admin_pages(request)
    assert len(urls) > 40
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans"' in response.content.decode()
        problems += [f"{url}: {label}" for label in untranslated(page_labels(response))]
    assert problems == []


def test_every_field_the_admin_shows_has_a_chinese_name(superuser) -> None:
    """Change pages show every field: each model of the admin and of its inlines has translated names."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    models = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        models |= {inline.model for inline in model_admin.get_inline_instances(request)}
    problems = []
    with translation.override("zh-hans"):
        for model in models:
            names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            names += [str(field.verbose_name) for field in model._meta.get_fields() if hasattr(field, "verbose_name")]
            problems += [f"{model._meta.label}: {name}" for name in untranslated(names)]
    assert problems == []


def test_the_admin_is_in_english_for_an_english_user(superuser) -> None:
    client = client_for(superuser)
    client.cookies["certportal_language"] = "en"
    page = client.get(reverse("admin:applications_application_changelist"))
    assert '<html lang="en"' in page.content.decode()
    labels = page_labels(page)
    assert "applications" in labels and not [label for label in labels if CHINESE.search(label)]


# --- Outgoing e-mails ----------------------------------------------------------------------------


def test_the_outgoing_email_list_shows_and_finds_the_recipients(superuser) -> None:
    OutgoingEmail.objects.create(to=["wang@example.com", "li@example.com"], subject="申请已提交", body_text="…")
    OutgoingEmail.objects.create(to=["zhao@example.com"], subject="审核安排", body_text="…")
    client = client_for(superuser)
    url = reverse("admin:certportal_outgoingemail_changelist")
    page = client.get(url).content.decode()
    assert "收件人" in page
    assert "wang@example.com, li@example.com" in page and "zhao@example.com" in page
    found = client.get(url, {"q": "zhao@"}).content.decode()
    assert "审核安排" in found and "申请已提交" not in found


def test_outgoing_emails_are_not_added_by_hand(superuser) -> None:
    assert client_for(superuser).get(reverse("admin:certportal_outgoingemail_add")).status_code == 403
