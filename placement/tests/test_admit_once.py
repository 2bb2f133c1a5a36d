"""One admit click is one access decision and one run of the admission guard."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from participants.models import BreakGlassGrant, EpisodeStatus
from placement import services


def _queries_on(table: str, captured) -> int:
    return sum(1 for q in captured.captured_queries if f'FROM "{table}"' in q["sql"])


def test_admit_decides_once_and_runs_the_admission_guard_once(world, referral_decided_for_iop):
    # A clinician outside the care team, on emergency access: each access decision reads the
    # care team and then the break-the-glass grant, so grant reads count the decisions.
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.referral,
        reason="Admission on a weekend shift",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        admitted = services.admit(
            world.referral_episode,
            by=world.outsider,
            on=date(2026, 11, 9),
            primary_clinician=world.therapist,
            expected_version=1,
        )
    assert admitted.status == EpisodeStatus.ADMITTED
    assert _queries_on("participants_breakglassgrant", captured) == 1
    # The guard reads the current level-of-care decision; nothing else in admission does.
    assert _queries_on("placement_levelofcaredecision", captured) == 1
    types = list(
        AuditEvent.objects.filter(pk__gt=0)
        .order_by("pk")
        .values_list("event_type", flat=True)[before:]
    )
    # The care-team row, then the pass through screening and the admission: one event each.
    assert types.count("episode.status_changed") == 2
    assert types.count("care_team.member_added") == 1


def test_the_pass_through_screening_is_a_row_of_the_transition_table():
    from participants.models import EPISODE_PASSES_THROUGH, EPISODE_TRANSITIONS

    for (start, end), via in EPISODE_PASSES_THROUGH.items():
        assert via in EPISODE_TRANSITIONS[start]
        assert end in EPISODE_TRANSITIONS[via]
        assert end not in EPISODE_TRANSITIONS[start]
