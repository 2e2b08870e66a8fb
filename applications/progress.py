"""Where an application stands, in the words of the people following it: the seed's six steps and
who the next move waits on."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application

Status = Application.Status


class Party:
    ENTERPRISE = "enterprise"
    CONSULTANT = "consultant"
    BODY = "body"
    NOBODY = ""

    LABELS: dict[str, Promise] = {
        "enterprise": _("Enterprise"),
        "consultant": _("Consultant"),
        "body": _("Certification body"),
    }


# Who must act next in each state (later features refine this with their own open items).
WAITING_ON: dict[str, str] = {
    Status.DRAFT: Party.ENTERPRISE,
    Status.INFO_SUBMITTED: Party.CONSULTANT,
    Status.FORMS_PREPARATION: Party.CONSULTANT,
    Status.AWAITING_SIGNATURE: Party.ENTERPRISE,
    Status.SUBMITTED: Party.BODY,
    Status.UNDER_REVIEW: Party.BODY,
    Status.RETURNED: Party.CONSULTANT,
    Status.AUDIT_PREPARATION: Party.ENTERPRISE,
    Status.REMOTE_AUDIT: Party.BODY,
    Status.EVALUATION: Party.BODY,
    Status.DECISION: Party.BODY,
    Status.CERTIFIED: Party.NOBODY,
    Status.NOT_CERTIFIED: Party.NOBODY,
    Status.WITHDRAWN: Party.NOBODY,
}

# The seed's steps: 信息表 → 申请文件 → 发证机构评审 → 审核准备 → 三次远程审核 → 证书.
STEPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (_("Basic information"), (Status.DRAFT,)),
    (_("Application documents"), (Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE)),
    (_("Review by the certification body"), (Status.SUBMITTED, Status.UNDER_REVIEW, Status.RETURNED)),
    (_("Audit preparation"), (Status.AUDIT_PREPARATION,)),
    (_("Three remote video audits"), (Status.REMOTE_AUDIT, Status.EVALUATION, Status.DECISION)),
    (_("Certificate"), (Status.CERTIFIED, Status.NOT_CERTIFIED)),
)


def waiting_on(application: Application) -> str:
    return WAITING_ON.get(application.status, Party.NOBODY)


def current_step(status: str) -> int:
    """Index of the step the status belongs to (withdrawn: where it stopped is unknown, so 0)."""
    for index, (_label, statuses) in enumerate(STEPS):
        if status in statuses:
            return index
    return 0


def steps_for(application: Application) -> list[dict[str, object]]:
    """The six steps with their state: done, current or to come."""
    current = current_step(application.status)
    finished = application.status == Status.CERTIFIED
    return [
        {
            "number": index + 1,
            "label": label,
            "state": "done" if index < current or (finished and index == current) else
                     "current" if index == current else "todo",
        }
        for index, (label, _statuses) in enumerate(STEPS)
    ]  # fmt: skip
