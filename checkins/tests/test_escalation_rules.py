"""Every escalation rule of the check-in, with the times passed in (never the wall clock)."""

from datetime import datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

import pytest
import time_machine

from checkins.models import CheckIn
from checkins.services import missed_checkins, record_checkin
from monitoring.models import Alert
from participants.models import CareTeamMember, CareTeamRole

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


class Answers(TypedDict):
    mood: int
    craving: int
    used: bool
    safety: bool
    hours_slept: int


CALM: Answers = {"mood": 6, "craving": 2, "used": False, "safety": False, "hours_slept": 7}


def send(world, *, at=T0, **answers):
    return record_checkin(
        world.participant, by=world.participant_user, now=at, **{**CALM, **answers}
    )


def kinds(sent):
    return sorted((a.kind, a.severity) for a in sent.alerts)


def test_a_calm_check_in_raises_nothing(world):
    sent = send(world)
    assert sent.alerts == []
    assert CheckIn.objects.get().episode == world.episode


def test_safety_yes_raises_a_critical_alert_for_the_primary_clinician(world):
    sent = send(world, safety=True)
    assert kinds(sent) == [("checkin-safety", "critical")]
    assert sent.critical
    assert list(sent.alerts[0].assigned_to.all()) == [world.therapist]


def test_use_reported_alerts_the_primary_clinician(world):
    sent = send(world, used=True, substances=["alcohol"])
    assert kinds(sent) == [("checkin-use", "high")]
    assert list(sent.alerts[0].assigned_to.all()) == [world.therapist]


def test_use_reported_again_within_14_days_prompts_a_continued_stay_review(world):
    send(world, used=True, substances=["alcohol"])
    second = send(world, at=T0 + timedelta(days=5), used=True, substances=["cannabis"])
    assert ("continued-stay-review", "high") in kinds(second)


def test_use_reported_weeks_apart_is_not_repeated_use(world):
    send(world, used=True, substances=["alcohol"])
    later = send(world, at=T0 + timedelta(days=20), used=True, substances=["alcohol"])
    assert kinds(later) == [("checkin-use", "high")]


def test_repeated_use_is_counted_on_the_program_s_days(world):
    """Use reported on an evening in Chicago (already the next day in UTC) and again on the
    morning fourteen program days later is outside the fourteen days, though under fourteen
    times 24 hours have passed; the evening thirteen days later is inside them."""
    evening = datetime(2026, 11, 2, 20, 0, tzinfo=T0.tzinfo)
    send(world, at=evening, used=True, substances=["alcohol"])

    inside = send(
        world, at=evening + timedelta(days=13, hours=1), used=True, substances=["alcohol"]
    )
    assert ("continued-stay-review", "high") in kinds(inside)
    CheckIn.objects.filter(pk=inside.checkin.pk).update(
        entered_in_error_at=T0, entered_in_error_reason="Sent by mistake"
    )
    outside = send(
        world, at=datetime(2026, 11, 16, 8, 0, tzinfo=T0.tzinfo), used=True, substances=["alcohol"]
    )
    assert kinds(outside) == [("checkin-use", "high")]


def test_repeated_use_is_seen_behind_a_fortnight_of_daily_check_ins(world):
    """Use reported, eleven calm daily check-ins, then use again on the twelfth day: the first
    use is within the fourteen days however many check-ins came in between."""
    send(world, used=True, substances=["alcohol"])
    for day in range(1, 12):
        send(world, at=T0 + timedelta(days=day))

    again = send(world, at=T0 + timedelta(days=12), used=True, substances=["alcohol"])

    assert ("continued-stay-review", "high") in kinds(again)


def test_craving_of_8_on_three_check_ins_in_a_row_warns(world):
    first = send(world, craving=8)
    second = send(world, at=T0 + timedelta(days=1), craving=9)
    third = send(world, at=T0 + timedelta(days=2), craving=8)
    assert first.alerts == [] and second.alerts == []
    assert kinds(third) == [("checkin-craving", "warning")]


def test_a_lower_craving_in_between_breaks_the_run(world):
    send(world, craving=8)
    send(world, at=T0 + timedelta(days=1), craving=7)
    send(world, at=T0 + timedelta(days=2), craving=9)
    fourth = send(world, at=T0 + timedelta(days=3), craving=10)
    assert fourth.alerts == []


def test_a_check_in_entered_in_error_does_not_count_toward_a_run(world):
    send(world, craving=9)
    wrong = send(world, at=T0 + timedelta(days=1), craving=9).checkin
    CheckIn.objects.filter(pk=wrong.pk).update(
        entered_in_error_at=T0, entered_in_error_reason="Sent by mistake"
    )
    third = send(world, at=T0 + timedelta(days=2), craving=9)
    assert third.alerts == []


def test_three_days_without_a_check_in_goes_to_the_peer_specialist(world):
    """A check-in on Monday morning: Tuesday, Wednesday and Thursday are the three whole
    days without one, so Friday's sweep raises the alert, Thursday's does not."""
    send(world)
    thursday_evening = T0 + timedelta(days=3, hours=13)
    assert missed_checkins(now=thursday_evening) == []
    raised = missed_checkins(now=T0 + timedelta(days=3, hours=15))  # Friday, just past midnight
    assert [(a.participant, a.kind, a.severity) for a in raised] == [
        (world.participant, "checkin-engagement", "warning")
    ]
    assert list(raised[0].assigned_to.all()) == [world.peer]
    again = missed_checkins(now=T0 + timedelta(days=5))
    assert again[0].pk == raised[0].pk  # the open alert, not a second one
    assert Alert.objects.filter(kind="checkin-engagement").count() == 1


def test_the_days_without_a_check_in_are_the_program_s_days(world):
    """An evening check-in in Chicago is the next day in UTC; the days without one are
    counted from the program's Monday, not by hours: 73 hours later, on Thursday evening,
    the Thursday is not over, and the alert waits for Friday's sweep."""
    monday_evening = datetime(2026, 11, 16, 20, 0, tzinfo=ZoneInfo("America/Chicago"))
    send(world, at=monday_evening)
    assert missed_checkins(now=monday_evening + timedelta(hours=73)) == []
    friday_morning = datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("America/Chicago"))
    [raised] = missed_checkins(now=friday_morning)
    assert raised.dedupe_key.endswith(":2026-11-16")  # the program's day of the check-in
    assert missed_checkins(now=friday_morning + timedelta(hours=18)) == [raised]


def test_the_days_without_a_check_in_count_from_the_admission_day(world):
    """Admitted on a Monday with no check-in since: Monday, Tuesday and Wednesday are the
    three days, so Thursday's sweep raises the alert, Wednesday evening's does not."""
    from participants.models import Episode

    Episode.objects.filter(pk=world.episode.pk).update(admitted_on=T0.date())
    wednesday_evening = datetime(2026, 11, 18, 23, 30, tzinfo=ZoneInfo("America/Chicago"))
    assert missed_checkins(now=wednesday_evening) == []
    [raised] = missed_checkins(now=wednesday_evening + timedelta(hours=1))
    assert raised.dedupe_key.endswith(":never")


def test_only_the_programs_swept_are_looked_at(world):
    from accounts.models import Program

    other = Program.objects.create(organization=world.org, name="Evening IOP")
    assert missed_checkins(now=T0, programs=[other]) == []
    assert [a.participant for a in missed_checkins(now=T0, programs=[world.program])] == [
        world.participant
    ]


def test_without_a_peer_specialist_the_primary_clinician_is_told(world):
    CareTeamMember.objects.filter(role=CareTeamRole.PEER).delete()
    send(world)
    raised = missed_checkins(now=T0 + timedelta(days=4))
    assert list(raised[0].assigned_to.all()) == [world.therapist]


def test_a_peer_specialist_whose_account_is_closed_is_passed_over_for_the_primary_clinician(
    world,
):
    """A peer specialist who left keeps their row on the team until someone ends it: the
    alert goes to who can act on it, the primary clinician, not to a closed account."""
    world.peer.is_active = False
    world.peer.save()
    send(world)
    raised = missed_checkins(now=T0 + timedelta(days=4))
    assert list(raised[0].assigned_to.all()) == [world.therapist]


def test_when_no_one_on_the_team_can_open_the_record_the_program_oversight_is_told(world):
    for person in (world.peer, world.therapist):
        person.is_active = False
        person.save()
    send(world)
    raised = missed_checkins(now=T0 + timedelta(days=4))
    owners = set(raised[0].assigned_to.all())
    assert world.director in owners
    assert not owners & {world.peer, world.therapist}


def test_no_check_in_since_admission_counts_from_admission(world):
    raised = missed_checkins(now=T0)
    assert [a.participant for a in raised] == [world.participant]  # admitted 8 Sep


def test_people_not_in_care_are_not_chased(world):
    raised = missed_checkins(now=T0 + timedelta(days=30))
    assert world.referral not in [a.participant for a in raised]
    assert world.other_org_participant not in [a.participant for a in raised]


@pytest.mark.parametrize(
    "bad",
    [
        {"mood": 11},
        {"craving": -1},
        {"mood": "7.5"},
        {"used": "yes"},
        {"used": True},  # but no substance named
        {"substances": ["alcohol"]},  # without use
        {"substances": ["glue"], "used": True},
        {"triggers": ["nonsense"]},
        {"coping": ["not-a-skill"]},
        {"hours_slept": 25},
        {"hours_slept": "lots"},
        {"safety": None},
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(world, bad):
    from tandem.errors import InvalidInput

    with pytest.raises(InvalidInput):
        send(world, **bad)
    assert CheckIn.objects.count() == 0
    assert Alert.objects.count() == 0


def test_staff_cannot_send_a_participants_check_in(world):
    from tandem.errors import InvalidInput

    with pytest.raises(InvalidInput):
        record_checkin(world.participant, by=world.therapist, **CALM)
    assert CheckIn.objects.count() == 0


def test_the_sweep_runs_at_the_program_s_morning_once_a_day(world, run_tasks):
    """The sweep ticks every hour: the program's day is swept at its first tick from 08:00 in
    Chicago, and not again that day, so an alert a peer acknowledged at 09:00 is not raised again
    at 10:00 (the participant still has not checked in)."""
    from checkins.tasks import sweep_engagement
    from monitoring.models import AlertStatus
    from tandem.tasks import enqueue_after_commit

    chicago = ZoneInfo("America/Chicago")
    midnight = datetime(2026, 11, 17, 0, 0, tzinfo=chicago)
    enqueue_after_commit(sweep_engagement, midnight.isoformat())
    engagement = Alert.objects.filter(kind="checkin-engagement", participant=world.participant)
    for hour in range(24):
        with time_machine.travel(midnight + timedelta(hours=hour), tick=False):
            run_tasks()
        if hour == 9:
            engagement.update(status=AlertStatus.ACKNOWLEDGED)
    raised_at = [a.created_at.astimezone(chicago).hour for a in engagement.all()]
    assert raised_at == [8]


def _more_in_care(world, count, start):
    from conftest import make_participant
    from participants.models import Episode, EpisodeStatus

    for n in range(start, start + count):
        person = make_participant(world.org, f"S-{n:06d}")
        episode = Episode.objects.create(
            participant=person,
            program=world.program,
            status=EpisodeStatus.ACTIVE,
            referred_on=world.episode.referred_on,
            admitted_on=world.episode.admitted_on,
            primary_clinician=world.therapist,
        )
        role = CareTeamRole.PEER if n % 2 else CareTeamRole.PRIMARY_CLINICIAN
        who = world.peer if n % 2 else world.therapist
        CareTeamMember.objects.create(episode=episode, user=who, role=role)


def test_the_sweep_writes_in_the_same_number_of_queries_however_many_are_missed(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.models import AuditEvent
    from audit.services import verify_chain

    assert len(missed_checkins(now=T0)) == 1  # the chain's head exists from here on
    _more_in_care(world, 3, 1)
    with CaptureQueriesContext(connection) as few:
        assert len(missed_checkins(now=T0)) == 4
    _more_in_care(world, 12, 10)
    with CaptureQueriesContext(connection) as many:
        raised = missed_checkins(now=T0 + timedelta(hours=1))
    assert len(raised) == 16
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Alert.objects.filter(kind="checkin-engagement").count() == 16
    assert AuditEvent.objects.filter(event_type="alert.raised").count() == 16
    assert verify_chain().ok
    peer_owned = Alert.objects.filter(kind="checkin-engagement", assigned_to=world.peer)
    assert peer_owned.count() == 1 + 2 + 6  # the world's participant and the odd-numbered


def test_a_second_sweep_the_same_day_adds_no_alert_and_no_event(world):
    from audit.models import AuditEvent

    _more_in_care(world, 2, 1)
    first = missed_checkins(now=T0)
    events = AuditEvent.objects.count()
    again = missed_checkins(now=T0 + timedelta(hours=6))
    assert sorted(a.pk for a in again) == sorted(a.pk for a in first)
    assert AuditEvent.objects.count() == events
    assert Alert.objects.filter(kind="checkin-engagement").count() == 3


def test_with_no_one_on_the_case_the_program_oversight_is_told(world):
    CareTeamMember.objects.all().delete()
    world.episode.primary_clinician = None
    world.episode.save()
    raised = missed_checkins(now=T0)
    owners = set(raised[0].assigned_to.all())
    assert world.director in owners and world.peer not in owners


def test_after_a_readmission_the_days_without_a_check_in_count_from_the_new_admission(world):
    from participants.models import Episode, EpisodeStatus

    send(world)  # 16 Nov, during the first stay
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=T0.date() + timedelta(days=1)
    )
    again = Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.ACTIVE,
        referred_on=T0.date() + timedelta(days=8),
        admitted_on=T0.date() + timedelta(days=9),
        primary_clinician=world.therapist,
    )
    CareTeamMember.objects.create(episode=again, user=world.peer, role=CareTeamRole.PEER)

    assert missed_checkins(now=T0 + timedelta(days=10)) == []  # one day into the new stay
    raised = missed_checkins(now=T0 + timedelta(days=12, hours=1))
    assert [(a.participant, a.episode) for a in raised] == [(world.participant, again)]


def test_a_record_entered_in_error_is_not_chased_for_check_ins(world):
    from participants.services import mark_entered_in_error

    mark_entered_in_error(world.participant, by=world.director, reason="Opened for someone else")

    assert world.participant not in [a.participant for a in missed_checkins(now=T0)]


def readmit(world, *, discharged_on, admitted_on):
    """Discharge the world's stay and open a new one for the same participant."""
    from participants.models import Episode, EpisodeStatus

    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=discharged_on
    )
    return Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.ACTIVE,
        referred_on=admitted_on,
        admitted_on=admitted_on,
        primary_clinician=world.therapist,
    )


def test_an_earlier_stay_s_check_ins_do_not_set_off_the_rules_of_a_readmission(world):
    """High craving and use at the end of a stay, then a readmission within the week: the
    new stay's first check-ins alert for what they report themselves, not for a run or a
    repetition that began in the stay before."""
    send(world, craving=9, used=True, substances=["alcohol"])
    send(world, at=T0 + timedelta(days=1), craving=9)
    again = readmit(
        world,
        discharged_on=T0.date() + timedelta(days=1),
        admitted_on=T0.date() + timedelta(days=3),
    )

    first = send(world, at=T0 + timedelta(days=3), craving=9, used=True, substances=["alcohol"])

    assert first.checkin.episode == again
    assert kinds(first) == [("checkin-use", "high")]
    second = send(world, at=T0 + timedelta(days=4), craving=9)
    assert second.alerts == []
    third = send(world, at=T0 + timedelta(days=5), craving=8)
    assert kinds(third) == [("checkin-craving", "warning")]
    assert third.alerts[0].episode == again
