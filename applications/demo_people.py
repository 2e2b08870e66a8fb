"""Demo people for `seed_demo`: one user per role, all with the DEMO_PASSWORD."""

from __future__ import annotations

from django.conf import settings

from applications.models import Enterprise
from certportal.accounts.models import User

Role = User.Role

DEMO_ENTERPRISE_NAME = "江苏演示电器科技有限公司"

STAFF = (
    ("demo-consultant", "王咨询", Role.CONSULTANT),
    ("demo-auditor", "李审核", Role.AUDITOR),
    ("demo-certifier", "赵认证", Role.CERTIFIER),
    ("demo-body-manager", "周主管", Role.BODY_MANAGER),
)


def seed_users() -> dict[str, User]:
    """Create (or reset the passwords of) the demo users; safe to run again."""
    enterprise, _ = Enterprise.objects.get_or_create(name=DEMO_ENTERPRISE_NAME)
    users = {
        "demo-enterprise": demo_user(
            "demo-enterprise", full_name="陈企业", role=Role.ENTERPRISE, enterprise=enterprise, mobile="13912345678"
        )
    }
    for username, full_name, role in STAFF:
        users[username] = demo_user(username, full_name=full_name, role=role)
    users["demo-admin"] = demo_user("demo-admin", full_name="系统管理员", role="", superuser=True)
    return users


def demo_user(
    username: str,
    *,
    full_name: str,
    role: str,
    enterprise: Enterprise | None = None,
    mobile: str = "",
    superuser: bool = False,
) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@example.com",
            "role": role,
            "enterprise": enterprise,
            "mobile": mobile,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if not user.check_password(settings.DEMO_PASSWORD):
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
