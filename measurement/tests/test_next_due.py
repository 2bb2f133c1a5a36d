"""The stored due moments agree with the due rule after every kind of change: an
administration recorded, corrected or entered in error, a check-in's safety answer, a status
change and a new program schedule; the program's lists and board read them."""

from datetime import timedelta

import pytest

from assessments.services import mark_entered_in_error
from checkins.services import record_checkin
from discharge.tests.builders import discharge_world
from measurement import next_due
from measurement.due import due_for
from measurement.home import completion
from measurement.models import NextDue
from measurement.services import set_program_schedule
from measurement.tests.conftest import T0, phq9_answers
from participants.models import Episode, EpisodeStatus
from participants.services import transition_episode

# Moments around the default intervals: admission, the 14- and 30-day rows, later.
MOMENTS = [T0, T0 + timedelta(hours=3), *(T0 + timedelta(days=d) for d in (13, 14, 31))]


def agree(world) -> None:
    episode = Episode.objects.select_related("program").get(pk=world.episode.pk)
    for now in MOMENTS:
        computed = due_for(episode, now=now)
        stored = next_due.stored_due([episode], now=now)[episode.pk]
        assert stored == computed, now


@pytest.fixture
def stored(world):
    next_due.refresh_episodes([world.episode])
    return world


def test_the_backfill_and_a_recorded_administration_agree_with_the_rule(stored, give):
    agree(stored)
    give("phq-9", phq9_answers(12, item9=1), T0 + timedelta(hours=1))
    agree(stored)
    assert NextDue.objects.filter(episode=stored.episode, instrument="cssrs-screener").exists()


def test_a_correction_and_an_entry_in_error_agree_with_the_rule(stored, give):
    first = give("phq-9", phq9_answers(12, item9=1), T0 + timedelta(hours=1))
    from assessments.services import record_administration

    record_administration(
        stored.participant,
        code="phq-9",
        answers=phq9_answers(12),
        mode="staff-entered",
        by=stored.director,
        supersedes=first,
        reason="Item 9 was misread from the paper form.",
    )
    agree(stored)
    assert not NextDue.objects.filter(instrument="cssrs-screener").exists()
    gad = give("gad-7", {str(i): 1 for i in range(1, 8)}, T0 + timedelta(hours=2))
    mark_entered_in_error(gad, by=stored.director, reason="Given to the wrong participant.")
    agree(stored)


def test_a_check_in_safety_yes_agrees_with_the_rule(stored):
    record_checkin(
        stored.participant,
        by=stored.participant_user,
        now=T0 + timedelta(days=2),
        mood=2,
        craving=1,
        used=False,
        safety=True,
    )
    agree(stored)
    assert NextDue.objects.filter(instrument="cssrs-screener").count() == 1


def test_a_status_change_rewrites_the_stored_moments(world):
    Episode.objects.filter(pk=world.episode.pk).update(status=EpisodeStatus.ADMITTED)
    assert not NextDue.objects.exists()  # written directly: nothing stored yet
    transition_episode(
        world.episode,
        to_status=EpisodeStatus.ACTIVE,
        on=world.program.today(),
        by=world.therapist,
        expected_version=world.episode.version,
    )
    agree(world)
    assert NextDue.objects.filter(episode=world.episode).exists()


def test_leaving_care_clears_them(stored):
    assert NextDue.objects.filter(episode=stored.episode).exists()
    discharge_world(stored)
    assert not NextDue.objects.filter(episode=stored.episode).exists()


def test_the_board_leaves_out_a_discharged_episode_it_counted_as_waiting(stored):
    later = T0 + timedelta(days=15)
    board = completion([stored.program], now=later)[0]
    assert (board.in_care, board.up_to_date) == (1, 0)
    discharge_world(stored)
    board = completion([stored.program], now=later)[0]
    assert (board.in_care, board.up_to_date, board.rate) == (0, 0, None)


def test_a_new_schedule_is_stored_by_a_job_queued_at_commit_and_agrees_with_the_rule(
    stored, run_tasks
):
    before = set(NextDue.objects.values_list("instrument", flat=True))
    set_program_schedule(
        stored.program,
        by=stored.director,
        rows=[{"instrument": "who-5", "when": "every", "days": 7, "reason": "Well-being weekly."}],
        weeks_to_improve=6,
        morning_hour=8,
        version=None,
    )
    # The save answers without rewriting the whole program; the job does it once committed.
    assert set(NextDue.objects.values_list("instrument", flat=True)) == before != {"who-5"}
    assert run_tasks() == 1
    agree(stored)
    assert set(NextDue.objects.values_list("instrument", flat=True)) == {"who-5"}


def test_the_board_counts_from_the_stored_moments(stored, give, run_tasks):
    assert completion([stored.program], now=T0)[0].up_to_date == 0
    set_program_schedule(
        stored.program,
        by=stored.director,
        rows=[{"instrument": "phq-9", "when": "every", "days": 14, "reason": "Fortnightly."}],
        weeks_to_improve=6,
        morning_hour=8,
        version=None,
    )
    run_tasks()
    give("phq-9", phq9_answers(3), T0 + timedelta(hours=1))
    board = completion([stored.program], now=T0 + timedelta(days=13))[0]
    assert (board.in_care, board.up_to_date, board.rate) == (1, 1, 100)
    assert completion([stored.program], now=T0 + timedelta(days=15))[0].up_to_date == 0
