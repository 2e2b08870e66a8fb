"""What the public landing page says about the certification (content, kept apart from layout)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

BENEFITS = (
    (
        _("Authoritative recognition"),
        _("Certification shows that the enterprise's service stands out nationwide and across its industry."),
    ),
    (
        _("Tenders and public procurement"),
        _("Large enterprises, institutions and government buyers use it as a reference or a requirement."),
    ),
    (
        _("Trusted by consumers"),
        _("Certified products and packaging may carry the after-sales service star mark."),
    ),
    (
        _("Service that meets the national standard"),
        _("The enterprise's service capability reaches GB/T 27922 and its service management grows stronger."),
    ),
    (
        _("Continuous improvement"),
        _("A complete service system builds a good reputation and lasting returns from service."),
    ),
)

STEPS = (
    (_("Basic information"), _("Your enterprise fills in the basic information form online.")),
    (
        _("Application documents"),
        _("Your consultant prepares the application form, contract and lists; you sign and stamp them."),
    ),
    (_("Review by the certification body"), _("The certification body reviews the application and evidence.")),
    (
        _("Audit preparation"),
        _("You provide the financial audit report, tax returns, social-insurance and health-check proofs."),
    ),
    (
        _("Three remote video audits"),
        _("Auditors meet your team by video, interview each department and explain the requirements."),
    ),
    (_("Certificate"), _("After the decision you receive a star-rated certificate that anyone can verify online.")),
)

STAR_LEVELS = (
    (5, 950, _("Five stars")),
    (4, 900, _("Four stars")),
    (3, 800, _("Three stars")),
    (2, 700, _("Two stars")),
)

EVIDENCE_EXAMPLES = (
    _("Business licence"),
    _("Company profile and service management manual"),
    _("Sales contracts and quality inspection reports covering every product applied for"),
    _("Delivery, installation, repair, inspection-visit and follow-up records"),
    _("Customer satisfaction surveys, complaint and training records"),
    _("Staff training, qualification and performance records"),
    _("List of service outlets and the roster of after-sales service managers"),
)


def context() -> dict[str, Any]:
    return {
        "benefits": BENEFITS,
        "steps": STEPS,
        "star_levels": STAR_LEVELS,
        "evidence_examples": EVIDENCE_EXAMPLES,
    }
