"""Joining words into a list the way the reader's language writes it: 甲、乙、丙 in Chinese,
"a, b, c" in English; clauses: 甲；乙 and "a; b"."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language


def _english() -> bool:
    return (get_language() or "").startswith("en")


def list_separator() -> str:
    return ", " if _english() else "、"


def join_list(items: Iterable[object]) -> str:
    """The items as a list in the active language."""
    return list_separator().join(str(item) for item in items)


def join_clauses(items: Iterable[object]) -> str:
    """Whole clauses (each with its own commas) in the active language."""
    return ("; " if _english() else "；").join(str(item) for item in items)
