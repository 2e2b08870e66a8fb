"""The workflow table: every allowed transition works for its actors, every other attempt fails."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from applications import services, workflow
from applications.models import Application, ApplicationEvent
from tests.conftest import put_in_status
from tests.factories import complete_evidence, forms_ready

pytestmark = pytest.mark.django_db

Status = Application.Status
PERSONAS = ["enterprise_user", "other_enterprise_user", "consultant", "other_consultant", "auditor", "certifier"]
ACTOR_OF = {
    "enterprise_user": workflow.Actor.ENTERPRISE,
    "consultant": workflow.Actor.CONSULTANT,
    "auditor": workflow.Actor.AUDITOR,
    "certifier": workflow.Actor.CERTIFIER,
}
CASES = [(t, persona) for t in workflow.TRANSITIONS for persona in PERSONAS]


def comment_for(transition: workflow.Transition) -> str:
    return "请补充材料" if transition.comment_required else ""


def kind_of(transition: workflow.Transition) -> str:
    """The kind of application whose path has this step (the surveillance rows serve only that kind)."""
    return sorted(transition.kinds)[0]


@pytest.mark.parametrize(
    ("transition", "persona"), CASES, ids=[f"{kind_of(t)}:{t.source}->{t.target}-{p}" for t, p in CASES]
)
def test_each_transition_for_each_persona(
    transition: workflow.Transition,
    persona: str,
    application: Application,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = request.getfixturevalue(persona)
    # Who may act is tested here; the preconditions features add (audits, evidence...) are tested
    # with those features.
    monkeypatch.setattr(transition, "preconditions", [])
    Application.objects.filter(pk=application.pk).update(kind=kind_of(transition))
    put_in_status(application, transition.source)
    allowed = ACTOR_OF.get(persona) in transition.actors
    if allowed:
        event = services.application_transition(
            application=application, actor=user, target=transition.target, comment=comment_for(transition)
        )
        application.refresh_from_db()
        assert application.status == transition.target
        assert (event.from_status, event.to_status, event.actor) == (transition.source, transition.target, user)
    else:
        with pytest.raises(PermissionDenied):
            services.application_transition(
                application=application, actor=user, target=transition.target, comment=comment_for(transition)
            )
        application.refresh_from_db()
        assert application.status == transition.source
        assert not application.events.filter(kind=ApplicationEvent.Kind.TRANSITION).exists()


FORBIDDEN = [
    (source, target)
    for source in Status.values
    for target in Status.values
    if source != target and workflow.find_transition(source, target) is None
]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=[f"{s}->{t}" for s, t in FORBIDDEN])
def test_transitions_not_in_the_table_are_refused(
    source: str, target: str, application: Application, enterprise_user, consultant, auditor, certifier
) -> None:
    put_in_status(application, source)
    for user in (enterprise_user, consultant, auditor, certifier):
        with pytest.raises(services.TransitionError):
            services.application_transition(application=application, actor=user, target=target, comment="x")
    application.refresh_from_db()
    assert application.status == source


def test_withdrawal_is_possible_from_every_open_state_and_never_from_a_closed_one() -> None:
    for status in Status.values:
        allowed = workflow.find_transition(status, Status.WITHDRAWN) is not None
        assert allowed == (status not in Application.CLOSED_STATUSES), status


def test_comment_is_required_to_return_an_application(application, auditor) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    with pytest.raises(services.TransitionError, match="请说明原因"):
        services.application_transition(application=application, actor=auditor, target=Status.RETURNED, comment="  ")


def test_incomplete_profile_blocks_submitting_the_information(application, enterprise_user) -> None:
    enterprise = application.enterprise
    enterprise.legal_representative = ""
    enterprise.save()
    with pytest.raises(services.TransitionError) as error:
        services.application_transition(application=application, actor=enterprise_user, target=Status.INFO_SUBMITTED)
    assert "法定代表人" in error.value.messages[0]


def test_a_precondition_in_the_table_blocks_with_its_message(application, consultant, monkeypatch) -> None:
    put_in_status(application, Status.AWAITING_SIGNATURE)
    transition = workflow.find_transition(Status.AWAITING_SIGNATURE, Status.SUBMITTED)
    assert transition is not None
    blocker = lambda application, actor: "证据尚未齐全"  # noqa: E731
    monkeypatch.setattr(transition, "preconditions", [blocker])
    with pytest.raises(services.TransitionError, match="证据尚未齐全"):
        services.application_transition(application=application, actor=consultant, target=Status.SUBMITTED)


def test_the_table_lists_every_precondition_of_its_topics() -> None:
    """Evidence, forms and audits are named in the table itself, not added at start-up."""
    from applications.services import evidence
    from applications.services import forms as documents
    from audits import interface

    def checks(source: str, target: str) -> list[object]:
        transition = workflow.find_transition(source, target)
        assert transition is not None
        return list(transition.preconditions)

    assert evidence.evidence_is_complete in checks(Status.AWAITING_SIGNATURE, Status.SUBMITTED)
    assert documents.forms_are_signed in checks(Status.RETURNED, Status.SUBMITTED)
    assert documents.forms_are_generated in checks(Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE)
    assert evidence.pre_audit_documents_are_complete in checks(Status.AUDIT_PREPARATION, Status.REMOTE_AUDIT)
    assert interface.rounds_are_done in checks(Status.REMOTE_AUDIT, Status.EVALUATION)
    assert interface.score_sheet_is_complete in checks(Status.EVALUATION, Status.DECISION)
    assert checks(Status.DECISION, Status.CERTIFIED) == [
        interface.impartiality_problem,
        interface.open_serious_findings_problem,
        interface.score_qualifies_problem,
    ]
    assert not hasattr(workflow, "add_precondition")


def test_submission_sets_submitted_at_and_body_staff_can_then_see_it(application, consultant, auditor) -> None:
    put_in_status(application, Status.AWAITING_SIGNATURE)
    complete_evidence(application)
    forms_ready(application)
    assert not Application.objects.visible_to(auditor).filter(pk=application.pk).exists()
    services.application_transition(application=application, actor=consultant, target=Status.SUBMITTED)
    application.refresh_from_db()
    assert application.submitted_at is not None
    assert Application.objects.visible_to(auditor).filter(pk=application.pk).exists()


def test_closing_sets_closed_at(application, enterprise_user) -> None:
    services.application_transition(application=application, actor=enterprise_user, target=Status.WITHDRAWN)
    application.refresh_from_db()
    assert application.closed_at is not None


def test_a_stale_copy_loses_with_a_clear_message(application, enterprise_user, consultant) -> None:
    put_in_status(application, Status.INFO_SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    services.application_transition(application=application, actor=consultant, target=Status.FORMS_PREPARATION)
    with pytest.raises(services.ConcurrentChange, match="刚刚发生了变化"):
        services.application_transition(application=stale, actor=enterprise_user, target=Status.DRAFT)


def test_a_steps_notice_is_sent_only_after_commit(
    application, enterprise_user, consultant, django_capture_on_commit_callbacks
) -> None:
    from notifications.models import Kind, Notification

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_transition(application=application, actor=enterprise_user, target=Status.INFO_SUBMITTED)
    assert not Notification.objects.filter(kind=Kind.INFO_SUBMITTED).exists(), "nothing before the commit"
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(kind=Kind.INFO_SUBMITTED, recipient=consultant).exists()


def test_entering_a_state_creates_what_it_needs_in_the_same_transaction(application, consultant, auditor) -> None:
    """The forms appear when their preparation starts, the audit rounds and the score sheet when the
    body accepts: no page has to make them later."""
    from audits.models import AuditRound, ScoreSheet

    put_in_status(application, Status.INFO_SUBMITTED)
    services.application_transition(application=application, actor=consultant, target=Status.FORMS_PREPARATION)
    assert application.forms.count() == 6
    put_in_status(application, Status.UNDER_REVIEW)
    services.application_transition(application=application, actor=auditor, target=Status.AUDIT_PREPARATION)
    assert AuditRound.objects.filter(application=application).count() == 3
    assert ScoreSheet.objects.filter(application=application).exists()


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_exactly_one_wins(application, enterprise_user, consultant) -> None:
    """The enterprise reopens its information while the consultant starts the forms, at the same moment."""
    put_in_status(application, Status.INFO_SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, target: str) -> None:
        copy = Application.objects.get(pk=application.pk)
        barrier.wait()
        try:
            services.application_transition(application=copy, actor=user, target=target)
            outcomes.append("won")
        except services.ConcurrentChange:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(enterprise_user, Status.DRAFT)),
        threading.Thread(target=act, args=(consultant, Status.FORMS_PREPARATION)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert ApplicationEvent.objects.filter(application=application, kind=ApplicationEvent.Kind.TRANSITION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_when_created_at_once() -> None:
    references: list[str] = []

    def take() -> None:
        try:
            from django.db import transaction

            with transaction.atomic():
                references.append(services.application_reference(2040))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(references) == [f"SA-2040-{n:05d}" for n in range(1, 9)]
