"""The default score sheet (version 1): the indicator tree of GB/T 27922 with the seed's star thresholds.

The 400/350/250 split of the first-level indicators comes from the domain reference; the points of
the second-level indicators are not public, so these are sensible defaults that add up exactly.
Administrators change them by copying this version into a new one (old score sheets keep theirs).
This is data in Chinese, the standard's language; the English names are shown to English readers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

# (code, Chinese name, English name, points, sampled, what the auditor checks)
INDICATORS = [
    ("5.1", "售后服务体系", "After-sales service system", 400, False, "", [
        ("5.1.1", "组织架构", "Organisation", 50, False, "设立售后服务管理部门，职责、权限明确，有组织架构图。"),
        ("5.1.2", "人员配置", "Staffing", 70, True, "售后服务人员数量与资质相适应；售后服务管理师不少于服务管理人员的 10%；抽查员工资格证书、培训与考核记录。"),  # noqa: E501
        ("5.1.3", "资源配置", "Resources", 60, False, "服务场所、设备工具（含年检记录）、备品备件、服务网点和信息系统。"),  # noqa: E501
        ("5.1.4", "规范要求", "Rules and procedures", 70, False, "服务管理手册、服务流程、服务承诺与收费标准公开。"),
        ("5.1.5", "监督", "Supervision", 50, False, "服务质量监督、考核与顾客满意度调查。"),
        ("5.1.6", "改进", "Improvement", 50, False, "对投诉、调查结果的分析与改进措施及其效果。"),
        ("5.1.7", "服务文化", "Service culture", 50, False, "服务理念、服务承诺的宣传贯彻与员工认知。"),
    ]),
    ("5.2", "商品服务", "Product service", 350, False, "", [
        ("5.2.1", "商品信息", "Product information", 50, False, "商品说明书、合格证、质检报告等附属文件齐全。"),
        ("5.2.2", "技术支持", "Technical support", 60, False, "安装调试、使用指导与客户培训。"),
        ("5.2.3", "配送", "Delivery", 50, False, "发货单、交付验收单；不承担配送的企业可删减。"),
        ("5.2.4", "维修", "Repair", 80, True, "抽查维修记录单、报修记录与维修后回访记录。"),
        ("5.2.5", "质量保证", "Quality guarantee", 60, False, "三包承诺、质量保证期与易损件价目表。"),
        ("5.2.6", "废弃商品回收", "Recycling of discarded products", 50, False, "废旧商品回收渠道与记录；不适用的企业可删减。"),  # noqa: E501
    ]),
    ("5.3", "顾客服务", "Customer service", 250, False, "", [
        ("5.3.1", "顾客关系", "Customer relations", 120, False, "客户档案、巡检与回访、满意度调查。"),
        ("5.3.2", "投诉处理", "Complaint handling", 130, True, "抽查客户投诉记录：受理、处理时限、结果与回访。"),
    ]),
]  # fmt: skip


# The English of the default texts, for English readers. Keyed by the Chinese so that a text an
# administrator has changed is never given the old English.
TITLE = "GB/T 27922-2011 商品售后服务评价体系（默认）"
TITLE_EN = "GB/T 27922-2011 After-sales service evaluation system (default)"
GUIDANCE_EN = {
    "设立售后服务管理部门，职责、权限明确，有组织架构图。": (
        "An after-sales service department with clear duties and authority, and an organisation chart."
    ),
    "售后服务人员数量与资质相适应；售后服务管理师不少于服务管理人员的 10%；抽查员工资格证书、培训与考核记录。": (
        "Enough qualified after-sales staff; after-sales service managers are at least 10% of the service "
        "management staff; samples of staff qualification certificates, training and appraisal records."
    ),
    "服务场所、设备工具（含年检记录）、备品备件、服务网点和信息系统。": (
        "Service premises, equipment and tools (with yearly inspection records), spare parts, service outlets "
        "and information systems."
    ),
    "服务管理手册、服务流程、服务承诺与收费标准公开。": (
        "Service management manual, service procedures, and a published service commitment and fee schedule."
    ),
    "服务质量监督、考核与顾客满意度调查。": (
        "Supervision and appraisal of service quality, and customer satisfaction surveys."
    ),
    "对投诉、调查结果的分析与改进措施及其效果。": (
        "Analysis of complaints and survey results, the improvements made and their effect."
    ),
    "服务理念、服务承诺的宣传贯彻与员工认知。": (
        "How the service philosophy and commitment are communicated and known by the staff."
    ),
    "商品说明书、合格证、质检报告等附属文件齐全。": (
        "Complete product documents: manuals, certificates of conformity, quality inspection reports."
    ),
    "安装调试、使用指导与客户培训。": "Installation and commissioning, instructions for use and customer training.",
    "发货单、交付验收单；不承担配送的企业可删减。": (
        "Delivery notes and delivery acceptance forms; an enterprise that does not deliver may exclude this "
        "indicator (删减)."
    ),
    "抽查维修记录单、报修记录与维修后回访记录。": (
        "Samples of repair records, repair requests and follow-up visits after repair."
    ),
    "三包承诺、质量保证期与易损件价目表。": (
        "Repair, replacement and refund (三包) commitment, warranty period and price list of wearing parts."
    ),
    "废旧商品回收渠道与记录；不适用的企业可删减。": (
        "Channels and records for taking back discarded products; an enterprise to which this does not apply "
        "may exclude it (删减)."
    ),
    "客户档案、巡检与回访、满意度调查。": "Customer files, inspection and follow-up visits, satisfaction surveys.",
    "抽查客户投诉记录：受理、处理时限、结果与回访。": (
        "Samples of customer complaint records: intake, time to handle, outcome and follow-up visit."
    ),
}


def add_english(version_model: Any, indicator_model: Any) -> None:
    """Give the default texts their English where they are still the defaults (the data migration
    that added the English fields, and every new default version)."""
    version_model.objects.filter(title=TITLE, title_en="").update(title_en=TITLE_EN)
    for chinese, english in GUIDANCE_EN.items():
        indicator_model.objects.filter(guidance=chinese, guidance_en="").update(guidance_en=english)


def create_default_version(version_model: Any, indicator_model: Any, *, english: bool = True) -> Any:
    """Version 1 with its indicators, unless a published version exists. Takes the model classes so
    that the data migration can pass its historical models (`english=False` for those from before
    the English fields)."""
    existing = version_model.objects.filter(published_at__isnull=False).order_by("-number").first()
    if existing is not None:
        return existing
    version, _created = version_model.objects.get_or_create(
        number=1,
        defaults={
            "title": TITLE,
            "notes": "3 个一级指标、15 个二级指标，共 1000 分。",
            "published_at": timezone.now(),
        },
    )
    if indicator_model.objects.filter(version=version).exists():
        return version
    position = 0
    for code, name, name_en, points, sampled, guidance, children in INDICATORS:
        position += 1
        parent = indicator_model.objects.create(
            version=version, code=code, name=name, name_en=name_en, max_points=Decimal(points),
            sampled=sampled, guidance=guidance, position=position,
        )  # fmt: skip
        for child_code, child_name, child_name_en, child_points, child_sampled, child_guidance in children:
            position += 1
            indicator_model.objects.create(
                version=version, parent=parent, code=child_code, name=child_name, name_en=child_name_en,
                max_points=Decimal(child_points), sampled=child_sampled, guidance=child_guidance, position=position,
            )  # fmt: skip
    if english:
        add_english(version_model, indicator_model)
    return version
