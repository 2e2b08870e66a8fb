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


def create_default_version(version_model: Any, indicator_model: Any) -> Any:
    """Version 1 with its indicators, unless a published version exists. Takes the model classes so
    that the data migration can pass its historical models."""
    existing = version_model.objects.filter(published_at__isnull=False).order_by("-number").first()
    if existing is not None:
        return existing
    version, _created = version_model.objects.get_or_create(
        number=1,
        defaults={
            "title": "GB/T 27922-2011 商品售后服务评价体系（默认）",
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
    return version
