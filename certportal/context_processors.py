from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from certportal.navigation import nav_items_for


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": nav_items_for(request.user),
        "certification_body_name": settings.CERTIFICATION_BODY_NAME,
        "certification_body_approval_number": settings.CERTIFICATION_BODY_APPROVAL_NUMBER,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
