"""One chain per organization: audited work of one organization never waits on another's, and
appends racing on one chain still number it without gaps and link every event."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from audit import services
from audit.models import AuditEvent, ChainHead
from audit.services import record_event, record_events, verify_chain


def _in_another_connection(world, participant) -> str:
    """Append an event from a second connection that gives up after one second of waiting."""
    result: list[str] = []

    def work() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                record_event(
                    actor=world.therapist, event_type="chart.viewed", participant=participant
                )
            result.append("written")
        except OperationalError:
            result.append("waited")
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_an_open_write_in_one_organization_does_not_hold_up_another(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer of the database file")
    with transaction.atomic():
        record_event(
            actor=world.therapist, event_type="chart.viewed", participant=world.participant
        )
        # Our transaction holds this organization's chain head until it commits.
        assert _in_another_connection(world, world.other_org_participant) == "written"
        assert _in_another_connection(world, world.participant) == "waited"


@pytest.mark.django_db(transaction=True)
def test_threads_appending_to_one_chain_at_once_keep_it_gapless_and_intact(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    threads, rounds = 8, 12
    start = threading.Barrier(threads)
    committed: list[int] = []
    failures: list[BaseException] = []

    def append(i: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                if n % 3 == 0:  # an audited read: the append is a statement of its own
                    record_event(
                        actor=world.therapist,
                        event_type="chart.viewed",
                        participant=world.participant,
                    )
                    committed.append(1)
                elif n % 3 == 1:  # a write: two events in the caller's transaction
                    with transaction.atomic():
                        for _ in range(2):
                            record_event(
                                actor=world.therapist,
                                event_type="participant.demographics_changed",
                                participant=world.participant,
                            )
                    committed.append(2)
                else:  # a write that fails: its event rolls back with it
                    try:
                        with transaction.atomic():
                            record_event(
                                actor=world.therapist,
                                event_type="participant.demographics_changed",
                                participant=world.participant,
                            )
                            raise RuntimeError("the change failed")
                    except RuntimeError:
                        pass
        except BaseException as failure:
            failures.append(failure)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    seqs = AuditEvent.objects.filter(organization=world.org).values_list("seq", flat=True)
    assert sorted(seqs) == list(range(1, sum(committed) + 1))
    assert ChainHead.objects.get(organization=world.org).seq == sum(committed)
    assert verify_chain().ok


def test_an_append_after_the_head_moved_behind_this_process_still_links(world):
    """A rolled-back append leaves this process's guess of the head at a seq that another
    writer (here a batch append, elsewhere another process) then fills with another event."""
    read = {
        "actor": world.therapist,
        "event_type": "chart.viewed",
        "participant": world.participant,
    }
    record_event(**read)
    try:
        with transaction.atomic():
            record_event(**read)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    record_events([read])

    event = record_event(**read)

    assert event.seq == 3
    assert event.prev_hash == AuditEvent.objects.get(organization=world.org, seq=2).hash
    assert verify_chain().ok


def test_an_append_is_one_statement_on_postgresql(world):
    """No lock of the head, no savepoint: the head moves and the event is written at once
    (and outside a transaction that statement is atomic on its own)."""
    read = {
        "actor": world.therapist,
        "event_type": "chart.viewed",
        "participant": world.participant,
    }
    record_event(**read)  # this process learns where the chain's head is
    with CaptureQueriesContext(connection) as queries:
        record_event(**read)
    # SQLite, which has one writer at a time, reads the head, inserts and moves the head.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3), queries.captured_queries
    assert verify_chain().ok


@pytest.fixture
def head_moved_unseen(world, monkeypatch) -> dict:
    """An audited read's event, appended once, after which another writer moved the chain's
    head two events on behind this process's back: a batch append moves it, and this
    process's guess is put back at the head it saw before, as another process would leave it."""
    read = {
        "actor": world.therapist,
        "event_type": "chart.viewed",
        "participant": world.participant,
    }
    record_event(**read)
    guess = dict(services._last_heads)
    record_events([read, read])
    monkeypatch.setattr(services, "_last_heads", guess)
    return read


def test_an_append_after_another_writer_moved_the_head_takes_two_statements_on_postgresql(
    head_moved_unseen,
):
    """The statement that finds the head moved gives it back, so the next one links after it
    without locking the head."""
    read = head_moved_unseen

    with CaptureQueriesContext(connection) as queries:
        event = record_event(**read)

    assert len(queries) == (2 if connection.vendor == "postgresql" else 3), queries.captured_queries
    assert event.seq == 4
    assert verify_chain().ok


def test_an_append_after_this_process_s_batch_append_is_one_statement_on_postgresql(world):
    """A batch append (`record_events`) leaves this process's guess at the head it moved, so
    the next single append needs neither a lock nor a second try."""
    read = {
        "actor": world.therapist,
        "event_type": "chart.viewed",
        "participant": world.participant,
    }
    record_event(**read)
    record_events([read, read])

    with CaptureQueriesContext(connection) as queries:
        event = record_event(**read)

    assert len(queries) == (1 if connection.vendor == "postgresql" else 3), queries.captured_queries
    assert event.seq == 4
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_verifying_while_appends_go_on_finds_the_chain_intact(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    for _ in range(50):
        record_event(
            actor=world.therapist, event_type="chart.viewed", participant=world.participant
        )
    running = threading.Event()
    stop = threading.Event()

    def append() -> None:
        try:
            while not stop.is_set():
                record_event(
                    actor=world.therapist, event_type="chart.viewed", participant=world.participant
                )
                running.set()
        finally:
            connections.close_all()

    appender = threading.Thread(target=append)
    appender.start()
    running.wait(timeout=30)
    try:
        reports = [verify_chain(batch=10) for _ in range(30)]
    finally:
        stop.set()
        appender.join()

    assert [r.problem for r in reports if not r.ok] == []
    assert verify_chain().checked == AuditEvent.objects.count()


@pytest.mark.django_db(transaction=True)
def test_audited_reads_of_one_process_racing_on_one_chain_append_in_one_statement_each(world):
    """Appends outside a transaction take turns within a process, each from the head the one
    before it left, instead of moving the head under each other's guesses."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    record_event(actor=world.therapist, event_type="chart.viewed", participant=world.participant)
    threads, rounds = 6, 15
    start = threading.Barrier(threads)
    statements: list[int] = []
    failures: list[BaseException] = []

    def read_charts() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with CaptureQueriesContext(connection) as queries:
                    record_event(
                        actor=world.therapist,
                        event_type="chart.viewed",
                        participant=world.participant,
                    )
                statements.append(len(queries))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=read_charts) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures, failures
    assert statements == [1] * (threads * rounds)
    assert ChainHead.objects.get(organization=world.org).seq == 1 + threads * rounds
    assert verify_chain().ok


def test_a_read_sent_with_an_append_gives_back_its_row_in_the_same_round_trip(world):
    """On PostgreSQL the read follows the event in its one statement list; elsewhere it is
    not sent and the caller reads by itself. The event is written and linked either way."""
    read = {
        "actor": world.therapist,
        "event_type": "chart.viewed",
        "participant": world.participant,
    }
    record_event(**read)  # this process learns where the chain's head is
    statement = "SELECT 7, '100%'"  # a percent sign is the read's own, not a placeholder
    with CaptureQueriesContext(connection) as queries:
        event, row = services.record_event_reading(statement, **read)
    postgresql = connection.vendor == "postgresql"
    assert row == ((7, "100%") if postgresql else None)
    assert len(queries) == (1 if postgresql else 3), queries.captured_queries
    assert AuditEvent.objects.filter(pk=event.pk, seq=2).exists()
    assert verify_chain().ok


def test_a_read_sent_with_an_append_whose_head_had_moved_is_read_once(head_moved_unseen):
    read = head_moved_unseen

    with CaptureQueriesContext(connection) as queries:
        event, row = services.record_event_reading("SELECT 7 AS read_along", **read)

    postgresql = connection.vendor == "postgresql"
    # On PostgreSQL the first statement, the read with it, finds the head moved; the second
    # appends alone.
    assert len(queries) == (2 if postgresql else 3), queries.captured_queries
    sent = [q["sql"] for q in queries if "read_along" in q["sql"]]
    assert (row, len(sent)) == (((7,), 1) if postgresql else (None, 0))
    assert event.seq == 4
    assert verify_chain().ok
