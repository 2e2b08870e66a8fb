"""Demo complaints and appeals for `seed_demo`: one complaint in each state (one of them calling for
a special surveillance) and appeals waiting and decided, handled by the demo body manager (who took
no part in the demo audits and decisions). Safe to run again."""

from __future__ import annotations

from django.utils import timezone

from audits.models import Appeal, Certificate, Complaint
from audits.services import complaints
from certportal.accounts.models import User

TEXTS = (
    ("holder", "钱女士", "qian@example.com", "空调安装后漏水，售后电话三天无人回复，上门维修一再推迟。"),
    ("body", "孙先生", "sun@example.com", "证书查询页面显示的地址与企业实际经营地址不一致。"),
    ("holder", "周先生", "zhou@example.com", "承诺的 24 小时上门服务实际用了五天。"),
)


def seed_cases(people: dict[str, User]) -> None:
    if Complaint.objects.exists() or Appeal.objects.exists():
        return
    manager = people["demo-body-manager"]
    certificates = list(Certificate.objects.filter(status=Certificate.Status.VALID).order_by("-issued_on")[:3])
    if not certificates:
        return
    filed = [
        complaints.complaint_file(
            certificate=certificates[index % len(certificates)],
            filing=complaints.ComplaintFiling(about=about, name=name, email=email, text=text),
        )
        for index, (about, name, email, text) in enumerate(TEXTS)
    ]
    for complaint in filed[1:]:
        complaints.complaint_assign(complaint=complaint, actor=manager, assignee=manager)
    answered = Complaint.objects.get(pk=filed[2].pk)
    complaints.complaint_answer(
        complaint=answered, actor=manager, outcome=Complaint.Outcome.UPHELD, special_surveillance=True,
        answer="经核实，投诉属实。已要求企业整改，并将对该证书安排专项监督审核。",
    )  # fmt: skip
    _seed_appeals(manager)


def _seed_appeals(manager: User) -> None:
    """Two holders appeal a recent decision: one appeal waits for the body manager, one is decided."""
    today = timezone.localdate()
    holders = [
        (certificate, user, open_decisions[0].against)
        for certificate in Certificate.objects.order_by("-issued_on")
        if (user := User.objects.filter(enterprise_id=certificate.enterprise_id, is_active=True).first())
        and (open_decisions := complaints.appealable_decisions(certificate.application, today))
    ]
    for index, (certificate, user, against) in enumerate(holders[:2]):
        appeal = complaints.appeal_file(
            application=certificate.application, actor=user, against=against,
            grounds="该决定所依据的事实有误，请予复核。",
        )  # fmt: skip
        if index == 1 and complaints.appeal_assign_problem(appeal, manager, manager) is None:
            complaints.appeal_assign(appeal=appeal, actor=manager, assignee=manager)
            appeal.refresh_from_db()
            complaints.appeal_decide(
                appeal=appeal, actor=manager, outcome=Appeal.Outcome.REJECTED,
                reason="复核后确认授权网点已计入评分，维持原星级。",
            )  # fmt: skip
