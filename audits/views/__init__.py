"""Views of the audits, by topic: review, rounds, findings, scoring, decision, certificates, public."""
