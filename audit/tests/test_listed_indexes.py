"""On PostgreSQL a participant's history and the trail filtered by their record number read
the events naming them and the lists naming them from the two participant indexes, never by
walking the whole trail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.selectors import trail_page
from audit.services import record_event
from conftest import make_participant, plan_with_only
from participants.history import history_page

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plans are PostgreSQL's"
)

INDEXES = {
    "audit_auditevent": {"audit_audit_partici_cc887a_idx"},
    "audit_listedparticipant": {"audit_liste_partici_f2d698_idx"},
}


@pytest.fixture
def listed_and_named(world):
    other = make_participant(world.org, "T-000201")
    for _ in range(3):
        record_event(
            actor=world.therapist, event_type="chart.viewed", participant=world.participant
        )
        record_event(
            actor=world.frontdesk,
            event_type="roll_call.viewed",
            organization=world.org,
            listed=[world.participant, other],
        )


def _scans(plan: str) -> list[str]:
    return [line.strip() for line in plan.splitlines() if "Scan" in line and " audit_" in line]


def test_the_history_reads_both_participant_indexes(world, listed_and_named):
    with CaptureQueriesContext(connection) as queries:
        history_page(world.participant, "1")

    plan = plan_with_only(queries[-1]["sql"], INDEXES)

    scans = _scans(plan)
    assert not [s for s in scans if "Seq Scan" in s], plan
    assert any("audit_audit_partici_cc887a_idx" in s for s in scans), plan
    assert any("audit_liste_partici_f2d698_idx" in s for s in scans), plan


def test_the_trail_filtered_by_record_number_reads_both_participant_indexes(
    world, listed_and_named
):
    with CaptureQueriesContext(connection) as queries:
        trail_page([world.org.pk], {"record_number": world.participant.record_number})

    plan = plan_with_only(queries[0]["sql"], INDEXES)

    scans = _scans(plan)
    assert not [s for s in scans if "Seq Scan" in s], plan
    assert any("audit_audit_partici_cc887a_idx" in s for s in scans), plan
    assert any("audit_liste_partici_f2d698_idx" in s for s in scans), plan
