"""One chain per organization: audited work of one organization never waits on another's."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from audit.services import record_event


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
