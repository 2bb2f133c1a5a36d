"""Upgrading an installation with open no-check-in alerts keyed by the day of the last
check-in in UTC: the migration keys them by the program's day, so the sweep finds them
rather than raising a second alert for the same days, and where it already raised one the
older is kept and the newer closed as a duplicate, in the history and the trail."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent
from checkins.services import missed_checkins, record_checkin
from checkins.tests.test_escalation_rules import CALM
from monitoring.models import Alert, AlertStatus
from monitoring.services import raise_alert

pytestmark = pytest.mark.django_db(transaction=True)

CHICAGO = ZoneInfo("America/Chicago")
# Monday evening in Chicago, Tuesday 02:00 in UTC.
MONDAY_EVENING = datetime(2026, 11, 16, 20, 0, tzinfo=CHICAGO)
# When the sweep counted 72 hours from the check-in: Thursday evening.
THURSDAY_EVENING = datetime(2026, 11, 19, 21, 0, tzinfo=CHICAGO)
FRIDAY_MORNING = datetime(2026, 11, 20, 8, 0, tzinfo=CHICAGO)


def _checkin(world, at: datetime) -> None:
    record_checkin(world.participant, by=world.participant_user, now=at, **CALM)


def _raised_before(world) -> Alert:
    """The alert as the sweep raised it before, keyed by Tuesday, the check-in's day in UTC,
    and since handed to the primary clinician."""
    with time_machine.travel(THURSDAY_EVENING, tick=False):
        return raise_alert(
            world.participant,
            kind="checkin-engagement",
            severity="warning",
            title="No check-in for 3 days",
            source=world.episode,
            dedupe_key=f"engagement:{world.episode.public_id}:2026-11-17",
            assign_to=[world.therapist],
            episode=world.episode,
        )


def _upgrade() -> None:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    MigrationExecutor(connection).migrate([("checkins", "0002_medications_taken")])
    MigrationExecutor(connection).migrate(leaves)


def test_an_open_alert_keyed_by_the_day_in_utc_is_found_by_the_next_sweep(world):
    _checkin(world, MONDAY_EVENING)
    before = _raised_before(world)

    _upgrade()

    before.refresh_from_db()
    assert before.dedupe_key == f"engagement:{world.episode.public_id}:2026-11-16"
    assert missed_checkins(now=FRIDAY_MORNING) == [before]
    assert Alert.objects.count() == 1


def test_a_second_alert_for_the_same_days_is_closed_and_the_older_kept_for_both(world):
    """A Sunday evening check-in is on Monday in UTC: the sweep's own alert, keyed by the
    program's Monday, is keyed by the program's day already and keeps its key."""
    _checkin(world, datetime(2026, 11, 15, 19, 0, tzinfo=CHICAGO))
    _checkin(world, MONDAY_EVENING)
    before = _raised_before(world)
    [second] = [a for a in missed_checkins(now=FRIDAY_MORNING) if a.pk != before.pk]
    assert list(second.assigned_to.all()) == [world.peer]

    _upgrade()

    before.refresh_from_db()
    second.refresh_from_db()
    assert (before.status, before.dedupe_key) == (AlertStatus.OPEN, second.dedupe_key)
    assert set(before.assigned_to.all()) == {world.therapist, world.peer}
    assert second.status == AlertStatus.ACKNOWLEDGED
    assert second.acknowledged_by is None
    assert "raised on 19 November 2026, which stays open" in second.acknowledgement_note
    closed = AuditEvent.objects.get(event_type="alert.acknowledged", record_id=second.public_id)
    assert closed.details["duplicate_of"] == str(before.public_id)
    given = AuditEvent.objects.get(event_type="alert.reassigned", record_id=before.public_id)
    assert given.details["changes"]["assigned_to"]["after"] == sorted(
        [world.therapist.pk, world.peer.pk]
    )
    assert missed_checkins(now=FRIDAY_MORNING) == [before]
