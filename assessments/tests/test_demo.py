"""The demo's instrument histories: plausible, scored by the real scorer, idempotent, repeatable."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import Program
from assessments.demo import _plan
from assessments.models import Administration
from assessments.scoring import score
from audit.models import AuditEvent
from conftest import demo_seeded_once
from monitoring.models import Alert, AlertStatus
from participants.models import Episode, EpisodeStatus

pytestmark = pytest.mark.usefixtures("demo_mode")

INTAKE = {"phq-9", "gad-7", "dast-10", "cssrs-screener"}


class _RollBack(Exception):
    pass


def _seed() -> None:
    call_command("seed_demo", "--participants", "40", "--quiet-logins")


def _snapshot() -> list[tuple]:
    rows = Administration.objects.order_by(
        "participant__record_number", "instrument", "completed_at", "total", "pk"
    ).values_list(
        "participant__record_number",
        "instrument",
        "answers",
        "total",
        "band",
        "completed_at",
        "flags",
    )
    # The two critical answers are recorded "today" through the service: compare them undated.
    return [(*row[:5], None if any(f["critical"] for f in row[6]) else row[5]) for row in rows]


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the tests of `TestTheSeededDemo`, which read it or seed it again
    inside their own savepoint (its transaction ends with the class, before the tests that
    seed for themselves)."""
    with demo_seeded_once(django_db_blocker, 40):
        yield


@pytest.mark.usefixtures("seeded")
class TestTheSeededDemo:
    def test_every_screened_participant_has_an_intake_battery_and_the_active_a_trend(self, db):
        for episode in Episode.objects.select_related("participant"):
            codes = set(
                Administration.objects.filter(participant=episode.participant).values_list(
                    "instrument", flat=True
                )
            )
            if episode.status == EpisodeStatus.REFERRED:
                assert not codes
                continue
            if episode.status == EpisodeStatus.DECLINED and not codes:
                continue  # declined before its screening
            assert codes >= INTAKE
            assert codes & {"audit", "audit-c"}
        improving = flat = 0
        for episode in Episode.objects.filter(status=EpisodeStatus.ACTIVE):
            totals = list(
                Administration.objects.filter(participant=episode.participant, instrument="phq-9")
                .order_by("completed_at")
                .values_list("total", flat=True)
            )
            if len(totals) >= 3:
                improving += totals[-1] < totals[0]
                flat += totals[-1] >= totals[0]
        assert improving > flat
        assert Administration.objects.filter(instrument="bam").exists()
        assert Administration.objects.filter(instrument="pcl-5").exists()

    def test_stored_results_are_the_real_scorers(self, db):
        for row in Administration.objects.order_by("pk")[:200]:
            expected = score(row.instrument, row.answers, row.context).to_dict()
            assert row.result_dict() == expected

    def test_two_participants_have_an_open_suicide_risk_alert(self, db):
        alerts = list(Alert.objects.filter(kind="suicide-risk", status=AlertStatus.OPEN))

        assert len(alerts) == 2
        owners = {user.username for alert in alerts for user in alert.assigned_to.all()}
        assert owners == {"therapist", "intake"}
        assert all(alert.source_type == "assessments.Administration" for alert in alerts)

    def test_rerunning_changes_nothing_and_writes_one_summary_audit_event(self, db):
        """The history written in bulk has one summary event; every other administration (the
        latest of those in care, the two critical answers) has the service's own; seeding
        again, inside this test's savepoint, changes nothing."""
        count = Administration.objects.count()
        imports = AuditEvent.objects.filter(
            record_type="assessments.Administration", details__has_key="synthetic_demo_import"
        )
        recorded = AuditEvent.objects.filter(event_type="assessment.recorded").count()
        assert imports.count() == 1
        assert recorded > 2
        assert imports.get().details["synthetic_demo_import"] == count - recorded

        _seed()

        assert Administration.objects.count() == count
        assert imports.count() == 1
        assert Alert.objects.filter(kind="suicide-risk").count() == 2


def _seed_then_roll_back() -> list[tuple]:
    try:
        with transaction.atomic():
            _seed()
            snapshot = _snapshot()
            raise _RollBack
    except _RollBack:
        return snapshot


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_histories():
    first = _seed_then_roll_back()
    assert first
    assert not Administration.objects.exists()

    _seed()

    assert _snapshot() == first


def test_nothing_is_planned_for_today_or_later_for_someone_admitted_today():
    """The admission PCL-5 of someone without trauma symptoms is given on the first day or
    the next; admitted today, neither has passed, so nothing of theirs is planned yet (the
    service refuses a completion time in the future)."""
    program = Program(time_zone="America/Chicago")
    today = date(2026, 3, 4)
    episode = {
        "referred_on": today - timedelta(days=3),
        "admitted_on": today,
        "discharged_on": None,
        "primary_clinician_id": 1,
    }
    for seed in range(40):
        plan = _plan(random.Random(seed), program, today, episode, 2)
        assert all(when.date() < today for _, _, when, _, _ in plan)
