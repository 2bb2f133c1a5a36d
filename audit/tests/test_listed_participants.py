"""An event that lists several participants links each of them, in the same write as the event,
so each one's history finds it; the links are append-only, and a link deleted or added
behind the application's back is reported by audit_verify."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit import services
from audit.context import counting_events
from audit.models import AuditEvent, ListedParticipant
from audit.services import record_event, record_events, verify_chain
from audit.tests.test_audit_chain import _tamper
from conftest import make_participant

fill_migration = importlib.import_module("audit.migrations.0007_fill_listed_participants")


@pytest.fixture
def people(world):
    """The world's participant and two more of its organization."""
    return [
        world.participant,
        make_participant(world.org, "T-000101"),
        make_participant(world.org, "T-000102"),
    ]


def _roll_call(world, listed):
    return record_event(
        actor=world.frontdesk,
        event_type="roll_call.viewed",
        record_type="scheduling.Session",
        organization=world.org,
        details={"page": "roll_call"},
        listed=listed,
    )


def _links(event) -> set[int]:
    return set(
        ListedParticipant.objects.filter(event=event).values_list("participant_id", flat=True)
    )


def test_a_listing_event_names_and_links_each_participant_once(world, people):
    with counting_events() as counted:
        event = _roll_call(world, [people[2], people[0], people[2], people[1]])

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == {
        "page": "roll_call",
        "participants": sorted(str(p.public_id) for p in people),
    }
    assert _links(event) == {p.pk for p in people}
    assert counted.written == 1 and counted.participant_ids == {p.pk for p in people}
    assert verify_chain().ok


def test_an_empty_list_is_named_and_links_no_one(world):
    event = _roll_call(world, [])
    assert AuditEvent.objects.get(pk=event.pk).details["participants"] == []
    assert _links(event) == set()


def test_a_batch_append_links_the_participants_each_event_lists(world, people):
    saved = record_events(
        [
            {"actor": None, "event_type": "roll_call.viewed", "listed": people[:2]},
            {"actor": None, "event_type": "chart.viewed", "participant": people[2]},
        ]
    )
    assert _links(saved[0]) == {people[0].pk, people[1].pk}
    assert _links(saved[1]) == set()
    assert verify_chain().ok


def test_a_listing_event_rolls_back_with_its_links(world, people):
    def failing_page():
        with transaction.atomic():
            _roll_call(world, people)
            raise RuntimeError("the page failed")

    with pytest.raises(RuntimeError):
        failing_page()
    assert not ListedParticipant.objects.exists()
    assert verify_chain().ok


def test_the_application_and_the_database_refuse_to_change_a_link(world, people):
    _roll_call(world, people)
    link = ListedParticipant.objects.first()
    assert link is not None
    with pytest.raises(TypeError, match="Listed participants are append-only; they cannot be"):
        link.save()
    with pytest.raises(TypeError, match="Listed participants are append-only; they cannot be"):
        link.delete()
    with pytest.raises(TypeError):
        ListedParticipant.objects.all().update(participant=people[0])
    with pytest.raises(TypeError):
        ListedParticipant.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_listedparticipant SET participant_id = participant_id")


def test_a_listing_append_is_one_statement_on_postgresql(world, people):
    """The links go in with the event and the head's move, in the same statement."""
    _roll_call(world, people)  # this process learns where the chain's head is
    with CaptureQueriesContext(connection) as queries:
        event = _roll_call(world, people)
    # SQLite reads the head, inserts the event, moves the head and inserts the links.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 4), queries.captured_queries
    assert _links(event) == {p.pk for p in people}
    assert verify_chain().ok


def test_a_listing_append_on_a_moved_head_links_each_participant_once(world, people, monkeypatch):
    """The try on the stale head writes neither the event nor its links."""
    _roll_call(world, people)
    guess = dict(services._last_heads)
    record_events(  # a batch append moves the head, as another process would, unseen
        [
            {
                "actor": None,
                "event_type": "roll_call.viewed",
                "organization": world.org,
                "listed": people,
            }
        ]
    )
    monkeypatch.setattr(services, "_last_heads", guess)

    with CaptureQueriesContext(connection) as queries:
        event = _roll_call(world, people)

    assert len(queries) == (2 if connection.vendor == "postgresql" else 4), queries.captured_queries
    assert event.seq == 3
    assert ListedParticipant.objects.count() == 3 * len(people)
    assert _links(event) == {p.pk for p in people}
    assert verify_chain().ok


def _listing_events(world, people) -> AuditEvent:
    for _ in range(3):
        record_event(actor=world.therapist, event_type="chart.viewed", participant=people[0])
    target = _roll_call(world, people)
    for _ in range(2):
        record_event(actor=world.therapist, event_type="chart.viewed", participant=people[0])
    return target


def test_a_link_deleted_to_hide_an_appearance_is_reported_by_audit_verify(world, people):
    target = _listing_events(world, people)
    _tamper(
        "DELETE FROM audit_listedparticipant WHERE event_id = %s AND participant_id = %s",
        [target.pk, people[1].pk],
    )

    report = verify_chain()

    assert (report.ok, report.first_broken_seq) == (False, target.seq)
    assert "listed-participant rows that differ" in report.problem
    with pytest.raises(CommandError, match=f"broken at event #{target.seq}"):
        call_command("audit_verify")


def test_a_link_added_to_an_event_is_reported_by_audit_verify(world, people):
    target = _listing_events(world, people[:2])
    unlisted = AuditEvent.objects.get(organization=world.org, seq=2)
    _tamper(
        "INSERT INTO audit_listedparticipant (event_id, participant_id) VALUES (%s, %s)",
        [unlisted.pk, people[2].pk],
    )

    report = verify_chain()

    assert (report.ok, report.first_broken_seq) == (False, unlisted.seq)
    assert unlisted.seq < target.seq
    assert "listed-participant rows that differ" in report.problem


def test_the_migration_links_the_participants_older_events_list(world, people, monkeypatch):
    """Events written before the links list participants only in their details: the
    migration links each one it finds (an id of no participant is left alone) and the trail
    still verifies."""
    listed = [str(p.public_id) for p in people[:2]]
    nobody = "00000000-0000-4000-8000-000000000000"
    older = record_event(
        actor=world.frontdesk,
        event_type="roll_call.viewed",
        details={"participants": [*listed, nobody, "not-an-id"]},
    )
    home = record_event(
        actor=world.therapist,
        event_type="home.viewed",
        details={"participants": [str(people[2].public_id)], "lists": {}},
    )
    alone = record_event(actor=world.therapist, event_type="chart.viewed", participant=people[0])
    assert not verify_chain().ok  # the older events' listed participants have no rows yet

    monkeypatch.setattr(fill_migration, "BATCH", 1)  # SQLite: walk past a batch's end
    fill_migration.fill(apps, SimpleNamespace(connection=connection))
    fill_migration.fill(apps, SimpleNamespace(connection=connection))  # again: no harm

    assert _links(older) == {people[0].pk, people[1].pk}
    assert _links(home) == {people[2].pk}
    assert _links(alone) == set()
    assert verify_chain().ok
