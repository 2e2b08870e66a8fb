"""Structured logs: a request id on every line, JSON output, and no personal data.

Kept free of Django settings so that gunicorn's own configuration can use the same formatter.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from certportal.lib.validators import mask_id_number, mask_mobile

if TYPE_CHECKING:
    from celery import Task

# The id of the request (or Celery task) being handled in this thread or coroutine.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An 18-character resident ID number standing alone (not inside a longer number or word).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# A mainland mobile number, with or without +86 and the usual separators.
MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")

# Attributes every LogRecord has; anything else was passed with `extra=` and goes into the JSON.
STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "task_id", "task_name"}
)


def mask_personal_data(text: str) -> str:
    """110105********002X and 139****5678 in place of ID numbers and mobile numbers."""
    text = ID_NUMBER.sub(lambda match: mask_id_number(match.group(0)), text)
    return MOBILE.sub(lambda match: mask_mobile("".join(match.groups())), text)


class PersonalDataFilter(logging.Filter):
    """Masks ID and mobile numbers in the message, its arguments, the traceback and extra fields.

    It sits on the handler, not on a logger, so it sees every record that is written out, whichever
    library logged it (a database error can quote a row's values).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_data(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
            # The formatter would otherwise print the traceback again from exc_info, unmasked.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in STANDARD_ATTRIBUTES and not isinstance(value, int | float | bool | None):
                # Structures (Celery passes a task's arguments as a dict) are written out as text anyway.
                setattr(record, key, mask_personal_data(value if isinstance(value, str) else repr(value)))
        return True


class ContextFilter(logging.Filter):
    """Adds `request_id`, and in a Celery worker `task_id` and `task_name`, to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        task = _current_task()
        if task is not None:
            record.task_id = task.request.id
            record.task_name = task.name
        return True


def _current_task() -> Task | None:
    from celery import current_task

    return current_task if current_task and current_task.request.id else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key in ("task_id", "task_name"):
            if getattr(record, key, None):
                entry[key] = getattr(record, key)
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, log_format: str, level: str, loggers: dict[str, dict[str, object]]) -> dict[str, object]:
    """The portal's logging (Django, Celery and gunicorn alike): one line per event on stderr, with
    the request or task id, and personal data masked whatever logged it."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "certportal.lib.logs.ContextFilter"},
            "personal_data": {"()": "certportal.lib.logs.PersonalDataFilter"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "certportal.lib.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context", "personal_data"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers,
    }
