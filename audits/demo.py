"""Demo data of the audits for `seed_demo`: the rounds, findings, score sheets and decisions of the
demo applications that reached the certification body, and certificates in every status (five more
demo enterprises hold older certificates: valid with an overdue surveillance, suspended, withdrawn,
cancelled and expired; two more wait for a certifier's decision: see seed_deadlines).
Safe to run again: applications that already have rounds are left alone."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from applications import demo as applications_demo
from applications.models import Application, ApplicationEvent, Enterprise, Product
from audits import services
from audits.demo_complaints import seed_cases
from audits.models import (
    AuditRound,
    Certificate,
    CertificateEvent,
    CertificationDecision,
    CheckInPhoto,
    DepartmentInterview,
    Finding,
    IndicatorScore,
    ScoreSheet,
    SpecialItem,
)
from audits.selectors import scored_indicators
from audits.services.certificates import add_months, surveillance_due_date
from certportal.accounts.models import User
from certportal.lib.files import generated_name

Status = Application.Status
CertStatus = Certificate.Status
Actor = applications_demo.Actor

INTERVIEWS = (
    ("售后服务部", "王芳（经理）、李强（调度）", "服务流程清晰，400 热线有派单记录；抽查 4 份维修记录，签字齐全。"),
    ("销售部", "赵敏（销售主管）", "销售合同覆盖申请产品，合同中写明三包条款和服务承诺。"),
    ("质量部", "陈立（质量工程师）", "有产品质检报告和出厂合格证；投诉分析每季度一次。"),
    ("人力资源部", "孙婷（人事专员）", "培训计划和记录齐全；售后服务管理师 2 名，持证有效。"),
)


@dataclass(frozen=True)
class HistoricalCertificate:
    """An older certificate of an extra demo enterprise, ending in `status`."""

    status: str
    name: str
    city: str
    products: tuple[tuple[str, str], ...]
    months_ago: int
    rate: str
    reason: str = ""
    status_months_ago: int = 0
    login: str = ""  # the holder's user is demo-stage-certificate-<login, or else status>


HISTORY = (
    HistoricalCertificate(
        CertStatus.EXPIRED, "金华长城五金工具有限公司", "金华", (("电动工具", "CC-D12"),), 39, "0.81"
    ),
    HistoricalCertificate(
        CertStatus.WITHDRAWN,
        "宁波中天电器有限公司",
        "宁波",
        (("电热水器", "ZT-60L"), ("燃气热水器", "ZT-G16")),
        26,
        "0.92",
        "暂停期内未完成严重不符合的整改，撤销证书。",
        2,
    ),
    HistoricalCertificate(
        CertStatus.CANCELLED,
        "嘉兴恒通物流设备有限公司",
        "嘉兴",
        (("电动叉车", "HT-F15"),),
        20,
        "0.94",
        "企业业务调整，申请注销证书。",
        3,
    ),
    HistoricalCertificate(
        CertStatus.SUSPENDED,
        "杭州信达电梯工程有限公司",
        "杭州",
        (("载货电梯", "XD-H2000"),),
        15,
        "0.84",
        "超过 12 个月未接受年度监督审核。",
        1,
    ),
    HistoricalCertificate(
        CertStatus.VALID, "湖州安吉竹木家具有限公司", "湖州", (("实木办公家具", "AJ-Z100"),), 13, "0.97"
    ),
)


def seed(people: dict[str, User]) -> None:
    auditor, certifier = people["demo-auditor"], people["demo-certifier"]
    for demo in applications_demo.DEMO_ENTERPRISES:
        application = Application.objects.filter(enterprise__name=demo.name).first()
        if application is None or AuditRound.objects.filter(application=application).exists():
            continue
        seeder = STAGE_SEEDERS.get(application.status)
        if seeder:
            seeder(application, auditor, certifier)
    for number, history in enumerate(HISTORY, start=1):
        seed_history(history, number=number, people=people)
    seed_deadlines(people)
    seed_cases(people)


# --- The demo applications, by stage -----------------------------------------------------------


def transition_time(application: Application, status: str) -> datetime.datetime | None:
    event = application.events.filter(kind=ApplicationEvent.Kind.TRANSITION, to_status=status).order_by("created_at")
    first = event.first()
    return first.created_at if first else None


def at_nine(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


def seed_preparation(application: Application, auditor: User, certifier: User) -> None:
    first, _second, _third = services.audit_setup(application)
    plan_round(first, auditor, start=at_nine(timezone.now() + timedelta(days=3)), schedule=AuditRound.Schedule.PROPOSED)


def seed_remote_audit(application: Application, auditor: User, certifier: User) -> None:
    first, second, third = services.audit_setup(application)
    began = transition_time(application, Status.REMOTE_AUDIT) or timezone.now() - timedelta(days=3)
    start = min(at_nine(began + timedelta(days=1)), at_nine(timezone.now() - timedelta(days=1)))
    run_round(first, auditor, start=start)
    plan_round(
        second, auditor, start=at_nine(timezone.now() + timedelta(days=2)), schedule=AuditRound.Schedule.CONFIRMED
    )
    plan_round(third, auditor, start=at_nine(timezone.now() + timedelta(days=6)), schedule=AuditRound.Schedule.PROPOSED)
    raise_finding(application, auditor, first, "5.2.4", Finding.Grade.GENERAL,
                  "抽查 4 份维修记录，其中 1 份没有客户签字确认。", days=10)  # fmt: skip
    sheet = services.score_sheet_ensure(application)
    score_sheet(sheet, auditor, rate=Decimal("0.93"), only=4)


def seed_evaluation(application: Application, auditor: User, certifier: User) -> None:
    rounds = services.audit_setup(application)
    run_all(application, rounds, auditor)
    answered = raise_finding(application, auditor, rounds[0], "5.1.2", Finding.Grade.GENERAL,
                             "售后服务管理师仅 1 名，未达到服务管理人员的 10%。", days=12)  # fmt: skip
    Finding.objects.filter(pk=answered.pk).update(
        status=Finding.Status.ANSWERED, root_cause="对标准条款理解不足，人员取证计划滞后。",
        correction="已安排 2 名员工参加售后服务管理师培训并取得证书。",
        corrective_action="将管理师配比纳入年度人力资源计划，每年复核一次。",
        answered_by=application.enterprise.members.first(), answered_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    observation = raise_finding(application, auditor, rounds[1], "5.3.1", Finding.Grade.OBSERVATION,
                                "客户满意度调查表样本较少，建议扩大调查范围。", days=30)  # fmt: skip
    close_finding(observation, auditor)
    score_sheet(services.score_sheet_ensure(application), auditor, rate=Decimal("0.92"), only=12)


def seed_decision(application: Application, auditor: User, certifier: User) -> None:
    rounds = services.audit_setup(application)
    run_all(application, rounds, auditor)
    serious = raise_finding(application, auditor, rounds[0], "5.3.2", Finding.Grade.SERIOUS,
                            "近 6 个月的客户投诉没有处理记录和回访记录。", days=15)  # fmt: skip
    close_finding(serious, auditor, answered=True)
    general = raise_finding(application, auditor, rounds[1], "5.2.5", Finding.Grade.GENERAL,
                            "易损件价目表未在服务网点公示。", days=15)  # fmt: skip
    close_finding(general, auditor, answered=True)
    sheet = services.score_sheet_ensure(application)
    score_sheet(sheet, auditor, rate=Decimal("0.91"))
    SpecialItem.objects.create(sheet=sheet, kind=SpecialItem.Kind.BONUS, reason="获得省级售后服务示范单位称号。",
                               created_by=auditor)  # fmt: skip
    ScoreSheet.objects.filter(pk=sheet.pk).update(
        recommendation="三次远程审核均已完成，严重不符合已整改并验证通过。建议按评分授予四星级证书。"
    )


def seed_certified(application: Application, auditor: User, certifier: User, rate: str = "0.94") -> None:
    rounds = services.audit_setup(application)
    run_all(application, rounds, auditor)
    finding = raise_finding(application, auditor, rounds[1], "5.1.3", Finding.Grade.GENERAL,
                            "部分维修工具没有年检标识。", days=10)  # fmt: skip
    close_finding(finding, auditor, answered=True)
    sheet = services.score_sheet_ensure(application)
    score_sheet(sheet, auditor, rate=Decimal(rate))
    ScoreSheet.objects.filter(pk=sheet.pk).update(recommendation="三次远程审核均已完成，建议按评分授予证书。")
    decided_at = application.closed_at or timezone.now()
    issue_certificate(application, certifier, decided_at=decided_at)


def seed_not_certified(application: Application, auditor: User, certifier: User) -> None:
    rounds = services.audit_setup(application)
    run_all(application, rounds, auditor)
    raise_finding(application, auditor, rounds[0], "5.3.2", Finding.Grade.SERIOUS,
                  "没有投诉处理制度，投诉记录缺失，无法抽样。", days=-5)  # fmt: skip
    sheet = services.score_sheet_ensure(application)
    score_sheet(sheet, auditor, rate=Decimal("0.68"))
    for reason in ("未公示维修收费标准。", "三包期内维修向客户收费。", "售后服务热线无人接听。",
                   "伪造客户满意度调查表。", "服务网点无营业执照。"):  # fmt: skip
        SpecialItem.objects.create(sheet=sheet, kind=SpecialItem.Kind.DEDUCTION, reason=reason,
                                   required_correction="立即整改并提交整改证据。", created_by=auditor)  # fmt: skip
    result = sheet.result()
    CertificationDecision.objects.create(
        application=application, outcome=CertificationDecision.Outcome.REFUSED, certifier=certifier,
        score=result.total, computed_star_level=result.star_level, star_level=0,
        reason=applications_demo.DEMO_COMMENTS[Status.NOT_CERTIFIED],
        decided_at=application.closed_at or timezone.now(),
    )  # fmt: skip


STAGE_SEEDERS: dict[str, Callable[[Application, User, User], None]] = {
    Status.AUDIT_PREPARATION: seed_preparation,
    Status.REMOTE_AUDIT: seed_remote_audit,
    Status.EVALUATION: seed_evaluation,
    Status.DECISION: seed_decision,
    Status.CERTIFIED: seed_certified,
    Status.NOT_CERTIFIED: seed_not_certified,
}


# --- Building blocks ----------------------------------------------------------------------------


def plan_round(audit_round: AuditRound, auditor: User, *, start: datetime.datetime, schedule: str) -> AuditRound:
    AuditRound.objects.filter(pk=audit_round.pk).update(
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        method=AuditRound.Method.REMOTE,
        platform=AuditRound.Platform.TENCENT_MEETING,
        meeting_link=f"https://meeting.tencent.com/dm/demo{audit_round.pk:04d}",
        meeting_code=f"{audit_round.pk:03d} 528 916",
        lead_auditor=auditor,
        enterprise_participants="王芳，售后服务部经理\n赵敏，销售主管\n陈立，质量工程师",
        schedule_status=schedule,
    )
    if schedule == AuditRound.Schedule.CONFIRMED:
        AuditRound.objects.filter(pk=audit_round.pk).update(
            responded_by=audit_round.application.enterprise.members.first(),
            responded_at=min(start - timedelta(days=2), timezone.now()),
        )
    audit_round.refresh_from_db()
    ApplicationEvent.objects.create(
        application=audit_round.application, kind=ApplicationEvent.Kind.ROUND_SCHEDULED, actor=auditor,
        data={"round": audit_round.number, "when": services.rounds.when_text(audit_round), "rescheduled": False},
        created_at=min(start - timedelta(days=4), timezone.now()),
    )  # fmt: skip
    return audit_round


def run_round(audit_round: AuditRound, auditor: User, *, start: datetime.datetime) -> None:
    """A round held at `start`: confirmed, interviews, check-in photos, done."""
    plan_round(audit_round, auditor, start=start, schedule=AuditRound.Schedule.CONFIRMED)
    for department, people, notes in INTERVIEWS[: 2 + audit_round.number % 3]:
        interview = DepartmentInterview.objects.create(
            audit_round=audit_round, department=department, interviewees=people, notes=notes, recorded_by=auditor
        )
        recorded = start + timedelta(minutes=30)
        DepartmentInterview.objects.filter(pk=interview.pk).update(created_at=recorded, updated_at=recorded)
    for moment, minutes in ((CheckInPhoto.Moment.OPENING, 5), (CheckInPhoto.Moment.CLOSING, 145)):
        content = meeting_screenshot(audit_round.number, moment)
        name = default_storage.save(
            generated_name(f"audits/rounds/{audit_round.pk}", "check-in.png"), ContentFile(content)
        )
        CheckInPhoto.objects.create(
            audit_round=audit_round, moment=moment, file=name, original_name=f"签到-{moment}.png", size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by=auditor,
            uploaded_at=start + timedelta(minutes=minutes),
        )  # fmt: skip
    summary = "按议程完成首次会议、各部门面谈、认证要求讲解和末次会议。"
    assert audit_round.ends_at is not None  # plan_round() scheduled it
    done_at = audit_round.ends_at + timedelta(minutes=20)
    AuditRound.objects.filter(pk=audit_round.pk).update(done_at=done_at, done_by=auditor, summary=summary)
    ApplicationEvent.objects.create(
        application=audit_round.application, kind=ApplicationEvent.Kind.ROUND_DONE, actor=auditor, comment=summary,
        data={"round": audit_round.number, "when": services.rounds.when_text(audit_round)}, created_at=done_at,
    )  # fmt: skip


def run_all(application: Application, rounds: list[AuditRound], auditor: User) -> None:
    """All three rounds held between the start of the remote audits and their end."""
    began = transition_time(application, Status.REMOTE_AUDIT) or timezone.now() - timedelta(days=12)
    ended = transition_time(application, Status.EVALUATION) or timezone.now() - timedelta(days=1)
    step = (ended - began) / 4
    previous_end = began - timedelta(days=1)
    for audit_round in rounds:
        start = at_nine(began + step * audit_round.number)
        while start <= previous_end:  # one round a day, at nine in the morning
            start += timedelta(days=1)
        run_round(audit_round, auditor, start=start)
        previous_end = start + timedelta(hours=2, minutes=30)


def meeting_screenshot(number: int, moment: str) -> bytes:
    """A stand-in for a video-meeting screenshot: a gallery of participant tiles."""
    image = Image.new("RGB", (640, 360), (32, 33, 36))
    draw = ImageDraw.Draw(image)
    colours = [(66, 133, 244), (219, 68, 55), (244, 180, 0), (15, 157, 88), (171, 71, 188), (0, 172, 193)]
    for index in range(6):
        x, y = 20 + (index % 3) * 205, 20 + (index // 3) * 165
        draw.rounded_rectangle((x, y, x + 190, y + 150), radius=10, fill=colours[(index + number) % 6])
        draw.ellipse((x + 70, y + 35, x + 120, y + 85), fill=(240, 240, 240))
        draw.rectangle((x + 55, y + 95, x + 135, y + 135), fill=(240, 240, 240))
    draw.text((20, 340), f"round {number} - {moment}", fill=(200, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def raise_finding(application: Application, auditor: User, audit_round: AuditRound, code: str, grade: str,
                  description: str, *, days: int) -> Finding:  # fmt: skip
    sheet = services.score_sheet_ensure(application)
    number = Finding.objects.filter(application=application).count() + 1
    finding = Finding.objects.create(
        application=application, audit_round=audit_round, number=number, grade=grade, description=description,
        indicator=sheet.version.indicators.get(code=code), deadline=timezone.localdate() + timedelta(days=days),
        raised_by=auditor,
    )  # fmt: skip
    ApplicationEvent.objects.create(
        application=application, kind=ApplicationEvent.Kind.FINDING_RAISED, actor=auditor,
        data={"code": finding.code, "grade": grade, "indicator": code},
        created_at=(audit_round.ends_at or timezone.now()),
    )  # fmt: skip
    return finding


def close_finding(finding: Finding, auditor: User, *, answered: bool = False) -> None:
    member = finding.application.enterprise.members.first()
    held = finding.audit_round.ends_at if finding.audit_round and finding.audit_round.ends_at else timezone.now()
    verified_at = min(held + timedelta(days=2), timezone.now())
    changes: dict[str, object] = {"status": Finding.Status.CLOSED, "verified_by": auditor, "verified_at": verified_at}
    if answered:
        changes.update(
            root_cause="相关制度执行不到位，缺少检查。", correction="已当场整改。",
            corrective_action="修订制度并组织培训，由部门经理每月检查。", answered_by=member,
            answered_at=verified_at - timedelta(days=1), verification_note="整改证据充分，予以关闭。",
        )  # fmt: skip
    Finding.objects.filter(pk=finding.pk).update(**changes)


def score_sheet(sheet: ScoreSheet, auditor: User, *, rate: Decimal, only: int | None = None) -> None:
    """Score the indicators around `rate` of their points, with a little variety."""
    variety = [Decimal("0.02"), Decimal("-0.03"), Decimal("0.01"), Decimal("0"), Decimal("-0.01")]
    for index, indicator in enumerate(scored_indicators(sheet)[:only]):
        share = min(Decimal(1), max(Decimal(0), rate + variety[index % len(variety)]))
        values: dict[str, object] = {"scored_by": auditor}
        if indicator.sampled:
            values.update(samples=20, failed_samples=int((1 - share) * 20))
        else:
            values.update(awarded=(indicator.max_points * share).quantize(Decimal("1")))
        IndicatorScore.objects.update_or_create(sheet=sheet, indicator=indicator, defaults=values)


def issue_certificate(application: Application, certifier: User, *, decided_at: datetime.datetime) -> Certificate:
    result = application.score_sheet.result()
    decision = CertificationDecision.objects.create(
        application=application, outcome=CertificationDecision.Outcome.CERTIFIED, certifier=certifier,
        score=result.total, computed_star_level=result.star_level, star_level=max(result.star_level, 2),
        decided_at=decided_at,
    )  # fmt: skip
    certificate = services.certificate_issue(
        application=application, decision=decision, actor=certifier, today=timezone.localdate(decided_at)
    )
    CertificateEvent.objects.filter(certificate=certificate).update(created_at=decided_at)
    ApplicationEvent.objects.filter(application=application, kind=ApplicationEvent.Kind.CERTIFICATE_ISSUED).update(
        created_at=decided_at
    )
    return certificate


# --- Older certificates of extra demo enterprises ------------------------------------------------


def seed_history(history: HistoricalCertificate, *, number: int, people: dict[str, User]) -> None:
    if Enterprise.objects.filter(name=history.name).exists():
        return
    enterprise = Enterprise.objects.create(name=history.name)
    applications_demo.fill_profile(enterprise, seed=60 + number, city=history.city)
    products = [
        Product.objects.create(enterprise=enterprise, name=name, model=model) for name, model in history.products
    ]
    member = User.objects.create_user(
        username=f"demo-stage-certificate-{history.login or history.status}",
        password=settings.DEMO_PASSWORD,
        email=f"holder-{number}@example.cn",
        full_name=enterprise.contact_person,
        role=User.Role.ENTERPRISE,
        enterprise=enterprise,
    )
    demo = applications_demo.DemoEnterprise(Status.CERTIFIED, history.name, history.city, history.products, 38)
    application = applications_demo.seed_application(enterprise, products, demo, actors={
        Actor.ENTERPRISE: member, Actor.CONSULTANT: people["demo-consultant"],
        Actor.AUDITOR: people["demo-auditor"], Actor.CERTIFIER: people["demo-certifier"],
    })  # fmt: skip
    # Move the whole story back in time, so that it ended when the certificate was issued.
    application.refresh_from_db()
    issued_at = timezone.now() - timedelta(days=round(history.months_ago * 30.4))
    shift = (application.closed_at or timezone.now()) - issued_at
    application.events.update(created_at=F("created_at") - shift)
    Application.objects.filter(pk=application.pk).update(
        created_at=F("created_at") - shift, status_changed_at=F("status_changed_at") - shift,
        submitted_at=F("submitted_at") - shift, closed_at=F("closed_at") - shift,
    )  # fmt: skip
    application.refresh_from_db()
    seed_certified(application, people["demo-auditor"], people["demo-certifier"], rate=history.rate)
    certificate = Certificate.objects.get(application=application)
    finish_history(certificate, history)


def finish_history(certificate: Certificate, history: HistoricalCertificate) -> None:
    """Bring the certificate to its demo status, with the events that led there."""
    if history.status == CertStatus.VALID:
        return  # its first surveillance audit is overdue: the staff see it flagged
    if history.status == CertStatus.EXPIRED:
        done = 2
        changed_on = certificate.expires_on + timedelta(days=1)
    else:
        done = 1 if history.status in (CertStatus.WITHDRAWN, CertStatus.CANCELLED) else 0
        changed_on = add_months(timezone.localdate(), -history.status_months_ago)
    for number in range(1, done + 1):
        done_on = add_months(certificate.issued_on, 12 * number)
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.SURVEILLANCE, reason="监督审核符合要求。",
            data={"done_on": done_on.isoformat(), "number": number},
            created_at=timezone.make_aware(datetime.datetime.combine(done_on, datetime.time(15))),
        )  # fmt: skip
    reason = history.reason or f"证书有效期已于 {certificate.expires_on.isoformat()} 届满。"
    changed_at = timezone.make_aware(datetime.datetime.combine(changed_on, datetime.time(10)))
    suspended_until = add_months(changed_on, 5) if history.status == CertStatus.SUSPENDED else None
    Certificate.objects.filter(pk=certificate.pk).update(
        status=history.status, status_reason=reason, status_changed_at=changed_at, suspended_until=suspended_until,
        surveillances_done=done, surveillance_due_on=surveillance_due_date(certificate.issued_on, done),
    )  # fmt: skip
    CertificateEvent.objects.create(
        certificate=certificate, kind=CertificateEvent.Kind.STATUS_CHANGED,
        actor=None if history.status == CertStatus.EXPIRED else certificate.application.decision.certifier,
        from_status=CertStatus.VALID, to_status=history.status, reason=reason, created_at=changed_at,
        data={"suspended_until": suspended_until.isoformat()} if suspended_until else {},
    )  # fmt: skip
    ApplicationEvent.objects.create(
        application=certificate.application, kind=ApplicationEvent.Kind.CERTIFICATE_STATUS,
        actor=None if history.status == CertStatus.EXPIRED else certificate.application.decision.certifier,
        comment=reason, created_at=changed_at,
        data={"number": certificate.number, "from": CertStatus.VALID, "to": history.status},
    )  # fmt: skip


def seed_deadlines(people: dict[str, User]) -> None:
    """Two more holders with a decision waiting for the certifiers: a surveillance audit overdue past
    its grace period (a suspension to decide) and a suspension whose end date has passed."""
    deadlines = (
        HistoricalCertificate(
            CertStatus.VALID, "绍兴越达纺织机械有限公司", "绍兴", (("喷气织机", "YD-J280"),), 17, "0.88",
            login="overdue",
        ),
        HistoricalCertificate(
            CertStatus.SUSPENDED, "温州瓯江阀门有限公司", "温州", (("球阀", "OJ-Q50"),), 20, "0.86",
            "监督审核发现服务记录缺失，限期整改。", 7, login="lapsed",
        ),
    )  # fmt: skip
    for number, history in enumerate(deadlines, start=len(HISTORY) + 1):
        seed_history(history, number=number, people=people)
