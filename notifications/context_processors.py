from __future__ import annotations

from django.http import HttpRequest

from notifications.models import Notification


def unread_count(request: HttpRequest) -> dict[str, int]:
    """The number on the bell in the top bar."""
    user = request.user
    unread = Notification.objects.for_user(user).unread().count() if user.is_authenticated else 0
    return {"unread_notifications": unread}
