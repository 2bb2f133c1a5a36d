"""The weekly dose: arithmetic, the under-dose warning during the week, DST weeks, the API."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance import services
from attendance.dose import (
    WeekDose,
    at_risk,
    at_risk_count,
    at_risk_page,
    current_week,
    program_week,
    week_start_of,
    weekly_doses,
)
from attendance.models import Attendance
from attendance.tests.builders import active_participant, enrol, make_session, record, session_now
from audit.models import AuditEvent
from participants.models import Episode, EpisodeStatus
from scheduling.models import Group, SchedulingProfile, Session

MONDAY = date(2026, 11, 16)


def _at(program, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=program.tz)


def _loaded(episode: Episode) -> Episode:
    return Episode.objects.select_related("program", "scheduling_profile").get(pk=episode.pk)


def _dose(episode, week=MONDAY, *, now) -> WeekDose:
    return weekly_doses([_loaded(episode)], [week], now=now)[(episode.participant_id, week)]


@pytest.fixture
def three_groups(world):
    """Monday, Wednesday and Friday 9:00–12:00 (540 minutes, the program minimum)."""
    sessions = [
        make_session(world.program, MONDAY + timedelta(days=d), title=f"Group {d}")
        for d in (0, 2, 4)
    ]
    for s in sessions:
        enrol(s, world.episode)
    return sessions


def test_week_of_attended_scheduled_and_required(world, three_groups):
    monday, wednesday, friday = three_groups
    record(monday, world.episode, "present", 180)
    record(wednesday, world.episode, "late", 120)
    record(friday, world.episode, "present", 180)

    dose = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=7), 9))

    assert (dose.scheduled, dose.attended, dose.required) == (540, 480, 540)
    assert (dose.remaining, dose.unrecorded, dose.shortfall) == (0, 0, 60)
    assert dose.under_dose and not dose.met
    assert dose.week_end == date(2026, 11, 22)


def test_under_dose_warning_during_the_week(world, three_groups):
    monday, wednesday, _friday = three_groups
    # Monday morning before anything happened: everything can still be attended.
    early = _dose(world.episode, now=_at(world.program, MONDAY, 8))
    assert (early.remaining, early.attended, early.under_dose) == (540, 0, False)
    # Monday attended in full: on track.
    record(monday, world.episode, "present", 180)
    tuesday = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=1), 10))
    assert (tuesday.attended, tuesday.remaining, tuesday.under_dose) == (180, 360, False)
    # Wednesday missed (excused still counts as not attended): Friday cannot make it up.
    record(wednesday, world.episode, "excused", 0)
    thursday = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=3), 10))
    assert (thursday.attended, thursday.remaining) == (180, 180)
    assert thursday.under_dose and thursday.shortfall == 180


def test_remaining_leaves_out_cancelled_recorded_and_past_sessions(world, three_groups):
    monday, _wednesday, friday = three_groups
    Session.objects.filter(pk=friday.pk).update(status=Session.Status.CANCELLED)
    record(monday, world.episode, "present", 180)
    # Wednesday's group is over, but its roll call was not taken yet.
    dose = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=2), 13))

    assert (dose.scheduled, dose.attended, dose.remaining, dose.unrecorded) == (360, 180, 0, 180)
    assert dose.under_dose
    # A session under way (not over) still counts as remaining until its roll call.
    during = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=2), 10))
    assert (during.remaining, during.unrecorded) == (180, 0)


def test_required_comes_from_the_profile_else_the_program(world, three_groups):
    now = _at(world.program, MONDAY, 8)
    assert _dose(world.episode, now=now).required == 540
    SchedulingProfile.objects.create(episode=world.episode, required_minutes=360)
    assert _dose(world.episode, now=now).required == 360
    assert not _dose(world.episode, now=now).under_dose


def test_a_dst_week_is_monday_to_sunday_in_local_dates(world):
    # Chicago leaves daylight saving on Sunday 1 November 2026 at 02:00.
    program = world.program
    week = date(2026, 10, 26)
    sunday_evening = make_session(program, date(2026, 11, 1), start=time(18, 30), minutes=120)
    monday_early = make_session(program, date(2026, 11, 2), start=time(0, 30), minutes=60)
    for s in (sunday_evening, monday_early):
        enrol(s, world.episode)
    # The Sunday session starts on Monday in UTC, but belongs to the week of 26 October.
    assert sunday_evening.starts_at.utcoffset() == timedelta(hours=-6)
    assert sunday_evening.starts_at.astimezone(UTC).date() == date(2026, 11, 2)
    now = datetime(2026, 11, 2, 3, 0, tzinfo=program.tz)  # Monday 03:00 local = 09:00 UTC
    assert current_week(program, now) == date(2026, 11, 2)
    assert current_week(program, datetime(2026, 11, 2, 5, 59, tzinfo=UTC)) == week
    record(sunday_evening, world.episode, "present", 120)

    doses = weekly_doses([_loaded(world.episode)], [week, date(2026, 11, 2)], now=now)

    before, after = (
        doses[(world.participant.pk, week)],
        doses[(world.participant.pk, date(2026, 11, 2))],
    )
    assert (before.scheduled, before.attended) == (120, 120)
    assert (after.scheduled, after.attended, after.unrecorded) == (60, 0, 60)


def test_week_start_of_is_a_monday():
    assert week_start_of(date(2026, 11, 22)) == MONDAY
    assert week_start_of(MONDAY) == MONDAY


def test_program_week_costs_the_same_queries_for_more_participants(world, three_groups):
    now = _at(world.program, MONDAY + timedelta(days=2), 13)
    with CaptureQueriesContext(connection) as few:
        rows = program_week(world.program, MONDAY, now=now)
    assert len(rows) == 1
    for n in range(8):
        episode = active_participant(world, f"T-0008{n:02d}", "More", f"Person{n}")
        for s in three_groups:
            enrol(s, episode)
        record(three_groups[0], episode, "present", 180)
    with CaptureQueriesContext(connection) as many:
        rows = program_week(world.program, MONDAY, now=now)
    assert len(rows) == 9
    assert len(many) == len(few) <= 3


def test_dose_api_reports_a_week_and_is_audited(world, login, three_groups):
    record(three_groups[0], world.episode, "present", 180)
    client = login(world.frontdesk)
    url = reverse("api:attendance_dose", args=[world.participant.public_id])

    response = client.get(url, {"week_start": "2026-11-16"})

    assert response.status_code == 200
    body = response.json()
    assert body["week_start"] == "2026-11-16" and body["week_end"] == "2026-11-22"
    assert (body["scheduled_minutes"], body["attended_minutes"], body["required_minutes"]) == (
        540,
        180,
        540,
    )
    event = AuditEvent.objects.filter(actor=world.frontdesk, participant=world.participant).last()
    assert event is not None
    assert event.details["scope"] == "schedule" and event.details["api"] is True
    shown = AuditEvent.objects.count()
    assert client.get(url, {"week_start": "2026-11-17"}).status_code == 422
    assert AuditEvent.objects.count() == shown  # a week refused shows no one's dose
    assert login(world.outsider).get(url).status_code == 403


def test_attendance_tab_shows_weeks_against_the_requirement(world, login):
    program = world.program
    this_monday = current_week(program)
    last_monday = this_monday - timedelta(days=7)
    past = [
        make_session(program, last_monday + timedelta(days=d), title=f"Past group {d}")
        for d in (0, 2)
    ]
    for s in past:
        enrol(s, world.episode)
    record(past[0], world.episode, "present", 180)
    record(past[1], world.episode, "unexcused", 0)
    client = login(world.frontdesk)

    page = client.get(
        reverse("attendance:participant_attendance", args=[world.participant.public_id])
    ).content.decode()

    assert "Attendance, week by week" in page
    assert "This week" in page
    assert "3\u00a0h</strong> attended of 9\u00a0h required" in page
    assert "Absent, unexcused" in page and "Short by 6\u00a0h" in page
    assert page.count('class="dose-week') == 8


def test_attendance_tab_starts_at_admission(world, login):
    world.episode.admitted_on = current_week(world.program) - timedelta(days=3)
    world.episode.save(update_fields=["admitted_on"])
    page = (
        login(world.therapist)
        .get(reverse("attendance:participant_attendance", args=[world.participant.public_id]))
        .content.decode()
    )
    assert page.count('class="dose-week') == 2  # last week (admitted mid-week) and this week


def _program_days(world, weekdays):
    for day in weekdays:
        group = Group.objects.create(
            program=world.program,
            title=f"Group on {day}",
            weekday=day,
            start_time=time(9, 0),
            minutes=180,
            mode="in_person",
            capacity=10,
        )
        group.facilitators.set([world.users["therapist"]])


def test_admission_week_requirement_is_the_share_of_program_days_left(world, three_groups):
    _program_days(world, (0, 2, 4))  # groups run Mon, Wed, Fri
    world.episode.admitted_on = MONDAY + timedelta(days=2)  # admitted on Wednesday
    world.episode.save(update_fields=["admitted_on"])

    dose = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=2), 8))
    next_week = _dose(world.episode, MONDAY + timedelta(days=7), now=_at(world.program, MONDAY, 8))

    assert (dose.required, dose.weekly_required, dose.prorated) == (360, 540, True)
    assert not dose.under_dose  # Wednesday and Friday (360 min) still reach the pro-rated 360
    assert (next_week.required, next_week.prorated) == (540, False)


def test_discharge_week_is_prorated_and_rounds_up(world, three_groups):
    _program_days(world, (0, 1, 2, 3, 4, 5, 6))
    world.episode.discharged_on = MONDAY  # in care on Monday only: 1 of 7 program days
    world.episode.save(update_fields=["discharged_on"])

    dose = _dose(world.episode, now=_at(world.program, MONDAY, 8))

    assert dose.required == 78  # 540 / 7 = 77.14, rounded up


def test_a_program_without_groups_keeps_the_whole_requirement(world, three_groups):
    world.episode.admitted_on = MONDAY + timedelta(days=4)
    world.episode.save(update_fields=["admitted_on"])

    dose = _dose(world.episode, now=_at(world.program, MONDAY, 8))

    assert (dose.required, dose.prorated) == (540, False)


def test_attendance_tab_says_the_requirement_was_prorated(world, login):
    this_week = current_week(world.program)
    _program_days(world, (0, 2, 4))
    world.episode.admitted_on = this_week + timedelta(days=4)  # Friday: 1 of 3 program days
    world.episode.save(update_fields=["admitted_on"])
    client = login(world.users["therapist"])

    page = client.get(
        reverse("attendance:participant_attendance", args=[world.participant.public_id])
    ).content.decode()

    assert "0\u00a0h</strong> attended of 3\u00a0h required" in page
    assert "pro-rated for a partial week; a whole week is 9\u00a0h" in page


def test_attended_minutes_from_the_weekly_summary_match_the_roll_calls(world, three_groups):
    """The page reads the summary the roll calls keep; a partial attendance and a later
    correction give the same minutes as summing the roll calls themselves."""
    monday, wednesday, friday = three_groups
    person = world.episode.participant
    with time_machine.travel(_at(world.program, MONDAY + timedelta(days=5), 12), tick=False):
        for session, status, minutes in (
            (monday, "present", None),
            (wednesday, "late", 120),
            (friday, "present", None),
        ):
            services.record_roll_call(
                session, [services.RollCallEntry(person, status, minutes)], by=world.director
            )
        # Friday corrected: the participant in fact left after 100 minutes.
        services.record_roll_call(
            friday,
            [services.RollCallEntry(person, "left_early", 100, expected_version=1)],
            by=world.director,
        )

    dose = _dose(world.episode, now=_at(world.program, MONDAY + timedelta(days=7), 9))

    summed = Attendance.objects.filter(
        participant=person, session__in=three_groups, session__status=Session.Status.SCHEDULED
    ).aggregate(total=Sum("minutes"))["total"]
    assert dose.attended == summed == 180 + 120 + 100
    assert (dose.scheduled, dose.shortfall) == (540, 140)


def test_at_risk_pages_hold_the_whole_list_in_order(world, three_groups):
    """The database's at-risk list, page by page, is the list worked out participant by
    participant: profiles, a pro-rated admission week, partial and met weeks, a second
    in-care episode, and past the last page the last page."""
    _program_days(world, (0, 2, 4))
    now = _at(world.program, MONDAY + timedelta(days=2), 13)  # Wednesday afternoon
    people = [active_participant(world, f"T-0006{n:02d}", "Paged", f"Person{n}") for n in range(6)]
    for n, episode in enumerate(people):
        for s in three_groups:
            enrol(s, episode)
        if n % 2:
            record(three_groups[0], episode, "late", 60 + 30 * n)
    SchedulingProfile.objects.create(episode=people[0], required_minutes=60)  # met on Monday
    record(three_groups[0], people[0], "present", 180)
    SchedulingProfile.objects.create(episode=people[1], required_minutes=600)
    people[2].admitted_on = MONDAY + timedelta(days=2)  # Wednesday: 2 of 3 program days
    people[2].save(update_fields=["admitted_on"])
    again = Episode.objects.create(
        participant=people[3].participant,
        program=world.program,
        site=world.site,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 9, 1),
        admitted_on=date(2026, 9, 8),
    )
    SchedulingProfile.objects.create(episode=again, required_minutes=900)  # the latest counts
    expected = [(e.pk, d) for e, d in at_risk(world.program, MONDAY, now=now)]

    shown = []
    for number in (1, 2, 3):
        page, rows = at_risk_page(world.program, MONDAY, number, size=2, now=now)
        shown += [(e.pk, d) for e, d in rows]
    last, rows = at_risk_page(world.program, MONDAY, 9, size=2, now=now)

    assert len(expected) == 6 and people[0].pk not in [pk for pk, _ in expected]
    assert again.pk in [pk for pk, _ in expected]
    assert any(d.prorated for _, d in expected)
    assert shown == expected
    assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (6, 3, False)
    with CaptureQueriesContext(connection) as counting:
        assert at_risk_count(world.program, MONDAY, now=now) == 6
    assert len(counting) == 2  # the program's days, then the count itself
    assert last.number == 3 and [(e.pk, d) for e, d in rows] == expected[4:]
    # A number too large for the database's OFFSET is past the end too, not a server error;
    # anything else that is not a page, the first.
    for asked, number, listed in (("9" * 20, 3, expected[4:]), ("0", 1, expected[:2])):
        page, rows = at_risk_page(world.program, MONDAY, asked, size=2, now=now)
        assert page.number == number and [(e.pk, d) for e, d in rows] == listed
    for asked in ("-1", "abc"):
        assert at_risk_page(world.program, MONDAY, asked, size=2, now=now)[0].number == 1


def test_at_risk_page_costs_the_same_queries_for_more_participants(world, three_groups):
    now = _at(world.program, MONDAY + timedelta(days=2), 13)
    with CaptureQueriesContext(connection) as few:
        _, rows = at_risk_page(world.program, MONDAY, 1, size=5, now=now)
    assert len(rows) == 1
    for n in range(12):
        episode = active_participant(world, f"T-0008{n:02d}", "More", f"Person{n}")
        for s in three_groups:
            enrol(s, episode)
        record(three_groups[0], episode, "present", 180)
    with CaptureQueriesContext(connection) as many:
        page, rows = at_risk_page(world.program, MONDAY, 1, size=5, now=now)
    assert (len(rows), page.paginator.count) == (5, 13)
    assert len(many) == len(few) <= 5


def test_a_session_going_on_now_is_under_way_not_upcoming(world, login):
    session = session_now(world.program, title="Coping skills")
    enrol(session, world.episode)

    page = (
        login(world.frontdesk)
        .get(reverse("attendance:participant_attendance", args=[world.participant.public_id]))
        .content.decode()
    )

    row = page[page.index("Coping skills") :].split("</tr>")[0]
    assert "Under way" in row and "Upcoming" not in row
