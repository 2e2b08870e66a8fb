"""Demo enterprises and applications for `seed_demo`: one application in every workflow state, each
with a consultant, a product scope and a believable timeline; demo-enterprise starts from scratch."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from applications import workflow
from applications.models import (
    Application,
    ApplicationEvent,
    Enterprise,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from applications.services import application_reference
from certportal.accounts.models import User
from certportal.lib.validators import id_check_character, uscc_check_character

Status = Application.Status
Actor = workflow.Actor

# The usual path to each state; withdrawn and returned include their detours.
FORWARD: list[str] = [
    Status.INFO_SUBMITTED,
    Status.FORMS_PREPARATION,
    Status.AWAITING_SIGNATURE,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.AUDIT_PREPARATION,
    Status.REMOTE_AUDIT,
    Status.EVALUATION,
    Status.DECISION,
]


def path_to(status: str) -> list[str]:
    if status == Status.DRAFT:
        return []
    if status == Status.RETURNED:
        return [*FORWARD[:5], Status.RETURNED]
    if status == Status.WITHDRAWN:
        return [*FORWARD[:2], Status.WITHDRAWN]
    if status in (Status.CERTIFIED, Status.NOT_CERTIFIED):
        return [*FORWARD, status]
    return FORWARD[: FORWARD.index(status) + 1]


@dataclass(frozen=True)
class DemoEnterprise:
    status: str
    name: str
    city: str
    products: tuple[tuple[str, str], ...]
    days_ago: int


DEMO_ENTERPRISES = (
    DemoEnterprise(Status.DRAFT, "苏州恒安净水设备有限公司", "苏州", (("家用净水器", "HA-RO600"),), 2),
    DemoEnterprise(
        Status.INFO_SUBMITTED, "宁波东海厨具有限公司", "宁波", (("燃气灶", "DH-Z2"), ("吸油烟机", "DH-X9")), 4
    ),
    DemoEnterprise(Status.FORMS_PREPARATION, "合肥科联空调工程有限公司", "合肥", (("中央空调", "KL-VRF"),), 7),
    DemoEnterprise(
        Status.AWAITING_SIGNATURE, "杭州云帆办公家具有限公司", "杭州", (("办公桌椅", "YF-100"), ("文件柜", "YF-G2")), 11
    ),
    DemoEnterprise(Status.SUBMITTED, "无锡瑞达电梯有限公司", "无锡", (("乘客电梯", "RD-P1000"),), 15),
    DemoEnterprise(
        Status.UNDER_REVIEW, "南京华宇安防科技有限公司", "南京", (("监控摄像机", "HY-C4"), ("门禁系统", "HY-M2")), 18
    ),
    DemoEnterprise(Status.RETURNED, "常州金石机床有限公司", "常州", (("数控车床", "JS-CK6150"),), 24),
    DemoEnterprise(Status.AUDIT_PREPARATION, "嘉兴绿源新能源有限公司", "嘉兴", (("光伏逆变器", "LY-5K"),), 21),
    DemoEnterprise(Status.REMOTE_AUDIT, "温州康泰医疗器械有限公司", "温州", (("电动病床", "KT-B3"),), 26),
    DemoEnterprise(Status.EVALUATION, "绍兴永和纺织机械有限公司", "绍兴", (("剑杆织机", "YH-J280"),), 31),
    DemoEnterprise(Status.DECISION, "扬州百川环保设备有限公司", "扬州", (("污水处理设备", "BC-W50"),), 34),
    DemoEnterprise(
        Status.CERTIFIED, "上海申达智能家居有限公司", "上海", (("智能门锁", "SD-L7"), ("智能窗帘", "SD-C2")), 38
    ),
    DemoEnterprise(Status.NOT_CERTIFIED, "徐州鼎盛工程机械有限公司", "徐州", (("小型挖掘机", "DS-E60"),), 45),
    DemoEnterprise(Status.WITHDRAWN, "台州海洋水泵有限公司", "台州", (("潜水泵", "HY-QS"),), 9),
)


def demo_uscc(seed: int) -> str:
    first_17 = f"9133{seed:04d}MA2{seed:03d}X7Q"[:17]
    return first_17 + uscc_check_character(first_17)


def demo_id_number(seed: int, *, male: bool) -> str:
    birth = datetime.date(1975, 1, 1) + timedelta(days=seed * 397)
    sequence = (seed * 2 + (1 if male else 0)) % 10
    first_17 = f"330102{birth:%Y%m%d}{seed % 100:02d}{sequence}"
    return first_17 + id_check_character(first_17)


def fill_profile(enterprise: Enterprise, *, seed: int, city: str) -> None:
    enterprise.uscc = demo_uscc(seed)
    enterprise.registered_address = f"{city}市经济技术开发区创新路 {seed + 8} 号"
    enterprise.service_address = enterprise.registered_address
    enterprise.legal_representative = "张" + "伟强敏静丽军"[seed % 6]
    enterprise.founded_on = datetime.date(2005 + seed % 12, 1 + seed % 12, 1 + seed % 27)
    enterprise.registered_capital = 1000 + seed * 150
    enterprise.kind = Enterprise.Kind.MANUFACTURER_SELLER
    enterprise.contact_person = "王" + "芳磊婷涛"[seed % 4]
    enterprise.contact_mobile = f"139{seed:04d}{5678 + seed:04d}"[:11]
    enterprise.phone = f"0571-8{seed:03d}6666"
    enterprise.email = f"service{seed}@example.cn"
    enterprise.website = f"https://www.example{seed}.cn"
    enterprise.service_hotline = f"400-8{seed:02d}-1234"
    enterprise.headcount_total = 120 + seed * 10
    enterprise.headcount_after_sales = 25 + seed
    enterprise.headcount_service_management = 20
    enterprise.sales_regions = "华东地区、全国主要城市"
    enterprise.sales_methods = "直销、经销商、网上商城、招投标"
    enterprise.certifications_held = "ISO 9001、ISO 14001、注册商标"
    enterprise.after_sales_since = 2010 + seed % 10
    enterprise.has_after_sales_department = True
    enterprise.has_qualified_staff = True
    enterprise.has_fixed_premises = True
    enterprise.has_electronic_management = True
    enterprise.keeps_service_records = True
    enterprise.save()
    ServiceOutlet.objects.bulk_create(
        [
            ServiceOutlet(enterprise=enterprise, name=f"{city}总部服务中心", address=enterprise.service_address,
                          phone=enterprise.phone, kind=ServiceOutlet.Kind.OWN, contact=enterprise.contact_person),
            ServiceOutlet(enterprise=enterprise, name="华东签约服务网点", address="上海市闵行区莘庄工业区 18 号",
                          phone="021-64001234", kind=ServiceOutlet.Kind.CONTRACTED, contact="赵师傅"),
        ]
    )  # fmt: skip
    ServiceManager.objects.bulk_create(
        [
            ServiceManager(
                enterprise=enterprise,
                name=name,
                gender="male" if male else "female",
                id_number=demo_id_number(seed * 3 + index, male=male),
                mobile=f"1380000{seed:02d}{index:02d}",
                department="售后服务部",
                post=post,
                certificate_name="售后服务管理师（高级）",
                certificate_number=f"SM-{seed:03d}-{index:03d}",
                certificate_issuer="中国商业联合会",
                certificate_issued_on=datetime.date(2022, 3 + index, 15),
            )
            for index, (name, male, post) in enumerate([("李建国", True, "部门经理"), ("陈晓红", False, "服务主管")])
        ]
    )


def seed_enterprise(demo: DemoEnterprise, *, seed: int, people: dict[str, User]) -> None:
    if Enterprise.objects.filter(name=demo.name).exists():
        return
    enterprise = Enterprise.objects.create(name=demo.name)
    fill_profile(enterprise, seed=seed, city=demo.city)
    products = [Product.objects.create(enterprise=enterprise, name=name, model=model) for name, model in demo.products]
    member = User.objects.create_user(
        username=f"demo-stage-{demo.status.replace('_', '-')}",
        password=settings.DEMO_PASSWORD,
        email=f"stage-{seed}@example.cn",
        full_name=enterprise.contact_person,
        role=User.Role.ENTERPRISE,
        enterprise=enterprise,
    )
    seed_application(enterprise, products, demo, actors={
        Actor.ENTERPRISE: member,
        Actor.CONSULTANT: people["demo-consultant"],
        Actor.AUDITOR: people["demo-auditor"],
        Actor.CERTIFIER: people["demo-certifier"],
    })  # fmt: skip


def seed_application(
    enterprise: Enterprise, products: list[Product], demo: DemoEnterprise, *, actors: dict[Actor, User]
) -> Application:
    started = timezone.now() - timedelta(days=demo.days_ago, hours=3)
    application = Application.objects.create(
        enterprise=enterprise,
        reference=application_reference(started.year),
        consultant=actors[Actor.CONSULTANT],
        desired_star_level=4,
    )
    application.scope.set(products)
    ApplicationEvent.objects.create(
        application=application, kind=ApplicationEvent.Kind.CREATED, actor=actors[Actor.ENTERPRISE],
        to_status=Status.DRAFT, created_at=started,
    )  # fmt: skip
    steps = path_to(demo.status)
    changes: dict[str, object] = {"created_at": started, "status_changed_at": started}
    source: str = Status.DRAFT
    for number, target in enumerate(steps, start=1):
        when = started + (timezone.now() - started) * number / (len(steps) + 1)
        transition = workflow.find_transition(source, target)
        assert transition is not None, (source, target)
        actor = actors[sorted(transition.actors, key=lambda a: a.value)[0]]
        comment = DEMO_COMMENTS.get(target, "")
        ApplicationEvent.objects.create(
            application=application, kind=ApplicationEvent.Kind.TRANSITION, actor=actor,
            from_status=source, to_status=target, comment=comment, created_at=when,
        )  # fmt: skip
        if target == Status.SUBMITTED and "submitted_at" not in changes:
            changes["submitted_at"] = when
        if target in Application.CLOSED_STATUSES:
            changes["closed_at"] = when
        changes["status_changed_at"] = when
        source = target
    Application.objects.filter(pk=application.pk).update(status=source, **changes)
    return application


DEMO_COMMENTS: dict[str, str] = {
    Status.RETURNED: "销售合同未覆盖全部申请产品，请补充剑杆织机以外产品的合同。",
    Status.NOT_CERTIFIED: "评分未达到 700 分，且存在 5 项特别扣分项。",
    Status.WITHDRAWN: "企业决定明年再申请。",
}


def seed_newcomer(enterprise: Enterprise) -> None:
    """demo-enterprise's company: part of the basic information, two products, no application yet."""
    if enterprise.products.exists():
        return
    enterprise.registered_address = "江苏省苏州市工业园区星湖街 328 号"
    enterprise.contact_person = "陈企业"
    enterprise.contact_mobile = "13912345678"
    enterprise.email = "service@demo-dianqi.cn"
    enterprise.save()
    Product.objects.create(enterprise=enterprise, name="空气净化器", model="DQ-A300")
    Product.objects.create(enterprise=enterprise, name="除湿机", model="DQ-D20")


def seed(people: dict[str, User]) -> None:
    newcomer = people["demo-enterprise"].enterprise
    assert newcomer is not None  # an enterprise user
    seed_newcomer(newcomer)
    for number, demo in enumerate(DEMO_ENTERPRISES, start=1):
        seed_enterprise(demo, seed=number, people=people)
