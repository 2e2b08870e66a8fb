"""The enterprise's basic information and its three lists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import Enterprise, Product, ServiceManager, ServiceOutlet
from applications.profile import manager_shortfall, profile_problems
from tests.conftest import client_for, put_in_status
from tests.factories import VALID_ID_FEMALE, VALID_ID_MALE, ProductFactory, ServiceManagerFactory, complete_profile

pytestmark = pytest.mark.django_db

PARTIAL = {"name": "测试企业甲有限公司", "uscc": "9135 0100 m000 100y43", "contact_person": "王芳"}


def edit_url(enterprise: Enterprise) -> str:
    return reverse("applications:enterprise_edit", args=[enterprise.pk])


def test_partial_profile_is_saved_and_the_rest_is_listed(enterprise_user) -> None:
    client = client_for(enterprise_user)
    response = client.post(edit_url(enterprise_user.enterprise), PARTIAL, follow=True)
    enterprise = Enterprise.objects.get(pk=enterprise_user.enterprise.pk)
    assert enterprise.uscc == "91350100M000100Y43", "the code is stored normalised"
    assert enterprise.contact_person == "王芳"
    page = response.content.decode()
    assert "已保存。还需填写" in page
    assert "法定代表人" in page


def test_bad_uscc_is_refused_next_to_the_field_and_nothing_is_lost(enterprise_user) -> None:
    client = client_for(enterprise_user)
    response = client.post(edit_url(enterprise_user.enterprise), {**PARTIAL, "uscc": "91350100M000100Y4Z"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error_1_id_uscc"' in page
    assert "请对照营业执照" in page or "逐位核对" in page
    assert 'value="王芳"' in page, "the other fields keep what was typed"
    assert 'value="91350100M000100Y4Z"' in page
    assert Enterprise.objects.get(pk=enterprise_user.enterprise.pk).contact_person == ""


def test_bad_mobile_phone_and_website_are_refused(enterprise_user) -> None:
    data = {**PARTIAL, "contact_mobile": "123", "service_hotline": "hotline!", "website": "not a url"}
    page = client_for(enterprise_user).post(edit_url(enterprise_user.enterprise), data).content.decode()
    for field in ["contact_mobile", "service_hotline", "website"]:
        assert f'id="error_1_id_{field}"' in page, field


def test_website_without_scheme_is_not_blocked_by_the_browser_and_saved_with_https(enterprise_user) -> None:
    client = client_for(enterprise_user)
    page = client.get(edit_url(enterprise_user.enterprise)).content.decode()
    assert re.search(r"<form[^>]*novalidate", page), "the portal's messages, not the browser's, report bad fields"
    client.post(edit_url(enterprise_user.enterprise), {**PARTIAL, "website": "www.example.cn"})
    assert Enterprise.objects.get(pk=enterprise_user.enterprise.pk).website == "https://www.example.cn"


def test_uscc_of_another_enterprise_is_refused(enterprise_user, other_enterprise_user) -> None:
    complete_profile(other_enterprise_user.enterprise)
    taken = other_enterprise_user.enterprise.uscc
    page = client_for(enterprise_user).post(edit_url(enterprise_user.enterprise), {**PARTIAL, "uscc": taken})
    assert "已被另一家企业登记" in page.content.decode()


def test_future_founding_date_is_refused(enterprise_user) -> None:
    page = client_for(enterprise_user).post(
        edit_url(enterprise_user.enterprise), {**PARTIAL, "founded_on": "2999-01-01"}
    )
    assert 'id="error_1_id_founded_on"' in page.content.decode()


def test_complete_profile_has_no_problems(enterprise_user) -> None:
    enterprise = complete_profile(enterprise_user.enterprise)
    assert [str(problem) for problem in profile_problems(enterprise)] == ["至少一个产品"]
    ProductFactory(enterprise=enterprise)
    assert profile_problems(enterprise) == []


def test_products_outlets_and_managers_are_added(enterprise_user) -> None:
    enterprise = enterprise_user.enterprise
    client = client_for(enterprise_user)
    add = lambda kind, data: client.post(  # noqa: E731
        reverse("applications:profile_item_add", args=[enterprise.pk, kind]), data
    )
    assert add("products", {"name": "空气净化器", "model": "A300"}).status_code == 302
    assert (
        add("outlets", {"name": "杭州网点", "kind": "own", "address": "杭州市", "phone": "0571-88886666"}).status_code
        == 302
    )
    manager = {
        "name": "陈晓红", "gender": "female", "id_number": VALID_ID_FEMALE.lower(), "mobile": "139 1234 5678",
        "department": "售后部", "post": "主管", "certificate_name": "售后服务管理师", "certificate_number": "SM-1",
        "certificate_issuer": "中国商业联合会", "certificate_issued_on": "2023-05-01",
    }  # fmt: skip
    assert add("managers", manager).status_code == 302
    assert Product.objects.get(enterprise=enterprise).name == "空气净化器"
    assert ServiceOutlet.objects.get(enterprise=enterprise).phone == "0571-88886666"
    stored = ServiceManager.objects.get(enterprise=enterprise)
    assert (stored.id_number, stored.mobile) == (VALID_ID_FEMALE, "13912345678")


def test_manager_with_wrong_gender_for_the_id_number_is_refused(enterprise_user) -> None:
    url = reverse("applications:profile_item_add", args=[enterprise_user.enterprise.pk, "managers"])
    data = {
        "name": "李建国", "gender": "female", "id_number": VALID_ID_MALE, "mobile": "13912345678",
        "department": "售后部", "post": "经理", "certificate_name": "售后服务管理师", "certificate_number": "SM-2",
        "certificate_issuer": "中国商业联合会", "certificate_issued_on": "2023-05-01",
    }  # fmt: skip
    page = client_for(enterprise_user).post(url, data).content.decode()
    assert 'id="error_1_id_gender"' in page
    assert "该身份证号码对应的性别为男" in page
    assert 'value="李建国"' in page
    assert not ServiceManager.objects.exists()


def test_manager_with_invalid_id_number_is_refused(enterprise_user) -> None:
    url = reverse("applications:profile_item_add", args=[enterprise_user.enterprise.pk, "managers"])
    page = client_for(enterprise_user).post(url, {"name": "李建国", "id_number": "110105194912310021"}).content.decode()
    assert 'id="error_1_id_id_number"' in page
    assert "校验不通过" in page


def test_duplicate_product_is_refused_with_a_message(enterprise_user) -> None:
    enterprise = enterprise_user.enterprise
    ProductFactory(enterprise=enterprise, name="空气净化器", model="A300")
    url = reverse("applications:profile_item_add", args=[enterprise.pk, "products"])
    page = client_for(enterprise_user).post(url, {"name": "空气净化器", "model": "A300"}).content.decode()
    assert "已在列表中" in page
    assert Product.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.parametrize(("staff", "required"), [(0, 0), (1, 1), (10, 1), (11, 2), (29, 3), (30, 3), (31, 4), (70, 7)])
def test_one_manager_per_ten_staff_in_whole_numbers(staff: int, required: int) -> None:
    """Ten per cent, rounded up, in whole numbers: 30 × 0.1 in floating point would ask for 4."""
    assert Enterprise(headcount_service_management=staff).managers_required == required


def test_manager_ratio_warning_until_fixed(enterprise_user) -> None:
    enterprise = complete_profile(enterprise_user.enterprise)
    enterprise.headcount_service_management = 15
    enterprise.save()
    assert enterprise.managers_required == 2
    ServiceManagerFactory(enterprise=enterprise)
    assert manager_shortfall(enterprise) == 1
    page = client_for(enterprise_user).get(reverse("applications:enterprise", args=[enterprise.pk])).content.decode()
    assert 'id="manager-warning"' in page
    ServiceManagerFactory(enterprise=enterprise, id_number=VALID_ID_FEMALE, gender="female")
    assert manager_shortfall(enterprise) == 0
    page = client_for(enterprise_user).get(reverse("applications:enterprise", args=[enterprise.pk])).content.decode()
    assert 'id="manager-warning"' not in page


def test_manager_ratio_warning_on_the_application(application, enterprise_user) -> None:
    page = client_for(enterprise_user).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="manager-warning"' in page, "10 service-management staff need 1 manager; there is none"


def test_id_numbers_in_full_for_members_and_consultant_masked_for_others(
    application, enterprise_user, consultant, auditor
) -> None:
    ServiceManagerFactory(enterprise=application.enterprise)
    url = reverse("applications:enterprise", args=[application.enterprise.pk])
    for user in (enterprise_user, consultant):
        page = client_for(user).get(url).content.decode()
        assert VALID_ID_MALE in page, user
    put_in_status(application, "submitted")
    page = client_for(auditor).get(url).content.decode()
    assert VALID_ID_MALE not in page
    assert "440524********0014" in page


def test_product_in_a_submitted_scope_cannot_be_removed(application, enterprise_user) -> None:
    product = application.scope.get()
    put_in_status(application, "submitted")
    url = reverse("applications:profile_item_delete", args=[application.enterprise.pk, "products", product.pk])
    response = client_for(enterprise_user).post(url, follow=True)
    assert Product.objects.filter(pk=product.pk).exists()
    assert "已提交发证机构" in response.content.decode()


def test_unknown_list_kind_is_not_found(enterprise_user) -> None:
    url = reverse("applications:profile_item_add", args=[enterprise_user.enterprise.pk, "secrets"])
    assert client_for(enterprise_user).get(url).status_code == 404


def test_negative_registered_capital_is_refused_next_to_the_field(enterprise_user) -> None:
    page = client_for(enterprise_user).post(
        edit_url(enterprise_user.enterprise), {**PARTIAL, "registered_capital": "-500"}
    )
    assert 'id="error_1_id_registered_capital"' in page.content.decode()
    assert Enterprise.objects.get(pk=enterprise_user.enterprise.pk).registered_capital is None
