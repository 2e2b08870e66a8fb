"""The review page's extension point. Other features (the evidence checklist, the application forms,
the pre-audit documents) add a template here from their AppConfig.ready(); the review page includes
each one with `application` and `user` in its context, after the enterprise's profile and scope."""

from __future__ import annotations

REVIEW_SECTIONS: list[str] = []


def register_review_section(template_name: str) -> None:
    if template_name not in REVIEW_SECTIONS:
        REVIEW_SECTIONS.append(template_name)
