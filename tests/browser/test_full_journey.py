"""The whole story in the browser, in Chinese, with a real Celery worker rendering the PDFs.

An enterprise signs up, fills in its basic information (企业基本信息表, products, outlet, manager),
uploads its seal, starts an application for two products and invites its consultant; it uploads
evidence for every checklist item; the consultant prepares the six forms, the enterprise signs them
(seal and handwritten signature); the consultant reviews the evidence, sends one file back, the
enterprise replaces it, the consultant accepts it and submits. The auditor accepts the application,
the enterprise adds the pre-audit documents, the three video audits are run and the score sheet
reaches four stars; a certifier certifies; the public page shows the certificate valid, then not
valid once the certifier suspends it. Screenshots of each step go to var/screenshots/full-journey/.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from applications.models import Application, EvidenceItem, EvidenceRequirement
from audits.models import Certificate
from certportal.models import OutgoingEmail
from tests.applications.evidence_samples import pdf_bytes
from tests.browser.conftest import Shots, log_in
from tests.browser.journey import FOUR_STAR_TOTAL, draw_signature, log_out, png, run_round, score
from tests.factories import PASSWORD, VALID_ID_FEMALE, VALID_USCC, seal_photo
from tests.helpers import pdf_text, squashed

# About two minutes here; the whole story is long, so it gets more than the suite's 300 s on a busy machine.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.timeout(600)]

ENTERPRISE_NAME = "杭州示例家电服务有限公司"
SIGNUP_EMAIL = "liu@example.com"
SIGNUP_PASSWORD = "Service-2026-good"
PRODUCTS = [("空气净化器", "KJ-500"), ("除湿机", "CS-20")]
FORMS = ["basic_info", "application", "contract", "laws", "managers", "remote_audit"]
SENT_BACK_ITEM = "1"  # the company profile: the consultant sends its file back once


def evidence_files(item: EvidenceItem, count: int) -> list[FilePayload]:
    """Small valid files for one item, PDF and PNG in turn, named as an office would name them."""
    files: list[FilePayload] = []
    for number in range(1, count + 1):
        if number % 2:
            name = f"第{item.code}项-{number}.pdf"
            files.append({"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()})
        else:
            files.append(png(f"第{item.code}项-{number}.png", colour=(30 * number % 255, 120, 80)))
    return files


def requirements(application: Application, phase: str) -> list[EvidenceRequirement]:
    return list(
        EvidenceRequirement.objects.filter(application=application, item__phase=phase)
        .select_related("item")
        .order_by("item__position")
    )


def provide_evidence(page: Page, application: Application, phase: str) -> None:
    """As the enterprise, item by item: upload the copies each item asks for through the upload form
    (one batch per item), answer the yes/no question, and check the items taken from the profile."""
    for requirement in requirements(application, phase):
        item = requirement.item
        page.goto(reverse("applications:evidence_requirement", args=[requirement.pk]))
        expect(page.locator("h1")).to_contain_text(item.title_zh)
        if item.from_profile:
            expect(page.locator("#profile-item")).to_contain_text("已完成：取自企业基本信息。")
        elif item.kind == EvidenceItem.Kind.YES_NO:
            page.locator("input[name=answer][value=yes]").check()
            page.locator("#id_answer_note").fill("各部门使用 ERP、CRM 和售后工单系统。")
            page.get_by_role("button", name="保存回答").click()
            expect(page.get_by_text("您的回答已保存。")).to_be_visible()
        else:
            files = evidence_files(item, requirement.copies_required)
            page.locator("#id_files").set_input_files(files)
            page.get_by_role("button", name="上传", exact=True).click()
            expect(page.locator("#upload-summary")).to_have_text(f"已上传 {len(files)} 个，被拒绝 0 个。")
            expect(page.locator("#files .evidence-file")).to_have_count(len(files))


def accept_items(page: Page, application: Application, phase: str, *, skip: str = "") -> None:
    """As the consultant: accept every item that has files waiting, whole item at a time."""
    for requirement in requirements(application, phase):
        item = requirement.item
        if not item.takes_files or item.kind == EvidenceItem.Kind.YES_NO or item.code == skip:
            continue
        page.goto(reverse("applications:evidence_requirement", args=[requirement.pk]))
        page.get_by_role("button", name="通过本项").click()
        expect(page.get_by_text(f"本项已通过（通过了 {requirement.copies_required} 个文件）。")).to_be_visible()


def verify_valid(page: Page, certificate: Certificate) -> None:
    """As anyone, logged out: search the number on the public page and open the certificate."""
    page.goto(reverse("verify_search"))
    page.locator("#id_q").fill(certificate.number)
    page.get_by_role("button", name="查验").click()  # the exact number opens the certificate itself
    expect(page.locator(".verdict")).to_contain_text("该证书有效。")
    expect(page.locator("#certificate-number")).to_have_text(certificate.number)
    expect(page.get_by_text(ENTERPRISE_NAME)).to_be_visible()
    expect(page.get_by_text("四星级")).to_be_visible()


def test_the_whole_certification_in_the_browser(
    page: Page, celery_worker, evidence_items, consultant, auditor, certifier
) -> None:
    shot = Shots(page, "full-journey")

    # --- The enterprise signs up and fills in its basic information ---------------------------------
    page.goto(reverse("signup:start"))
    page.get_by_label("企业名称").fill(ENTERPRISE_NAME)
    page.get_by_label("您的姓名").fill("刘明")
    page.get_by_label("电子邮箱").fill(SIGNUP_EMAIL)
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.locator("#id_password1").fill(SIGNUP_PASSWORD)
    page.locator("#id_password2").fill(SIGNUP_PASSWORD)
    shot("signup")
    page.get_by_role("button", name="创建账户").click()
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    opening = OutgoingEmail.objects.get(to=[SIGNUP_EMAIL])
    link = re.search(r"/accounts/signup/confirm/\S+/", opening.body_text)
    assert link, opening.body_text
    page.goto(link.group(0))
    page.get_by_label("密码").fill(SIGNUP_PASSWORD)
    page.get_by_role("button", name="开通我的账户").click()
    expect(page.get_by_text("欢迎！您的账户已开通")).to_be_visible()

    page.goto(reverse("applications:my_enterprise"))
    expect(page.get_by_role("heading", name=ENTERPRISE_NAME)).to_be_visible()
    page.get_by_role("link", name="编辑企业基本信息").click()
    page.locator("#id_uscc").fill(VALID_USCC)
    page.locator("#id_kind").select_option("manufacturer_seller")
    page.locator("#id_legal_representative").fill("陈立")
    page.locator("#id_founded_on").fill("2012-06-18")
    page.locator("#id_registered_capital").fill("5000")
    page.locator("#id_registered_address").fill("浙江省杭州市西湖区文三路 100 号")
    page.locator("#id_service_address").fill("浙江省杭州市西湖区文三路 100 号")
    page.locator("#id_contact_person").fill("王芳")
    page.locator("#id_contact_mobile").fill("13912345678")
    page.locator("#id_phone").fill("0571-88886666")
    page.locator("#id_email").fill("service@example.cn")
    page.locator("#id_website").fill("www.example.cn")
    page.locator("#id_service_hotline").fill("400-800-1234")
    page.locator("#id_headcount_total").fill("180")
    page.locator("#id_headcount_after_sales").fill("32")
    page.locator("#id_headcount_service_management").fill("8")
    page.locator("#id_sales_regions").fill("华东地区")
    page.locator("#id_sales_methods").fill("直销、经销商")
    page.locator("#id_after_sales_since").fill("2014")
    for name in ["has_after_sales_department", "has_qualified_staff", "has_fixed_premises",
                 "has_electronic_management", "keeps_service_records"]:  # fmt: skip
        page.locator(f"input[name={name}][value=True]").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。还需填写：至少一个产品。")).to_be_visible()
    shot("profile-saved")

    for number, (name, model) in enumerate(PRODUCTS):
        if number == 0:
            page.get_by_role("link", name="添加产品").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_model").fill(model)
        page.get_by_role("button", name="保存并继续添加" if number == 0 else "保存", exact=True).click()
        expect(page.get_by_text(f"已保存：{name}（{model}）。")).to_be_visible()
    expect(page.locator("#products")).to_contain_text("除湿机")
    page.get_by_role("link", name="添加服务网点").click()
    page.locator("#id_name").fill("杭州服务中心")
    page.locator("#id_address").fill("杭州市西湖区文三路 100 号")
    page.locator("#id_phone").fill("0571-88886666")
    page.locator("#id_contact").fill("李强")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#outlets")).to_contain_text("杭州服务中心")
    page.get_by_role("link", name="添加售后服务管理师").click()
    page.locator("#id_name").fill("陈晓红")
    page.locator("#id_gender").select_option("female")
    page.locator("#id_id_number").fill(VALID_ID_FEMALE)
    page.locator("#id_mobile").fill("139 1234 5678")
    page.locator("#id_department").fill("售后服务部")
    page.locator("#id_post").fill("主管")
    page.locator("#id_certificate_name").fill("售后服务管理师（高级）")
    page.locator("#id_certificate_number").fill("SM-2023-001")
    page.locator("#id_certificate_issuer").fill("中国商业联合会")
    page.locator("#id_certificate_issued_on").fill("2023-05-01")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#managers")).to_contain_text("陈晓红")
    expect(page.get_by_text("企业基本信息已填写完整。")).to_be_visible()

    page.get_by_role("link", name="上传公章").click()
    page.locator("#id_image").set_input_files({"name": "公章.jpg", "mimeType": "image/jpeg", "buffer": seal_photo()})
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("公章已保存。")).to_be_visible()
    expect(page.locator("#seal-image")).to_be_visible()
    page.goto(reverse("applications:my_enterprise"))
    shot("profile-complete")

    # --- The application: scope, consultant, basic information submitted -----------------------------
    page.get_by_role("link", name="发起认证申请").click()
    for name, _model in PRODUCTS:
        page.get_by_label(name).check()
    page.get_by_role("button", name="创建申请").click()
    expect(page.get_by_text("已创建。下一步")).to_be_visible()
    application = Application.objects.get(enterprise__name=ENTERPRISE_NAME)
    expect(page.locator("#scope")).to_contain_text("除湿机")
    page.locator("#invite-email").fill(consultant.email)
    page.get_by_role("button", name="邀请").click()
    expect(page.get_by_text(f"邀请邮件已排队，将很快发送至 {consultant.email}。")).to_be_visible()
    page.get_by_role("button", name="提交企业基本信息").click()
    expect(page.locator(".status-badge")).to_have_text("基本信息已提交")
    shot("application-started")

    # --- Evidence for every item -------------------------------------------------------------------
    provide_evidence(page, application, EvidenceItem.Phase.APPLICATION)
    page.goto(reverse("applications:evidence", args=[application.pk]))
    expect(page.locator("#progress-count")).to_have_text("已完成 4 / 30 项")  # the rest awaits review
    shot("evidence-uploaded")
    log_out(page)

    # --- The consultant accepts the invitation and prepares the forms -------------------------------
    invitation = OutgoingEmail.objects.get(to=[consultant.email])
    link = re.search(r"/invitations/[^/\s]+/", invitation.body_text)
    assert link, invitation.body_text
    log_in(page, consultant.username, PASSWORD)
    page.goto(link.group(0))
    expect(page.get_by_text(f"{ENTERPRISE_NAME} 邀请您担任其申请 {application.reference} 的咨询老师。")).to_be_visible()
    page.get_by_role("button", name="接受").click()
    expect(page.get_by_text(f"您现在是申请 {application.reference} 的咨询老师。")).to_be_visible()
    page.get_by_role("button", name="开始准备申请文件").click()
    expect(page.locator(".status-badge")).to_have_text("申请文件准备中")

    page.goto(reverse("applications:form", args=[application.pk, "contract"]))
    page.locator("#id_application_fee").fill("3000")
    page.locator("#id_audit_fee").fill("18000")
    page.locator("#id_certificate_fee").fill("2000")
    page.locator("#id_surveillance_fee").fill("9000")
    page.get_by_role("button", name="保存并生成").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    page.goto(reverse("applications:forms", args=[application.pk]))
    page.get_by_role("button", name="生成全部表格").click()
    expect(page.locator("#forms-progress")).to_contain_text("已按当前资料生成 6/6", timeout=90_000)
    shot("forms-generated")
    page.goto(reverse("applications:detail", args=[application.pk]))
    page.get_by_role("button", name="将申请文件交企业签字盖章").click()
    expect(page.locator(".status-badge")).to_have_text("等待企业签字盖章")
    log_out(page)

    # --- The enterprise signs the six forms: seal, handwritten signature, confirmation --------------
    log_in(page, SIGNUP_EMAIL, SIGNUP_PASSWORD)
    page.goto(reverse("applications:forms", args=[application.pk]))
    expect(page.locator("#forms-progress")).to_contain_text("已签署 0/6")
    for number, form_type in enumerate(FORMS):
        page.locator(f"#form-{form_type}").get_by_role("link", name="签署").click()
        expect(page.locator(".seal-preview")).to_be_visible()
        page.locator("#id_signer_title").fill("总经理")
        draw_signature(page)
        page.locator("#id_confirmed").check()
        if number == 0:
            shot("signing")
        page.get_by_role("button", name="签署表格").click()
        expect(page.locator(".alert-success")).to_contain_text("已签署")
    expect(page.locator("#forms-progress")).to_contain_text("已签署 6/6", timeout=90_000)
    expect(page.locator('.signature-status[data-status="signed"]')).to_have_count(6)
    shot("forms-signed")
    signed = page.locator("#form-basic_info").get_by_role("link", name="打开签署版").get_attribute("href")
    text = squashed(pdf_text(page.context.request.get(signed).body()))
    assert ENTERPRISE_NAME in text and VALID_USCC in text and "电子签署：刘明（总经理）" in text, text
    log_out(page)

    # --- The consultant reviews the evidence and sends one file back -------------------------------
    log_in(page, consultant.username, PASSWORD)
    sent_back = EvidenceRequirement.objects.get(application=application, item__code=SENT_BACK_ITEM)
    page.goto(reverse("applications:evidence_requirement", args=[sent_back.pk]))
    evidence = page.locator(".evidence-file", has_text=f"第{SENT_BACK_ITEM}项-1.pdf")
    evidence.locator("select[name=reason_choice]").select_option("outdated")
    evidence.locator("input[name=reason]").fill("请上传 2025 年版公司简介。")
    evidence.get_by_role("button", name="退回").click()
    expect(page.get_by_text(f"“第{SENT_BACK_ITEM}项-1.pdf”已连同原因退回。")).to_be_visible()
    shot("file-sent-back")
    accept_items(page, application, EvidenceItem.Phase.APPLICATION, skip=SENT_BACK_ITEM)
    page.goto(reverse("applications:evidence", args=[application.pk]))
    expect(page.locator("#progress-count")).to_have_text("已完成 29 / 30 项")
    log_out(page)

    # --- The enterprise replaces the file ----------------------------------------------------------
    log_in(page, SIGNUP_EMAIL, SIGNUP_PASSWORD)
    page.goto(reverse("applications:evidence_requirement", args=[sent_back.pk]))
    expect(page.locator("#item-reasons")).to_contain_text("请上传 2025 年版公司简介。")
    page.locator(".evidence-file").get_by_role("link", name="替换").click()
    page.locator("#id_file").set_input_files(
        {"name": "公司简介-2025.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)}
    )
    page.get_by_role("button", name="上传新版本").click()
    expect(page.get_by_text("已替换为“公司简介-2025.pdf”（第 2 版），等待咨询老师审核。")).to_be_visible()
    shot("file-replaced")
    log_out(page)

    # --- The consultant accepts it and submits -----------------------------------------------------
    log_in(page, consultant.username, PASSWORD)
    page.goto(reverse("applications:evidence_requirement", args=[sent_back.pk]))
    page.locator(".evidence-file", has_text="公司简介-2025.pdf").get_by_role("button", name="通过").click()
    expect(page.get_by_text("“公司简介-2025.pdf”已通过。")).to_be_visible()
    page.goto(reverse("applications:evidence", args=[application.pk]))
    expect(page.locator("#progress-count")).to_have_text("已完成 30 / 30 项")
    expect(page.locator("#still-missing")).to_have_text("所有项目均已完成。")
    shot("evidence-complete")
    page.goto(reverse("applications:detail", args=[application.pk]))
    page.get_by_role("button", name="提交发证机构").click()
    expect(page.locator(".status-badge")).to_have_text("已提交发证机构")
    shot("submitted")
    log_out(page)

    # --- The auditor reviews and accepts; the enterprise adds the pre-audit documents ---------------
    log_in(page, auditor.username, PASSWORD)
    page.goto(reverse("audits:review", args=[application.pk]))
    expect(page.locator("#profile")).to_contain_text(VALID_USCC)
    page.get_by_role("button", name="开始评审").click()
    expect(page.get_by_text("已开始评审")).to_be_visible()
    page.locator("#id_comment").fill("材料齐全，予以受理。")
    page.get_by_role("button", name="评审通过").click()
    expect(page.get_by_text("已受理。下一步：安排三次远程审核。")).to_be_visible()
    shot("accepted")
    log_out(page)

    log_in(page, SIGNUP_EMAIL, SIGNUP_PASSWORD)
    provide_evidence(page, application, EvidenceItem.Phase.PRE_AUDIT)
    log_out(page)
    log_in(page, consultant.username, PASSWORD)
    accept_items(page, application, EvidenceItem.Phase.PRE_AUDIT)
    page.goto(reverse("applications:evidence", args=[application.pk]))
    expect(page.locator("#progress")).to_contain_text("已完成 5 / 5 项")
    shot("pre-audit-documents")
    log_out(page)

    # --- Three video audits, then the score sheet to four stars ------------------------------------
    log_in(page, auditor.username, PASSWORD)
    page.goto(reverse("applications:detail", args=[application.pk]))
    page.get_by_role("button", name="开始远程审核").click()
    expect(page.locator(".status-badge")).to_have_text("远程审核")
    now = timezone.now().replace(second=0, microsecond=0)
    for number in (1, 2, 3):
        start = now - datetime.timedelta(hours=4 * (4 - number), minutes=20)
        run_round(page, application, number, start, shot)
    page.goto(reverse("audits:rounds", args=[application.pk]))
    expect(page.locator(".round-card", has_text="完成")).to_have_count(3)
    shot("audits-done")
    page.goto(reverse("applications:detail", args=[application.pk]))
    page.get_by_role("button", name="完成审核").click()
    expect(page.locator(".status-badge")).to_have_text("评定")
    page.get_by_role("link", name="评分表").click()
    score(page, application)
    expect(page.locator("#total-value")).to_have_text(FOUR_STAR_TOTAL)
    expect(page.locator("#total-stars")).to_contain_text("四星级")
    shot("score-sheet")
    page.locator("#id_recommendation").fill("建议授予四星级证书。")
    page.get_by_role("button", name="保存推荐意见").click()
    expect(page.get_by_text("推荐意见已保存。")).to_be_visible()
    page.get_by_role("button", name="提交认证决定").click()
    expect(page.locator(".status-badge")).to_have_text("等待认证决定")
    log_out(page)

    # --- A certifier certifies; the worker renders the certificate --------------------------------
    log_in(page, certifier.username, PASSWORD)
    page.goto(reverse("audits:decision", args=[application.pk]))
    expect(page.locator("#decision-total")).to_have_text(FOUR_STAR_TOTAL)
    page.get_by_label("批准认证").check()
    shot("decision")
    page.get_by_role("button", name="记录决定").click()
    certificate = Certificate.objects.get(application=application)
    expect(page.get_by_text(f"证书 {certificate.number} 已颁发")).to_be_visible()
    expect(page.locator("#download-pdf")).to_be_visible(timeout=90_000)  # the box polls until the PDF is ready
    expect(page.locator("#certificate")).to_contain_text("四星级")
    shot("certificate")
    pdf = page.context.request.get(reverse("audits:certificate_pdf", args=[certificate.pk]))
    assert pdf.headers["content-type"] == "application/pdf"
    text = squashed(pdf_text(pdf.body()))
    assert certificate.number in text and ENTERPRISE_NAME in text and "四星级" in text
    certificate.refresh_from_db()
    assert (certificate.star_level, str(certificate.score), certificate.holder_name) == (4, "920.00", ENTERPRISE_NAME)
    log_out(page)

    # --- Anyone can verify it; once suspended, the public page says it is not valid ----------------
    verify_valid(page, certificate)
    shot("verified-valid")

    log_in(page, certifier.username, PASSWORD)
    page.goto(reverse("audits:certificate", args=[certificate.pk]))
    page.locator("#id_target").select_option("suspended")
    page.locator("#id_reason").fill("监督审核发现售后服务热线长期无人接听，暂停证书待整改。")
    until = timezone.localdate() + datetime.timedelta(days=90)
    page.locator("#id_suspended_until").fill(until.isoformat())
    page.get_by_role("button", name="变更状态").click()
    expect(page.get_by_text(f"证书 {certificate.number} 当前状态：暂停。已通知持证企业。")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("监督审核发现售后服务热线长期无人接听")
    shot("suspended")
    log_out(page)

    page.goto(reverse("verify_certificate", args=[certificate.number]))
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("该证书无效。")
    expect(verdict).to_contain_text(f"最长至 {until:%Y-%m-%d}")
    expect(verdict).to_have_attribute("data-status", "suspended")
    shot("verified-not-valid")
