"""The consultant's review: accept or send back each file or a whole item, with a reason picked from
the common ones and/or typed; a rejected item reopens for the enterprise, which sees what to do;
every upload, replacement, withdrawal, acceptance and rejection is on the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.models import ApplicationEvent, EvidenceFile, EvidenceRequirement
from tests.applications.evidence_samples import image_bytes, pdf_bytes, upload
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db


def requirement_of(application, code: str) -> EvidenceRequirement:
    return application.evidence_requirements.select_related("item", "application").get(item__code=code)


def uploaded(application, code: str, user, name: str = "文件.pdf") -> EvidenceFile:
    return services.evidence_upload(
        requirement=requirement_of(application, code), actor=user, upload=upload(name, pdf_bytes())
    )


def test_consultant_accepts_a_file(evidence_application, enterprise_user, consultant) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user, "公司简介.pdf")
    client = client_for(consultant)
    response = client.post(reverse("applications:evidence_file_review", args=[evidence.pk]), {"decision": "accept"})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.status, evidence.reviewed_by) == (EvidenceFile.Status.ACCEPTED, consultant)
    assert "“公司简介.pdf”已通过。" in client.get(response["Location"]).content.decode()


def test_sending_back_needs_a_reason(evidence_application, enterprise_user, consultant) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user)
    response = client_for(consultant).post(
        reverse("applications:evidence_file_review", args=[evidence.pk]), {"decision": "reject", "reason": "  "}
    )
    assert response.status_code == 400
    assert "请填写原因，以便企业知道该怎么做。" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.status == EvidenceFile.Status.PENDING
    with pytest.raises(ValidationError, match="请填写原因"):
        services.evidence_file_reject(evidence=evidence, actor=consultant, reason="")


def test_common_reason_and_free_text_are_combined(evidence_application, enterprise_user, consultant) -> None:
    evidence = uploaded(evidence_application, "13", enterprise_user, "验收单.pdf")
    client_for(consultant).post(
        reverse("applications:evidence_file_review", args=[evidence.pk]),
        {"decision": "reject", "reason_choice": "customer", "reason": "第二页"},
    )
    evidence.refresh_from_db()
    assert evidence.status == EvidenceFile.Status.REJECTED
    assert evidence.review_reason == "缺少客户签字或盖章。 第二页"
    event = ApplicationEvent.objects.get(kind="evidence_rejected")
    assert (event.comment, event.data["file"], event.data["item"]) == (
        "缺少客户签字或盖章。 第二页",
        "验收单.pdf",
        "13",
    )


def test_rejected_file_reopens_the_item_with_the_reason_shown(
    evidence_application, enterprise_user, consultant
) -> None:
    evidence = uploaded(evidence_application, "13", enterprise_user, "验收单.pdf")
    put_in_status(evidence_application, "submitted")
    evidence.refresh_from_db()
    services.evidence_file_reject(evidence=evidence, actor=consultant, reason="扫描件不清晰")
    page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[evidence.requirement_id]))
    html = page.content.decode()
    reasons = html.split('id="item-reasons"')[1].split("</div>")[0]
    assert "验收单.pdf: 扫描件不清晰" in reasons and "请替换相关文件" in reasons
    assert 'id="evidence-upload-form"' in html  # reopened although the application is with the body
    assert reverse("applications:evidence_file_replace", args=[evidence.pk]) in html
    new = services.evidence_replace(
        evidence=evidence, actor=enterprise_user, upload=upload("验收单-清晰.pdf", pdf_bytes())
    )
    assert new.version == 2


def test_item_is_closed_again_after_submission_unless_sent_back(evidence_application, enterprise_user) -> None:
    put_in_status(evidence_application, "under_review")
    requirement = requirement_of(evidence_application, "13")
    html = (
        client_for(enterprise_user)
        .get(reverse("applications:evidence_requirement", args=[requirement.pk]))
        .content.decode()
    )
    assert 'id="evidence-upload-form"' not in html
    assert "只有咨询老师退回的项目才能修改证据" in html


def test_accepting_the_item_accepts_every_pending_file_and_lifts_a_rejection(
    evidence_application, enterprise_user, consultant
) -> None:
    requirement = requirement_of(evidence_application, "5")
    first = uploaded(evidence_application, "5", enterprise_user, "ISO9001.pdf")
    second = uploaded(evidence_application, "5", enterprise_user, "商标注册证.pdf")
    services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="还缺商标注册证")
    response = client_for(consultant).post(
        reverse("applications:evidence_requirement_review", args=[requirement.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.review_status == EvidenceRequirement.ReviewStatus.ACCEPTED
    assert set(EvidenceFile.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "accepted"
    }
    assert ApplicationEvent.objects.filter(kind="evidence_accepted").count() == 2


def test_sending_the_item_back_shows_the_reason_to_the_enterprise(
    evidence_application, enterprise_user, consultant
) -> None:
    requirement = requirement_of(evidence_application, "2")
    response = client_for(consultant).post(
        reverse("applications:evidence_requirement_review", args=[requirement.pk]),
        {"decision": "reject", "reason_choice": "products"},
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.review_reason == "未覆盖申请范围内的产品。"
    checklist = client_for(enterprise_user).get(reverse("applications:evidence", args=[evidence_application.pk]))
    missing = checklist.content.decode().split('id="still-missing"')[1].split("</ul>")[0]
    assert missing.index("第 2 项") < missing.index("第 0 项")
    assert "未覆盖申请范围内的产品。" in missing


def test_accepting_a_new_file_answers_the_items_rejection(evidence_application, enterprise_user, consultant) -> None:
    requirement = requirement_of(evidence_application, "1")
    services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="请上传最新版简介")
    evidence = uploaded(evidence_application, "1", enterprise_user, "简介-2025.pdf")
    services.evidence_file_accept(evidence=evidence, actor=consultant)
    requirement.refresh_from_db()
    assert not requirement.is_rejected


def test_consultant_can_take_back_an_acceptance(evidence_application, enterprise_user, consultant) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user)
    services.evidence_file_accept(evidence=evidence, actor=consultant)
    services.evidence_file_reject(evidence=evidence, actor=consultant, reason="发现盖章不清楚")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceFile.Status.REJECTED


def test_profile_items_have_nothing_to_review(evidence_application, consultant) -> None:
    with pytest.raises(ValidationError, match="无需审核"):
        services.evidence_requirement_accept(requirement=requirement_of(evidence_application, "26"), actor=consultant)


def test_closed_application_cannot_be_reviewed(evidence_application, enterprise_user, consultant) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user)
    put_in_status(evidence_application, "withdrawn")
    evidence = EvidenceFile.objects.select_related("requirement__application").get(pk=evidence.pk)
    with pytest.raises(ValidationError, match="该申请已结束"):
        services.evidence_file_accept(evidence=evidence, actor=consultant)


def test_every_evidence_step_is_on_the_timeline(evidence_application, enterprise_user, consultant) -> None:
    first = uploaded(evidence_application, "16", enterprise_user, "维修记录-1.pdf")
    services.evidence_file_reject(evidence=first, actor=consultant, reason="缺少客户确认")
    second = services.evidence_replace(
        evidence=first, actor=enterprise_user, upload=upload("维修记录-1b.png", image_bytes())
    )
    services.evidence_file_accept(evidence=second, actor=consultant)
    third = uploaded(evidence_application, "16", enterprise_user, "维修记录-多余.pdf")
    services.evidence_withdraw(evidence=third, actor=enterprise_user)
    services.evidence_answer(requirement=requirement_of(evidence_application, "29"), actor=enterprise_user, answer=True)
    kinds = list(
        ApplicationEvent.objects.filter(application=evidence_application, kind__startswith="evidence_")
        .order_by("pk")
        .values_list("kind", "data__file")
    )
    assert kinds == [
        ("evidence_uploaded", "维修记录-1.pdf"),
        ("evidence_rejected", "维修记录-1.pdf"),
        ("evidence_replaced", "维修记录-1b.png"),
        ("evidence_accepted", "维修记录-1b.png"),
        ("evidence_uploaded", "维修记录-多余.pdf"),
        ("evidence_withdrawn", "维修记录-多余.pdf"),
        ("evidence_answered", None),
    ]
    timeline = client_for(enterprise_user).get(reverse("applications:detail", args=[evidence_application.pk]))
    html = timeline.content.decode().split('id="timeline"')[1]
    for text in ["证据已上传", "证据已退回", "证据已替换", "证据已通过", "证据已撤回", "已回答清单问题",
                 "第 16 项 维修记录单", "维修记录-1b.png", "“缺少客户确认”"]:  # fmt: skip
        assert text in html, text


def test_timeline_shows_item_titles_in_english_for_english_readers(evidence_application, enterprise_user) -> None:
    uploaded(evidence_application, "16", enterprise_user, "repair.pdf")
    enterprise_user.language = "en"
    enterprise_user.save()
    client = client_for(enterprise_user)
    client.cookies["certportal_language"] = "en"
    html = client.get(reverse("applications:detail", args=[evidence_application.pk])).content.decode()
    assert "No. 16 Repair records" in html


def test_an_items_evidence_events_fold_into_one_timeline_line(evidence_application, enterprise_user) -> None:
    services.application_transition(application=evidence_application, actor=enterprise_user, target="info_submitted")
    for number in range(5):
        uploaded(evidence_application, "16", enterprise_user, f"维修记录-{number}.pdf")
    html = (
        client_for(enterprise_user).get(reverse("applications:detail", args=[evidence_application.pk])).content.decode()
    )
    timeline = html.split('id="timeline"')[1]
    before, group = timeline.split('class="list-group-item event-group"')
    group = group.split("</details>")[0]
    assert "第 16 项 维修记录单：5 条证据记录" in group and "证据已上传 5" in group
    assert all(f"维修记录-{number}.pdf" in group for number in range(5))
    assert "基本信息已提交" not in before, "newest first: the item's uploads came after the status change"
    assert "基本信息已提交" in timeline.split("</details>")[1]  # status changes stay visible


def test_a_reason_too_long_is_named_in_the_message_and_nothing_changes(
    evidence_application, enterprise_user, consultant
) -> None:
    evidence = uploaded(evidence_application, "5", enterprise_user, "ISO9001.pdf")
    response = client_for(consultant).post(
        reverse("applications:evidence_file_review", args=[evidence.pk]), {"decision": "reject", "reason": "长" * 1001}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "原因" in page and "1000" in page, "the message says which field and what is wrong"
    assert "请选择“通过”或“退回”" not in page
    evidence.refresh_from_db()
    assert evidence.status == EvidenceFile.Status.PENDING
