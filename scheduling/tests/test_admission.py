"""Mid-week admission: the new participant joins what is left of the week; nobody else moves."""

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.models import AttendanceStatus
from attendance.services import record_attendance
from audit.models import AuditEvent
from conftest import run_queued_tasks
from scheduling import publishing
from scheduling.admission import request_midweek_admission, schedule_new_admission
from scheduling.models import Enrolment, GroupPreference, ScheduleRun, Session, StaffHours
from scheduling.publishing import individual_session
from scheduling.review import placement_reasons
from scheduling.tests.conftest import MONDAY, admit, held_session, set_windows
from scheduling.weeks import local_instant
from tandem.errors import InvalidInput

WEEKDAY_MORNINGS = [(d, "08:30", "13:00") for d in range(5)]


@pytest.fixture
def published(world, calendar, run_tasks):
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    assert run_tasks() == 1
    run.refresh_from_db()
    publishing.publish_run(
        run, by=world.director, not_before=local_instant(world.program, MONDAY, time(0))
    )
    return run


@pytest.fixture
def newcomer(world):
    episode = admit(world, "T-20000", "Noa", admitted=MONDAY + timedelta(days=1))
    set_windows(episode, WEEKDAY_MORNINGS)
    return episode


def _others(newcomer) -> set[tuple]:
    return set(
        Enrolment.objects.exclude(participant=newcomer.participant).values_list(
            "pk", "session_id", "participant_id", "source"
        )
    )


def test_new_admission_joins_remaining_sessions_and_nobody_else_moves(
    world, calendar, published, newcomer
):
    before = _others(newcomer)
    sessions_before = set(Session.objects.values_list("pk", "starts_at", "capacity"))
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(newcomer, by=world.therapist, now=tuesday)

    assert _others(newcomer) == before
    assert sessions_before <= set(Session.objects.values_list("pk", "starts_at", "capacity"))
    mine = Session.objects.filter(enrolments__participant=newcomer.participant)
    groups = mine.filter(kind=Session.Kind.GROUP)
    assert {s.group for s in groups} == {calendar.morning[1], calendar.morning[2]}  # Wed, Fri
    assert all(s.starts_at > tuesday for s in mine)
    assert admission.result["violations"] == []
    assert admission.summary["minutes"] == 360 + (50 if mine.filter(kind="individual") else 0)
    assert admission.summary["reasons"]  # short of 540 this week, and it says why
    for session in groups:
        assert session.enrolments.count() <= session.capacity
    assert AuditEvent.objects.filter(
        participant=newcomer.participant, record_type="scheduling.Enrolment"
    ).exists()


@pytest.mark.parametrize("pinned_day", [1, 2])  # Wednesday's or Friday's morning group
def test_a_pinned_group_is_kept_mid_week(world, calendar, published, pinned_day):
    episode = admit(world, "T-20001", "Ira", admitted=MONDAY + timedelta(days=1))
    profile = set_windows(episode, WEEKDAY_MORNINGS, max_days=1, individual_minutes=0)
    pinned = calendar.morning[pinned_day]
    GroupPreference.objects.create(profile=profile, group=pinned, kind=GroupPreference.Kind.PIN)
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(episode, by=world.therapist, now=tuesday)

    groups = Session.objects.filter(enrolments__participant=episode.participant)
    assert [s.group for s in groups] == [pinned]
    assert admission.notes == []


def test_a_pin_on_a_group_already_past_is_reported_not_fatal(world, calendar, published):
    episode = admit(world, "T-20002", "Oli", admitted=MONDAY + timedelta(days=1))
    profile = set_windows(episode, WEEKDAY_MORNINGS)
    monday_group = calendar.morning[0]
    GroupPreference.objects.create(
        profile=profile, group=monday_group, kind=GroupPreference.Kind.PIN
    )
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(episode, by=world.therapist, now=tuesday)

    assert admission.notes == [
        f'Pinned group "{monday_group.title}" has no session left this week that still has '
        "a seat and fits their availability."
    ]
    assert Session.objects.filter(
        enrolments__participant=episode.participant, kind=Session.Kind.GROUP
    ).exists()


def test_the_admission_week_requirement_is_prorated(world, calendar, published, newcomer):
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(newcomer, by=world.therapist, now=tuesday)

    # Groups run Monday to Saturday; admitted Tuesday leaves 5 of those 6 days: 540 x 5/6.
    assert admission.summary["required"] == 450
    assert admission.problem["participants"][0]["required_minutes"] == 450


def test_placing_twice_gives_the_same_week(world, calendar, published, newcomer):
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    schedule_new_admission(newcomer, by=world.therapist, now=tuesday)
    first = set(
        Session.objects.filter(enrolments__participant=newcomer.participant).values_list(
            "group_id", "date", "kind"
        )
    )
    schedule_new_admission(newcomer, by=world.therapist, now=tuesday)
    again = Session.objects.filter(enrolments__participant=newcomer.participant)
    assert set(again.values_list("group_id", "date", "kind")) == first
    assert again.filter(kind="individual").count() <= 1


def test_full_groups_are_not_offered(world, calendar, published, newcomer):
    for group in calendar.morning:
        Session.objects.filter(group=group).update(capacity=1)
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    schedule_new_admission(newcomer, by=world.therapist, now=tuesday)
    assert not Session.objects.filter(
        enrolments__participant=newcomer.participant,
        kind=Session.Kind.GROUP,
        group__in=calendar.morning,
    ).exists()


def test_nothing_left_this_week_is_said_plainly(world, calendar, newcomer):
    with pytest.raises(InvalidInput, match="Nothing is left"):
        schedule_new_admission(
            newcomer,
            by=world.therapist,
            now=local_instant(world.program, MONDAY + timedelta(days=6), time(23)),
        )


def test_the_button_queues_a_background_admission_run(world, calendar, newcomer, login, run_tasks):
    client = login(world.therapist)
    url = reverse("scheduling:participant", args=[newcomer.participant.public_id])
    page = client.get(url).content.decode()
    assert "Place in this week's groups" in page

    response = client.post(
        reverse("scheduling:participant_place", args=[newcomer.participant.public_id])
    )

    assert response.status_code == 302
    run = ScheduleRun.objects.get(kind=ScheduleRun.Kind.ADMISSION)
    assert run.status == ScheduleRun.Status.QUEUED and run.episode == newcomer
    fragment = client.get(
        reverse("scheduling:participant_admission_run", args=[newcomer.participant.public_id])
    )
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert run_tasks() == 1
    run.refresh_from_db()
    # Nothing is published for the real current week here, so it fails with a plain reason.
    assert run.status == ScheduleRun.Status.FAILED
    assert "Nothing is left to join this week" in run.message
    page = client.get(url).content.decode()
    assert "did not work" in page


def test_someone_admitted_before_this_week_keeps_the_whole_requirement(world, calendar, published):
    episode = admit(world, "T-20003", "Kai")  # admitted weeks ago, placed again on Tuesday
    set_windows(episode, WEEKDAY_MORNINGS)
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(episode, by=world.therapist, now=tuesday)

    # The same requirement the dose pages show for this week: not pro-rated by the admission day.
    assert admission.summary["required"] == 540


def test_nothing_is_placed_over_a_session_of_theirs_already_under_way(world, calendar, published):
    """Placed again while in a group, they get nothing that overlaps the rest of it."""
    episode = calendar.episodes[1]
    wednesday = Session.objects.get(group=calendar.morning[1], date=MONDAY + timedelta(days=2))
    Enrolment.objects.get_or_create(
        session=wednesday,
        participant=episode.participant,
        defaults={"episode": episode, "source": Enrolment.Source.SCHEDULE},
    )
    mid_group = local_instant(world.program, wednesday.date, time(10))

    admission = schedule_new_admission(episode, by=world.director, now=mid_group)

    wednesday_windows = [
        w for w in admission.problem["participants"][0]["availability"] if w["day"] == 2
    ]
    assert wednesday_windows and all(w["start"] >= "12:00" for w in wednesday_windows)
    for session in Session.objects.filter(enrolments__participant=episode.participant).exclude(
        pk=wednesday.pk
    ):
        assert not (session.starts_at < wednesday.ends_at and session.ends_at > mid_group)


def test_the_finished_admission_run_counts_its_sessions_in_words(world, calendar, published):
    episode = admit(world, "T-20004", "Lee", admitted=MONDAY + timedelta(days=1))
    set_windows(episode, WEEKDAY_MORNINGS, individual_minutes=0)
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    with time_machine.travel(tuesday):
        run = request_midweek_admission(episode, by=world.therapist)
        run_queued_tasks()

    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.PUBLISHED
    assert run.message.startswith(("Placed in 1 session:", "Placed in 2 sessions:"))


def _booked_monday(world, calendar, episode) -> tuple[Session, Session]:
    """Monday's morning group (180 min) and a 50-minute individual at 13:00, both theirs."""
    group = Session.objects.filter(group=calendar.morning[0], date=MONDAY).first() or (
        held_session(world, calendar.morning[0], MONDAY)
    )
    individual = individual_session(
        world.program,
        MONDAY,
        {"start": "13:00", "minutes": 50, "staff": f"staff-{world.therapist.pk}"},
        "in_person",
    )
    individual.save()
    individual.staff.set([world.therapist])
    for session in (group, individual):
        Enrolment.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            source=Enrolment.Source.SCHEDULE,
        )
    return group, individual


@pytest.mark.parametrize(
    ("individual_status", "left", "offered"),
    [
        (AttendanceStatus.PRESENT, 540 - 180 - 50, False),  # the week's one individual is used
        (AttendanceStatus.UNEXCUSED, 540 - 180, True),  # missed: nothing counted, one offered
    ],
)
def test_placement_counts_what_the_week_already_held(
    world, calendar, published, individual_status, left, offered
):
    episode = admit(world, "T-20005", "Sam")  # in care all week, placed again on Tuesday
    set_windows(episode, WEEKDAY_MORNINGS)
    group, individual = _booked_monday(world, calendar, episode)
    with time_machine.travel(local_instant(world.program, MONDAY, time(15))):
        record_attendance(
            group,
            episode.participant,
            status=AttendanceStatus.PRESENT,
            by=world.therapist,
            expected_version=0,
        )
        record_attendance(
            individual,
            episode.participant,
            status=individual_status,
            by=world.therapist,
            expected_version=0,
        )
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(episode, by=world.therapist, now=tuesday)

    row = admission.problem["participants"][0]
    assert row["required_minutes"] == left
    assert (row["individual"] is not None) is offered
    individuals = Session.objects.filter(
        enrolments__participant=episode.participant, kind=Session.Kind.INDIVIDUAL
    )
    assert individuals.count() == (2 if offered else 1)
    assert individual in individuals
    assert admission.summary["required"] == 540
    assert admission.summary["already"] == 540 - left


def test_a_session_still_booked_this_week_counts_towards_the_hours(world, calendar, published):
    """Added by hand for Friday, it stays and its minutes are no longer sought."""
    episode = admit(world, "T-20006", "Jo")
    set_windows(episode, WEEKDAY_MORNINGS, individual_minutes=0)
    friday = Session.objects.get(group=calendar.morning[2], date=MONDAY + timedelta(days=4))
    Enrolment.objects.create(
        session=friday,
        participant=episode.participant,
        episode=episode,
        source=Enrolment.Source.HAND,
    )
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))

    admission = schedule_new_admission(episode, by=world.therapist, now=tuesday)

    assert admission.problem["participants"][0]["required_minutes"] == 540 - 180
    assert friday.enrolments.filter(participant=episode.participant).exists()
    assert admission.summary["minutes"] >= 180


def test_the_message_counts_what_the_week_already_held(world, calendar, published):
    episode = admit(world, "T-20007", "Rae")
    set_windows(episode, WEEKDAY_MORNINGS)
    group, individual = _booked_monday(world, calendar, episode)
    with time_machine.travel(local_instant(world.program, MONDAY, time(15))):
        for session in (group, individual):
            record_attendance(
                session,
                episode.participant,
                status=AttendanceStatus.PRESENT,
                by=world.therapist,
                expected_version=0,
            )
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    with time_machine.travel(tuesday):
        run = request_midweek_admission(episode, by=world.therapist)
        run_queued_tasks()

    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.PUBLISHED
    assert "of 540 minutes this week, counting the 230 already attended or booked." in run.message
    assert "Their individual session this week is already booked" in run.message


def test_the_schedule_tab_says_why_the_placement_fell_short(world, calendar, published, login):
    """The reasons the run page gives, in the same words: names, not the solver's ids."""
    episode = admit(world, "T-20008", "Vic", admitted=MONDAY + timedelta(days=1))
    profile = set_windows(episode, WEEKDAY_MORNINGS)
    GroupPreference.objects.create(
        profile=profile, group=calendar.morning[1], kind=GroupPreference.Kind.EXCLUDE
    )
    StaffHours.objects.filter(user=world.therapist, weekday__gte=1).delete()  # no slot left
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    with time_machine.travel(tuesday):
        request_midweek_admission(episode, by=world.therapist)
        run_queued_tasks()
        page = (
            login(world.therapist)
            .get(reverse("scheduling:participant", args=[episode.participant.public_id]))
            .content.decode()
        )

    status = page[
        page.index('id="admission-run"') : page.index("</div>", page.index('id="admission-run"'))
    ]
    assert "Placed in 1 session: 180 of 450 minutes this week." in status
    assert "Is excluded from Wed 09:00 DBT skills; without the exclusions" in status
    assert "Why not more:" in status
    assert "Available only Tue, Wed, Thu and Fri mornings, which offer" in status
    assert f"Their 50-minute individual session with {world.therapist} cannot be placed" in status
    assert "staff-" not in status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("already", "said"),
    [
        (0, "Available only Tue mornings, which offer 180 of the 310 required minutes"),
        (
            230,
            "Available only Tue mornings, which offer 180 of the 310 minutes still needed this week",
        ),
    ],
)
def test_the_placement_reasons_speak_of_one_persons_week(already, said):
    run = ScheduleRun(
        kind=ScheduleRun.Kind.ADMISSION,
        problem={"sessions": [], "participants": [], "week_so_far": {"minutes": already}},
        result={
            "participants": {
                "p": {
                    "reasons": [
                        "available only Tue mornings, which offer 180 of the 310 required minutes",
                        "no schedule gives more participants a full dose",
                    ]
                }
            }
        },
    )
    assert placement_reasons(run) == [said, "No other choice of sessions gives them more minutes"]
