"""A page that must audit what it shows counts only the events that were kept."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.context import counting_events
from audit.models import Action, AuditEvent
from audit.services import record_event
from tandem.errors import InvalidInput


def _audit_then_fail(world, participant) -> None:
    """A service's shape: audit inside its transaction, then refuse, rolling both back."""
    with transaction.atomic():
        record_event(actor=world.therapist, action=Action.CHANGE, participant=participant)
        raise InvalidInput("Refused after auditing.")


def test_an_event_rolled_back_with_a_refused_change_is_not_counted(world):
    before = AuditEvent.objects.count()
    with counting_events() as events, pytest.raises(InvalidInput):
        _audit_then_fail(world, world.participant)
    assert AuditEvent.objects.count() == before
    assert (events.written, events.participant_ids) == (0, set())


def test_events_kept_are_counted_with_the_people_they_name_and_list(world):
    with counting_events() as outer:
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
        with counting_events() as inner:
            with pytest.raises(InvalidInput):
                _audit_then_fail(world, world.referral)
            with transaction.atomic():
                record_event(
                    actor=world.therapist,
                    event_type="roll_call.viewed",
                    organization=world.org,
                    listed=[world.referral],
                )
    assert (inner.written, inner.participant_ids) == (1, {world.referral.pk})
    assert outer.written == 2
    assert outer.participant_ids == {world.participant.pk, world.referral.pk}


def test_nested_blocks_ask_once_which_events_were_kept(world):
    """The inner block's answer decides the same events for the block around it, which
    started at the same depth: one question for both, not one each."""
    with (
        CaptureQueriesContext(connection) as queries,
        counting_events() as outer,
        counting_events() as inner,
    ):
        with pytest.raises(InvalidInput):
            _audit_then_fail(world, world.referral)
        with transaction.atomic():
            record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
    settle = 'SELECT "audit_auditevent"."id" AS "pk", "audit_auditevent"."hash" AS "hash" FROM'
    settles = [q for q in queries if q["sql"].startswith(settle)]
    assert len(settles) == 1
    assert (inner.written, inner.participant_ids) == (1, {world.participant.pk})
    assert (outer.written, outer.participant_ids) == (1, {world.participant.pk})


def _count_then_fail(world, participant) -> None:
    """A block that ends inside a transaction which then rolls back."""
    with transaction.atomic():
        with counting_events() as inner, transaction.atomic():
            record_event(actor=world.therapist, action=Action.VIEW, participant=participant)
        raise InvalidInput(f"Refused after counting {inner.written}.")


def test_an_event_kept_deeper_than_the_block_around_stays_undecided_for_it(world):
    """A block that ends inside a transaction the outer block's code opened: the events it
    kept can still roll back with that transaction, so the outer block does not count them."""
    with counting_events() as outer:
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
        with pytest.raises(InvalidInput, match="counting 1"):
            _count_then_fail(world, world.referral)
    assert (outer.written, outer.participant_ids) == (1, {world.participant.pk})


def test_an_event_rolled_back_is_not_taken_for_the_next_one_given_its_id(world):
    """SQLite gives a rolled-back row's id to the next row (PostgreSQL never reuses one): the
    event appended after a refused change must not make the refused one count as kept."""
    with counting_events() as events:
        with pytest.raises(InvalidInput):
            _audit_then_fail(world, world.referral)
        kept = record_event(
            actor=world.therapist, action=Action.VIEW, participant=world.participant
        )
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert (events.written, events.participant_ids) == (1, {world.participant.pk})
