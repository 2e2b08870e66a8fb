"""The checklist: its definition as data, each application's requirements, completeness (copies,
per-product coverage, profile data, the yes/no item), the checklist page and its query count, and
the workflow preconditions that use it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services, workflow
from applications.checklist import checklist_for
from applications.models import Application, EvidenceFile, EvidenceItem, EvidenceRequirement, ServiceOutlet
from applications.services.evidence import evidence_requirements_ensure
from tests.applications.evidence_samples import pdf_bytes, upload
from tests.conftest import client_for, put_in_status
from tests.factories import (
    ApplicationFactory,
    EnterpriseUserFactory,
    ProductFactory,
    ServiceManagerFactory,
    complete_evidence,
    complete_profile,
    forms_ready,
)

pytestmark = pytest.mark.django_db

Status = Application.Status

# The domain table (README §4): number -> (copies, per product, kind).
DOMAIN_TABLE = {
    "0": (1, False, "files"), "1": (1, False, "files"), "2": (1, True, "files"), "3": (1, False, "files"),
    "4": (1, False, "files"), "5": (2, False, "files"), "6": (1, True, "files"), "7": (1, False, "files"),
    "8": (5, False, "files"), "9": (1, False, "files"), "10": (1, False, "files"), "11": (1, False, "files"),
    "12": (1, False, "files"), "13": (4, True, "files"), "14": (3, True, "files"), "15": (4, False, "files"),
    "16": (4, False, "files"), "17": (4, False, "files"), "18": (4, False, "files"), "19": (4, False, "files"),
    "20": (5, False, "files"), "21": (1, False, "files"), "22": (4, False, "files"), "23": (4, False, "files"),
    "24": (4, False, "files"), "25": (0, False, "profile_data"), "26": (0, False, "structured_list"),
    "27": (0, False, "structured_list"), "28": (1, True, "files"), "29": (0, False, "yes_no"),
}  # fmt: skip


def requirement_of(application, code: str) -> EvidenceRequirement:
    return application.evidence_requirements.select_related("item").get(item__code=code)


def accepted_file(requirement: EvidenceRequirement, *, products=None, status: str = "accepted") -> EvidenceFile:
    evidence = EvidenceFile.objects.create(
        requirement=requirement,
        file="evidence/x.pdf",
        original_name="x.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
        family="pdf",
        uploaded_by=requirement.application.consultant,
        status=status,
        thumbnail_status="none",
    )
    evidence.products.set(products if products is not None else requirement.application.scope.all())
    return evidence


def state_of(application, code: str):
    return next(state for state in checklist_for(application).items if state.item.code == code)


# --- The definition ---------------------------------------------------------------------------------


def test_checklist_items_are_exactly_the_domain_table(evidence_items) -> None:
    application_items = {
        item.code: (item.copies_required, item.per_product, item.kind)
        for item in EvidenceItem.objects.filter(phase="application")
    }
    assert application_items == DOMAIN_TABLE
    assert EvidenceItem.objects.get(code="0").prerequisite
    assert EvidenceItem.objects.get(code="2").title_zh == "销售合同（应覆盖所申请的全部产品）"
    assert (
        EvidenceItem.objects.get(code="29").title_en == "Does the company run management software in each department?"
    )
    sources = dict(EvidenceItem.objects.filter(code__in=["25", "26", "27"]).values_list("code", "profile_source"))
    assert sources == {"25": "contact", "26": "outlets", "27": "managers"}
    for item in EvidenceItem.objects.all():
        assert item.title_zh and item.title_en and item.guidance_zh and item.guidance_en, item.code


def test_pre_audit_documents_are_a_second_checklist(evidence_items) -> None:
    titles = list(EvidenceItem.objects.filter(phase="pre_audit").values_list("title_zh", flat=True))
    assert titles == ["财务审计报告", "近3个月纳税申报表", "缴纳税单", "企业员工社保缴纳凭证", "员工体检证明"]


def test_admin_can_edit_an_item(superuser, evidence_items) -> None:
    item = EvidenceItem.objects.get(code="14")
    client = client_for(superuser)
    page = client.get(reverse("admin:applications_evidenceitem_change", args=[item.pk]))
    assert page.status_code == 200
    data = {
        "code": "14", "phase": "application", "position": item.position, "title_zh": item.title_zh,
        "title_en": item.title_en, "guidance_zh": item.guidance_zh, "guidance_en": item.guidance_en,
        "copies_required": 4, "per_product": "on", "accepted_types": ["pdf", "image"], "kind": "files",
        "profile_source": "", "active": "on",
    }  # fmt: skip
    response = client.post(reverse("admin:applications_evidenceitem_change", args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert (item.copies_required, item.accepted_types) == (4, ["pdf", "image"])


# --- Requirements per application -------------------------------------------------------------------


def test_starting_an_application_creates_its_requirements(enterprise_user, evidence_items) -> None:
    complete_profile(enterprise_user.enterprise)
    product = ProductFactory(enterprise=enterprise_user.enterprise)
    application = services.application_create(
        enterprise=enterprise_user.enterprise, actor=enterprise_user, scope=[product]
    )
    requirements = application.evidence_requirements.select_related("item")
    assert requirements.count() == 35
    sales = requirements.get(item__code="13")
    assert (sales.copies_required, sales.per_product) == (4, True)


def test_requirements_keep_their_copy_when_the_definition_changes(evidence_application) -> None:
    EvidenceItem.objects.filter(code="8").update(copies_required=9)
    assert requirement_of(evidence_application, "8").copies_required == 5


def test_a_new_application_has_its_checklist_and_ensure_is_idempotent(evidence_items, enterprise_user) -> None:
    from applications.services import application_create
    from tests.factories import ProductFactory, complete_profile

    enterprise = complete_profile(enterprise_user.enterprise)
    application = application_create(
        enterprise=enterprise, actor=enterprise_user, scope=[ProductFactory(enterprise=enterprise)]
    )
    page = client_for(enterprise_user).get(reverse("applications:evidence", args=[application.pk]))
    assert page.status_code == 200
    assert application.evidence_requirements.count() == 35
    assert evidence_requirements_ensure(application) == 0
    assert application.evidence_requirements.count() == 35


# --- Completeness ----------------------------------------------------------------------------------


def test_complete_needs_the_required_number_of_accepted_copies(evidence_application) -> None:
    requirement = requirement_of(evidence_application, "5")
    accepted_file(requirement)
    accepted_file(requirement, status="pending")
    accepted_file(requirement, status="rejected")
    state = state_of(evidence_application, "5")
    assert (state.complete, state.copies_label, state.status) == (False, "1/2", "review")
    assert state.missing == ["还需 1 份通过审核的文件（已通过 1 / 2）。"]
    accepted_file(requirement)
    assert state_of(evidence_application, "5").complete


def test_per_product_items_need_every_product_in_scope_covered(evidence_application) -> None:
    first = evidence_application.scope.get()
    second = ProductFactory(enterprise=evidence_application.enterprise, name="除湿机", model="DQ-D20")
    evidence_application.scope.add(second)
    requirement = requirement_of(evidence_application, "14")
    for _ in range(3):
        accepted_file(requirement, products=[first])
    state = state_of(evidence_application, "14")
    assert not state.complete
    assert state.uncovered == [second]
    assert state.missing == ["尚未覆盖的产品：除湿机（DQ-D20）。"]
    accepted_file(requirement, products=[second], status="pending")
    assert state_of(evidence_application, "14").uncovered == [second]  # pending does not cover
    accepted_file(requirement, products=[second])
    assert state_of(evidence_application, "14").complete


def test_changing_the_scope_recomputes_coverage(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "2")
    accepted_file(requirement)
    assert state_of(evidence_application, "2").complete
    newcomer = ProductFactory(enterprise=evidence_application.enterprise, name="新风机")
    services.application_set_scope(
        application=evidence_application, actor=enterprise_user, products=[*evidence_application.scope.all(), newcomer]
    )
    state = state_of(evidence_application, "2")
    assert not state.complete and state.uncovered == [newcomer]
    services.application_set_scope(application=evidence_application, actor=enterprise_user, products=[newcomer])
    assert state_of(evidence_application, "2").uncovered == [newcomer]
    accepted_file(requirement, products=[newcomer])
    assert state_of(evidence_application, "2").complete


def test_item_sent_back_is_not_complete_even_with_enough_copies(evidence_application, consultant) -> None:
    requirement = requirement_of(evidence_application, "1")
    accepted_file(requirement)
    services.evidence_requirement_reject(
        requirement=requirement, actor=consultant, reason="简介内容过旧，请更新到 2025 年"
    )
    state = state_of(evidence_application, "1")
    assert (state.complete, state.status) == (False, "rejected")
    assert state.reasons == ["简介内容过旧，请更新到 2025 年"]


def test_website_hotline_and_contact_come_from_the_profile(evidence_application) -> None:
    enterprise = evidence_application.enterprise
    state = state_of(evidence_application, "25")
    assert not state.complete
    assert state.missing == ["请在企业基本信息中填写：公司网址。"]
    assert state.fix_url == reverse("applications:enterprise_edit", args=[enterprise.pk])
    enterprise.website = "https://www.example.cn"
    enterprise.save()
    assert state_of(evidence_application, "25").complete


def test_outlets_come_from_the_profile(evidence_application) -> None:
    enterprise = evidence_application.enterprise
    state = state_of(evidence_application, "26")
    assert state.missing == ["请至少添加一个售后服务网点。"]
    assert state.fix_url == reverse("applications:enterprise", args=[enterprise.pk]) + "#outlets"
    ServiceOutlet.objects.create(enterprise=enterprise, name="杭州服务中心", address="杭州", phone="0571-1")
    assert state_of(evidence_application, "26").complete


def test_manager_roster_must_meet_clause_5_1_2_2(evidence_application) -> None:
    enterprise = evidence_application.enterprise
    enterprise.headcount_service_management = 25
    enterprise.save()
    assert state_of(evidence_application, "27").missing == ["请在名单中添加售后服务管理师。"]
    ServiceManagerFactory(enterprise=enterprise)
    state = state_of(evidence_application, "27")
    assert state.missing == [
        "第 5.1.2.2 条：至少需要 3 名售后服务管理师（25 名服务管理人员的十分之一），名单中目前有 1 名。"
    ]
    assert state.fix_url.endswith("#managers")
    ServiceManagerFactory(enterprise=enterprise, id_number="11010519491231002X")
    ServiceManagerFactory(enterprise=enterprise, id_number="110105194912310037")
    assert state_of(evidence_application, "27").complete


def test_yes_no_item_is_complete_once_answered(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "29")
    assert state_of(evidence_application, "29").missing == ["尚未回答该问题。"]
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_answer", args=[requirement.pk]), {"answer": "no", "note": "目前只用 Excel"}
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.answer, requirement.answer_note) == (False, "目前只用 Excel")
    assert state_of(evidence_application, "29").complete
    screenshot = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("ERP.pdf", pdf_bytes())
    )
    assert screenshot.status == "pending"  # optional screenshots do not hold the item back
    assert state_of(evidence_application, "29").complete


def test_yes_no_item_page_has_one_field_per_id(evidence_application, enterprise_user) -> None:
    """The answer and the optional screenshots are two forms on one page: each label finds its own field."""
    requirement = requirement_of(evidence_application, "29")
    page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[requirement.pk]))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    assert "id_answer_note" in ids and "id_note" in ids
    assert sorted(ids) == sorted(set(ids)), [name for name in set(ids) if ids.count(name) > 1]


# --- The checklist page ----------------------------------------------------------------------------


def test_checklist_page_shows_status_copies_uncovered_products_and_progress(
    evidence_application, enterprise_user
) -> None:
    second = ProductFactory(enterprise=evidence_application.enterprise, name="除湿机", model="DQ-D20")
    evidence_application.scope.add(second)
    first = evidence_application.scope.exclude(pk=second.pk).get()
    accepted_file(requirement_of(evidence_application, "0"))
    accepted_file(requirement_of(evidence_application, "13"), products=[first])
    page = client_for(enterprise_user).get(reverse("applications:evidence", args=[evidence_application.pk]))
    html = page.content.decode()
    row_0 = html.split('data-item="0"')[1].split("</tr>")[0]
    assert 'data-status="complete"' in row_0 and "1/1" in row_0
    row_13 = html.split('data-item="13"')[1].split("</tr>")[0]
    assert 'data-status="todo"' in row_13 and "1/4" in row_13 and "除湿机（DQ-D20）" in row_13
    assert "已完成 1 / 30 项" in html
    assert 'aria-valuenow="3"' in html
    missing = html.split('id="still-missing"')[1].split("</ul>")[0]
    assert "第 0 项" not in missing and "第 1 项" in missing
    assert "另有 21 项未完成，见下表。" in missing  # 29 open items: the first 8 named, the rest in the table
    item_page = client_for(enterprise_user).get(
        reverse("applications:evidence_requirement", args=[requirement_of(evidence_application, "13").pk])
    )
    status = item_page.content.decode().split('id="item-status"')[1].split('id="files"')[0]
    assert "还需 3 份通过审核的文件（已通过 1 / 4）。" in status and "尚未覆盖的产品：除湿机（DQ-D20）。" in status


def test_rejected_items_come_first_with_their_reasons(evidence_application, enterprise_user, consultant) -> None:
    late = requirement_of(evidence_application, "24")
    evidence = services.evidence_upload(
        requirement=late, actor=enterprise_user, upload=upload("客户培训.pdf", pdf_bytes())
    )
    services.evidence_file_reject(evidence=evidence, actor=consultant, reason="缺少客户签字")
    checklist = checklist_for(evidence_application)
    assert checklist.open_states[0].item.code == "24"
    detail = (
        client_for(enterprise_user).get(reverse("applications:detail", args=[evidence_application.pk])).content.decode()
    )
    card = detail.split('id="evidence-summary"')[1].split("</section>")[0]
    assert "第 24 项" in card and "缺少客户签字" in card
    assert card.index("第 24 项") < card.index("第 0 项")


def test_pre_audit_documents_open_once_the_body_accepts(evidence_application, enterprise_user) -> None:
    url = reverse("applications:evidence", args=[evidence_application.pk])
    client = client_for(enterprise_user)
    assert "以下资料在发证机构受理申请后开放" in client.get(url).content.decode()
    tax = requirement_of(evidence_application, "P2")
    with pytest.raises(ValidationError, match="受理申请后"):
        services.evidence_upload(requirement=tax, actor=enterprise_user, upload=upload("纳税申报表.pdf", pdf_bytes()))
    put_in_status(evidence_application, Status.AUDIT_PREPARATION)
    assert 'id="items-pre-audit"' in client.get(url).content.decode()
    tax = requirement_of(evidence_application, "P2")
    services.evidence_upload(requirement=tax, actor=enterprise_user, upload=upload("纳税申报表-1月.pdf", pdf_bytes()))
    put_in_status(evidence_application, Status.REMOTE_AUDIT)
    tax = requirement_of(evidence_application, "P2")
    with pytest.raises(ValidationError, match="审核已经开始"):
        services.evidence_upload(
            requirement=tax, actor=enterprise_user, upload=upload("纳税申报表-2月.pdf", pdf_bytes())
        )


def row_of(html: str, code: str) -> str:
    return html.split(f'data-item="{code}"')[1].split("</tr>")[0]


ENTERPRISE_HELP = "打开某个项目即可上传文件"
CONSULTANT_HELP = "审核流程"


def test_the_enterprise_sees_its_instructions_and_upload_buttons(evidence_application, enterprise_user) -> None:
    accepted_file(requirement_of(evidence_application, "0"))
    url = reverse("applications:evidence", args=[evidence_application.pk])
    html = client_for(enterprise_user).get(url).content.decode()
    assert 'id="help-enterprise"' in html and ENTERPRISE_HELP in html
    assert 'id="help-consultant"' not in html and CONSULTANT_HELP not in html
    item_1 = requirement_of(evidence_application, "1")
    assert reverse("applications:evidence_requirement", args=[item_1.pk]) + "#upload" in row_of(html, "1")
    assert "upload-link" not in row_of(html, "0")  # complete: nothing to add
    assert "upload-link" not in row_of(html, "25")  # taken from the basic information
    assert "upload-link" in row_of(html, "29")  # the yes/no item takes optional screenshots


def test_the_consultant_sees_how_to_review_and_no_upload_buttons(evidence_application, enterprise_user, consultant):
    sent_back = requirement_of(evidence_application, "24")
    evidence = services.evidence_upload(
        requirement=sent_back, actor=enterprise_user, upload=upload("客户培训.pdf", pdf_bytes())
    )
    services.evidence_file_reject(evidence=evidence, actor=consultant, reason="缺少客户签字")
    client = client_for(consultant)
    html = client.get(reverse("applications:evidence", args=[evidence_application.pk])).content.decode()
    assert 'id="help-consultant"' in html and CONSULTANT_HELP in html
    assert 'id="help-enterprise"' not in html and ENTERPRISE_HELP not in html
    assert "upload-link" not in html
    item_page = client.get(reverse("applications:evidence_requirement", args=[sent_back.pk])).content.decode()
    assert "缺少客户签字" in item_page and "请替换相关文件" not in item_page
    enterprise_page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[sent_back.pk]))
    assert "请替换相关文件" in enterprise_page.content.decode()


def test_body_staff_see_neither_instructions_nor_upload_buttons(evidence_application, auditor) -> None:
    put_in_status(evidence_application, Status.UNDER_REVIEW)
    html = client_for(auditor).get(reverse("applications:evidence", args=[evidence_application.pk])).content.decode()
    assert 'id="items-application"' in html
    assert "help-enterprise" not in html and "help-consultant" not in html and "upload-link" not in html


def test_with_the_body_the_enterprise_is_offered_uploads_only_where_items_were_sent_back(
    django_assert_max_num_queries, evidence_application, enterprise_user, consultant
) -> None:
    put_in_status(evidence_application, Status.UNDER_REVIEW)
    services.evidence_requirement_reject(
        requirement=requirement_of(evidence_application, "7"), actor=consultant, reason="培训记录缺少签到表"
    )
    client = client_for(enterprise_user)
    url = reverse("applications:evidence", args=[evidence_application.pk])
    client.get(url)
    with django_assert_max_num_queries(12):  # the upload guard asks nothing more per item
        html = client.get(url).content.decode()
    offered = re.findall(r'data-item="([^"]+)"(?:(?!</tr>).)*upload-link', html, flags=re.S)
    assert offered == ["7"]


def _application_with_files(count: int, consultant):
    member = EnterpriseUserFactory()
    complete_profile(member.enterprise, seed=7 + count)
    products = [ProductFactory(enterprise=member.enterprise) for _ in range(3)]
    application = ApplicationFactory(enterprise=member.enterprise, consultant=consultant, products=products)
    evidence_requirements_ensure(application)
    requirements = list(application.evidence_requirements.filter(item__phase="application").select_related("item"))
    assert len(requirements) == 30
    files = [
        EvidenceFile(
            requirement=requirements[number % 30], file=f"evidence/{number}.pdf", original_name=f"文件{number}.pdf",
            size=1, sha256="0" * 64, content_type="application/pdf", family="pdf", uploaded_by=member,
            status=["pending", "accepted", "rejected"][number % 3], thumbnail_status=["ready", "pending"][number % 2],
            thumbnail=f"evidence/t{number}.jpg",
        )
        for number in range(count)
    ]  # fmt: skip
    EvidenceFile.objects.bulk_create(files)
    through = EvidenceFile.products.through
    through.objects.bulk_create([through(evidencefile_id=f.pk, product_id=p.pk) for f in files for p in products])
    return application, member


def test_checklist_page_query_count_is_constant(django_assert_max_num_queries, evidence_items, consultant) -> None:
    """30 items and 300 files: at most 12 queries, and exactly as many as with a single file."""
    counts = {}
    for files in (1, 300):
        application, member = _application_with_files(files, consultant)
        url = reverse("applications:evidence", args=[application.pk])
        for user in (member, consultant):
            client = client_for(user)
            client.get(url)  # the first visit may set the session up
            with django_assert_max_num_queries(12) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts[(files, user.role)] = len(queries)
        if files == 300:
            assert response.content.decode().count("evidence-thumb") >= 30
    assert counts[(1, "enterprise")] == counts[(300, "enterprise")]
    assert counts[(1, "consultant")] == counts[(300, "consultant")]


# --- Workflow preconditions ------------------------------------------------------------------------


def test_submission_requires_every_application_item_complete(evidence_application, consultant) -> None:
    put_in_status(evidence_application, Status.AWAITING_SIGNATURE)
    forms_ready(evidence_application)  # the forms' own precondition is tested with the forms
    with pytest.raises(services.TransitionError) as error:
        services.application_transition(application=evidence_application, actor=consultant, target=Status.SUBMITTED)
    items = "、".join(f"第 {number} 项" for number in range(30))
    assert error.value.messages == [f"证据清单尚未齐全：还缺 30 项（{items}）。"]
    complete_evidence(evidence_application)
    forms_ready(evidence_application)  # the set-up changed the profile: sign the forms again
    requirement = requirement_of(evidence_application, "13")
    requirement.files.first().delete()
    with pytest.raises(services.TransitionError, match=r"还缺 1 项（第 13 项）"):
        services.application_transition(application=evidence_application, actor=consultant, target=Status.SUBMITTED)
    accepted_file(requirement)
    services.application_transition(application=evidence_application, actor=consultant, target=Status.SUBMITTED)
    evidence_application.refresh_from_db()
    assert evidence_application.status == Status.SUBMITTED


def test_resubmission_after_return_requires_complete_evidence(evidence_application, consultant) -> None:
    complete_evidence(evidence_application)
    put_in_status(evidence_application, Status.RETURNED)
    forms_ready(evidence_application)
    services.evidence_requirement_reject(
        requirement=requirement_of(evidence_application, "2"), actor=consultant, reason="请补充近一年的合同"
    )
    transition = workflow.find_transition(Status.RETURNED, Status.SUBMITTED)
    assert workflow.blocking_problems(transition, evidence_application, consultant) == [
        "证据清单尚未齐全：还缺 1 项（第 2 项）。"
    ]


def test_remote_audits_require_the_pre_audit_documents(evidence_application, auditor) -> None:
    complete_evidence(evidence_application)
    put_in_status(evidence_application, Status.AUDIT_PREPARATION)
    requirement_of(evidence_application, "P3").files.all().delete()
    with pytest.raises(services.TransitionError, match=r"审核前资料尚未齐全：还缺 1 项（P3 [^）]+）"):
        services.application_transition(application=evidence_application, actor=auditor, target=Status.REMOTE_AUDIT)


def test_detail_page_shows_the_blocking_evidence_next_to_the_submit_button(evidence_application, consultant) -> None:
    complete_evidence(evidence_application)
    put_in_status(evidence_application, Status.AWAITING_SIGNATURE)
    requirement_of(evidence_application, "8").files.first().delete()
    page = client_for(consultant).get(reverse("applications:detail", args=[evidence_application.pk])).content.decode()
    assert "证据清单尚未齐全：还缺 1 项（第 8 项）。" in page
