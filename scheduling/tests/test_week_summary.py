"""A large program's week and day: counted by track and day, one track listed on request,
the day's sessions a page at a time, and query counts that stay put as sessions grow."""

from datetime import time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Program
from attendance.tests.builders import enrol, make_session
from participants.services import mark_entered_in_error
from scheduling import selectors
from scheduling.models import Session, Track
from scheduling.tests.conftest import MONDAY, held_session
from scheduling.views_week import DAY_PAGE_SIZE, WEEK_GRID_LIMIT
from scheduling.weeks import session_span


def _untracked(world, count: int, *, days: int = 5, first: int = 0) -> None:
    """`count` group sessions without a track spread over the first `days` days of the week."""
    Session.objects.bulk_create(
        Session(
            program=world.program,
            kind=Session.Kind.GROUP,
            title=f"Drop-in group {n:03}",
            date=MONDAY + timedelta(days=n % days),
            starts_at=session_span(world.program, MONDAY + timedelta(days=n % days), time(8), 60)[0]
            + timedelta(minutes=n),
            ends_at=session_span(world.program, MONDAY + timedelta(days=n % days), time(9), 60)[0]
            + timedelta(minutes=n),
            minutes=60,
            mode="virtual",
            capacity=8,
        )
        for n in range(first, first + count)
    )


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _week(world, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"start": str(MONDAY), **params}.items())
    return reverse("scheduling:week", args=[world.program.public_id]) + f"?{query}"


def _day(world, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"on": str(MONDAY), **params}.items())
    return reverse("scheduling:day", args=[world.program.public_id]) + f"?{query}"


def test_the_summary_counts_each_tracks_groups_places_and_the_individual_sessions(
    world, calendar, login
):
    monday = held_session(world, calendar.morning[0], MONDAY)
    for episode in calendar.episodes[:3]:
        enrol(monday, episode)
    cancelled = held_session(
        world, calendar.morning[1], MONDAY + timedelta(days=2), status="cancelled"
    )
    enrol(cancelled, calendar.episodes[0])
    enrol(
        held_session(world, calendar.evening[0], MONDAY + timedelta(days=1)), calendar.episodes[3]
    )
    held_session(world, calendar.online, MONDAY)
    make_session(world.program, MONDAY, kind=Session.Kind.INDIVIDUAL, title="Check-in")

    summary = selectors.summary(world.program, MONDAY, MONDAY + timedelta(days=6))
    assert [row.show.label for row in summary.rows] == [
        "Evening track",
        "Morning track",
        "Groups without a track",
    ]
    evening, morning, untracked = summary.rows
    assert morning.days[0] == selectors.Load(groups=1, cancelled=0, enrolled=3, capacity=10)
    assert morning.days[2] == selectors.Load(groups=0, cancelled=1, enrolled=0, capacity=0)
    assert evening.days[1] == selectors.Load(groups=1, cancelled=0, enrolled=1, capacity=10)
    assert untracked.days[0] == selectors.Load(groups=1, cancelled=0, enrolled=0, capacity=10)
    assert summary.all_groups.total == selectors.Load(
        groups=3, cancelled=1, enrolled=4, capacity=30
    )
    assert summary.individuals == [1, 0, 0, 0, 0, 0, 0]
    assert summary.sessions == 5

    page = login(world.director).get(_week(world)).content.decode()
    assert "3 / 10 places" in page and "1 cancelled" in page and "4 / 30 places" in page

    mark_entered_in_error(calendar.episodes[1].participant, by=world.director, reason="Duplicate")
    again = selectors.summary(world.program, MONDAY, MONDAY + timedelta(days=6))
    assert again.rows[1].days[0].enrolled == 2


def test_a_week_too_large_for_one_screen_is_counted_and_a_track_lists_its_groups(
    world, calendar, login
):
    held_session(world, calendar.morning[0], MONDAY)
    _untracked(world, WEEK_GRID_LIMIT)
    client = login(world.director)
    track = Track.objects.get(program=world.program, name="Morning track")

    page = client.get(_week(world)).content.decode()
    assert "more than one screen can list" in page and "session-card" not in page
    assert f"?on={MONDAY}&amp;show={track.public_id}" in page

    queries, listed = _queries(client, _week(world, show=str(track.public_id)))
    assert "Relapse prevention" in listed and "Drop-in group" not in listed
    assert listed.count('class="session-card') == 1
    untracked = client.get(_week(world, show="untracked")).content.decode()
    assert untracked.count('class="session-card') == WEEK_GRID_LIMIT

    summarised, _ = _queries(client, _week(world))
    _untracked(world, 40, first=WEEK_GRID_LIMIT)
    for group in calendar.morning[1:]:
        held_session(world, group, MONDAY + timedelta(days=group.weekday))
    assert _queries(client, _week(world))[0] == summarised
    more, listed = _queries(client, _week(world, show=str(track.public_id)))
    assert more == queries and listed.count('class="session-card') == 3
    crowded = client.get(_week(world, show="untracked")).content.decode()
    assert f"Groups without a track has {WEEK_GRID_LIMIT + 40} sessions this week" in crowded
    assert "session-card" not in crowded and f"?on={MONDAY}&amp;show=untracked" in crowded


def test_a_week_that_fits_lists_its_groups_under_the_summary(world, calendar, login):
    held_session(world, calendar.morning[0], MONDAY)
    _untracked(world, WEEK_GRID_LIMIT - 1)
    page = login(world.director).get(_week(world)).content.decode()
    assert "more than one screen can list" not in page
    assert page.count('class="session-card') == WEEK_GRID_LIMIT


def test_the_day_lists_its_sessions_a_page_at_a_time(world, calendar, login):
    client = login(world.director)
    _untracked(world, DAY_PAGE_SIZE, days=1)
    first, page = _queries(client, _day(world))
    assert page.count("Drop-in group") == DAY_PAGE_SIZE and "Page 1 of" not in page

    _untracked(world, 5, days=1, first=DAY_PAGE_SIZE)
    make_session(world.program, MONDAY, kind=Session.Kind.INDIVIDUAL, title="Check-in")
    more, page = _queries(client, _day(world))
    assert more == first
    assert page.count("Drop-in group") == DAY_PAGE_SIZE
    assert f"Page 1 of 2 ({DAY_PAGE_SIZE + 6})" in page and "page=2" in page
    rest = client.get(_day(world, page="2")).content.decode()
    assert rest.count("Drop-in group") == 5 and "Check-in" in rest

    individual = client.get(_day(world, show="individual")).content.decode()
    assert "Check-in" in individual and "Drop-in group" not in individual
    untracked = client.get(_day(world, show="untracked", page="2")).content.decode()
    assert untracked.count("Drop-in group") == 5 and "Check-in" not in untracked
    assert "show=untracked" in untracked


def test_the_day_tab_is_named_apart_from_the_roll_calls_sessions_today(world, calendar, login):
    """The top bar's "Sessions today" takes roll calls; this tab counts a day's places."""
    page = login(world.frontdesk).get(_day(world)).content.decode()
    tabs = page[
        page.index('aria-label="Schedule"') : page.index(
            "</nav>", page.index('aria-label="Schedule"')
        )
    ]
    assert 'aria-current="page">Day by track</a>' in tabs
    assert ">Today<" not in tabs
    assert "<title>Day by track" in page


def test_a_track_of_another_program_or_no_track_is_not_found(world, calendar, login):
    other = Program.objects.get(name="Other IOP")
    theirs = Track.objects.create(program=other, name="Their track")
    client = login(world.director)
    for value in ("nonsense", str(theirs.public_id)):
        assert client.get(_week(world, show=value)).status_code == 404
        assert client.get(_day(world, show=value)).status_code == 404


def test_the_schedule_names_its_program_s_zone_as_people_say_it(world, calendar, login):
    """The week and the day say "Mountain time (America/Denver)", not the bare zone name."""
    Program.objects.filter(pk=world.program.pk).update(time_zone="America/Denver")
    client = login(world.director)
    for url in (_week(world), _day(world)):
        assert "Times in Mountain time (America/Denver)" in client.get(url).content.decode()


def test_each_session_of_the_day_reads_in_the_program_s_time_with_its_links(world, calendar, login):
    """A session's row: its times in the program's zone, its page, its room's and staff's
    weeks from the day's Monday, places taken of offered, a cancelled one flagged, an online
    one and an individual one said so, and a title written as text."""
    wednesday = MONDAY + timedelta(days=2)
    held = held_session(world, calendar.morning[1], wednesday)  # 09:00, Oak room, therapist
    Session.objects.filter(pk=held.pk).update(title="DBT <skills> & more")
    enrol(held, calendar.episodes[0])
    online = held_session(world, calendar.online, wednesday, status="cancelled")
    make_session(world.program, wednesday, start=time(13), kind=Session.Kind.INDIVIDUAL)
    page = login(world.director).get(_day(world, on=str(wednesday))).content.decode()

    program = world.program.public_id
    room_week = reverse("scheduling:room_week", args=[program, calendar.room.public_id])
    staff_week = reverse("scheduling:staff_week", args=[program, world.therapist.public_id])
    assert (
        f'<tr><td>09:00–12:00</td><td><a href="{reverse("scheduling:session", args=[held.public_id])}">'
        "DBT &lt;skills&gt; &amp; more</a></td>"
        f'<td><a href="{room_week}?start={MONDAY}">Oak room</a>, {world.site.name}</td>'
        f'<td><a href="{staff_week}?start={MONDAY}">{world.therapist}</a></td><td>1 / 10</td></tr>'
    ) in page
    assert (
        f'<tr class="cancelled"><td>18:00–21:00</td><td><a href="{reverse("scheduling:session", args=[online.public_id])}">'
        'Seeking Safety online</a> <span class="flag flag-warning">Cancelled</span></td>'
        "<td>Online</td>"
    ) in page
    assert "<td>13:00–16:00</td>" in page and "<td>—</td><td></td><td>Individual</td>" in page
    nothing = login(world.director).get(_day(world, on=str(MONDAY + timedelta(days=6))))
    assert '<td colspan="5" class="muted">No sessions this day.</td>' in nothing.content.decode()
