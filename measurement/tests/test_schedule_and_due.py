"""The default schedule: what is due when, and why (times passed in)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkins.services import record_checkin
from measurement.due import due_for, due_for_episodes
from measurement.models import ProgramMeasurement
from measurement.schedule import DEFAULT, check_rows
from measurement.tests.conftest import T0, phq9_answers
from participants.models import Episode

GAD7_CALM = {str(i): 0 for i in range(1, 8)}
PCL5_HIGH = {str(i): 2 for i in range(1, 21)}  # 40: positive
PCL5_LOW = {str(i): 0 for i in range(1, 21)}


def codes(items):
    return sorted(d.instrument for d in items)


def test_every_default_row_says_why():
    assert all(row.reason for row in DEFAULT)
    assert check_rows([row.to_dict() for row in DEFAULT]) == []


def test_at_admission_the_baselines_are_due(world):
    assert codes(due_for(world.episode, now=T0)) == ["bam", "gad-7", "pcl-5", "phq-9"]
    phq = next(d for d in due_for(world.episode, now=T0) if d.instrument == "phq-9")
    assert phq.self_report and "Baseline" in phq.reason


def test_phq9_and_gad7_come_due_again_after_14_days(world, give):
    give("phq-9", phq9_answers(12), T0)
    give("gad-7", GAD7_CALM, T0)
    assert "phq-9" not in codes(due_for(world.episode, now=T0 + timedelta(days=13)))
    later = due_for(world.episode, now=T0 + timedelta(days=14))
    assert {"phq-9", "gad-7"} <= set(codes(later))
    assert "14 days" in next(d for d in later if d.instrument == "phq-9").reason


def test_pcl5_monthly_only_while_positive(world, give):
    give("pcl-5", PCL5_HIGH, T0)
    assert "pcl-5" in codes(due_for(world.episode, now=T0 + timedelta(days=30)))
    give("pcl-5", PCL5_LOW, T0 + timedelta(days=30))
    assert "pcl-5" not in codes(due_for(world.episode, now=T0 + timedelta(days=90)))


def test_phq9_item_9_above_0_makes_the_cssrs_screener_due(world, give):
    give("phq-9", phq9_answers(12, item9=1), T0)
    due = due_for(world.episode, now=T0 + timedelta(hours=1))
    cssrs = next(d for d in due if d.instrument == "cssrs-screener")
    assert not cssrs.self_report  # licensed paper form: staff administer it
    give("cssrs-screener", {"1": 0, "2": 0, "6": 0}, T0 + timedelta(hours=2))
    assert "cssrs-screener" not in codes(due_for(world.episode, now=T0 + timedelta(hours=3)))


def test_a_check_in_safety_yes_makes_the_cssrs_screener_due(world):
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=T0 + timedelta(days=2),
        mood=2,
        craving=1,
        used=False,
        safety=True,
    )
    assert "cssrs-screener" in codes(due_for(world.episode, now=T0 + timedelta(days=2, hours=1)))


def test_a_program_keeps_its_own_rows(world):
    ProgramMeasurement.objects.create(
        program=world.program,
        rows=[{"instrument": "who-5", "when": "every", "days": 7, "reason": "Well-being weekly."}],
    )
    assert codes(due_for(world.episode, now=T0)) == ["who-5"]


def test_a_changed_schedule_is_read_again_for_the_same_episode(world):
    assert "who-5" not in codes(due_for(world.episode, now=T0))
    ProgramMeasurement.objects.create(
        program=world.episode.program,
        rows=[{"instrument": "who-5", "when": "every", "days": 7, "reason": "Well-being weekly."}],
    )
    assert codes(due_for(world.episode, now=T0)) == ["who-5"]


def test_bad_rows_are_named():
    problems = check_rows(
        [
            {"instrument": "nope", "when": "every", "days": 0, "reason": "Why not."},
            {"instrument": "phq-9", "when": "x", "reason": "Why not."},
            {"instrument": "gad-7", "when": "admission"},
        ]
    )
    assert len(problems) == 4
    assert problems[-1] == "Row 3: say why (the reason shows with what is due)."


def test_the_due_list_reads_a_fixed_number_of_queries(world, give):
    from conftest import make_participant

    def run() -> int:
        episodes = list(Episode.objects.select_related("program"))
        with CaptureQueriesContext(connection) as ctx:
            due_for_episodes(episodes, now=T0 + timedelta(days=40))
        return len(ctx.captured_queries)

    give("phq-9", phq9_answers(15), T0)
    before = run()
    for n in range(5):
        p = make_participant(world.org, f"Q-{n}")
        Episode.objects.create(
            participant=p,
            program=world.program,
            status="active",
            referred_on=world.episode.referred_on,
            admitted_on=world.episode.admitted_on,
        )
        give("phq-9", phq9_answers(10 + n), T0 + timedelta(days=n), participant=p)
        give("gad-7", GAD7_CALM, T0, participant=p)
    assert run() == before
