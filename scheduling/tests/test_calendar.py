"""The program calendar: who edits, clear refusals that write nothing, closures, cancellations."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from scheduling import services
from scheduling.models import Closure, Enrolment, Group, Session, StaffHours
from scheduling.selectors import CALENDAR_PAGE_SIZE
from scheduling.tests.conftest import MONDAY, add_group, held_session
from tandem.errors import AccessDenied, InvalidInput


def _group_post(world, calendar, **changes):
    data = {
        "title": "Anger management",
        "curriculum_module": "Noticing early signs",
        "track": "",
        "weekday": 1,
        "start_time": "09:00",
        "minutes": 120,
        "mode": "in_person",
        "room": calendar.room.pk,
        "video_link": "",
        "capacity": 10,
        "min_size": 3,
        "facilitators": [world.therapist.pk],
        "is_active": "on",
        "version": "",
    }
    data.update(changes)
    return data


def test_director_and_supervisor_add_a_group(world, calendar, login):
    for weekday, persona in [(1, "director"), (3, "supervisor")]:
        client = login(world.users[persona])
        response = client.post(
            reverse("scheduling:group_new", args=[world.program.public_id]),
            _group_post(world, calendar, title=f"Anger management ({persona})", weekday=weekday),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Group.objects.filter(title__startswith="Anger management").count() == 2
    assert AuditEvent.objects.filter(record_type="scheduling.Group", action="create").count() == 2


def test_clinicians_and_front_desk_read_but_do_not_edit(world, calendar, login):
    for persona in ("therapist", "frontdesk", "nurse"):
        client = login(world.users[persona])
        page = client.get(reverse("scheduling:calendar", args=[world.program.public_id]))
        assert page.status_code == 200 and "Relapse prevention" in page.content.decode()
        assert "Add a group" not in page.content.decode()
        response = client.post(
            reverse("scheduling:group_new", args=[world.program.public_id]),
            _group_post(world, calendar),
        )
        assert response.status_code == 403
    for persona in ("auditor", "billing", "stranger"):
        client = login(world.users[persona])
        page = client.get(reverse("scheduling:calendar", args=[world.program.public_id]))
        assert page.status_code == 404
    assert not Group.objects.filter(title="Anger management").exists()


def test_the_calendar_lists_each_staff_members_hours_with_links(world, calendar, login):
    page = login(world.director).get(reverse("scheduling:calendar", args=[world.program.public_id]))
    text = page.content.decode()
    for name in ("staff_week", "staff_hours"):
        url = reverse(
            f"scheduling:{name}", args=[world.program.public_id, world.therapist.public_id]
        )
        assert f'href="{url}"' in text
    assert "Mon 08:00–17:00; Tue 08:00–17:00" in text
    assert "Sat 08:00–16:00" in text  # the counsellor's Saturday
    assert "No hours entered" in text  # the director has none


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_time": "08:00", "minutes": 120}, "Oak room is already used then"),
        ({"min_size": 12, "capacity": 10}, "minimum size (12) is larger than the capacity (10)"),
        ({"capacity": 20}, "Oak room seats 12"),
        ({"mode": "virtual", "room": ""}, "A virtual group needs a video link"),
        ({"room": ""}, "An in-person group needs a room"),
        ({"start_time": "23:00", "minutes": 120}, "run past midnight"),
    ],
)
def test_group_rules_are_explained_and_nothing_is_written(world, calendar, login, changes, message):
    calendar.evening[0].weekday, calendar.evening[0].start_time = 1, time(9)
    calendar.evening[0].save()  # Tuesday 09:00-12:00 in the Oak room
    client = login(world.director)
    before = Group.objects.count()
    response = client.post(
        reverse("scheduling:group_new", args=[world.program.public_id]),
        _group_post(world, calendar, **changes),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Group.objects.count() == before


def test_editing_a_group_checks_the_version(world, calendar, login):
    group = calendar.morning[0]
    client = login(world.director)
    url = reverse("scheduling:group_edit", args=[group.public_id])
    post = _group_post(world, calendar, title="Relapse prevention I", weekday=0, version=1)
    post.update(start_time="09:00", minutes=180)
    assert client.post(url, post).status_code == 302
    group.refresh_from_db()
    assert (group.title, group.version) == ("Relapse prevention I", 2)
    stale = client.post(url, {**post, "title": "Someone else's title"})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    group.refresh_from_db()
    assert group.title == "Relapse prevention I"


def test_a_group_s_edit_page_starts_from_every_field_the_group_saves(world, calendar, login):
    group = calendar.morning[0]
    page = login(world.director).get(reverse("scheduling:group_edit", args=[group.public_id]))
    initial = page.context["form"].initial
    for name in (*services.GROUP_FIELDS, "version"):
        assert initial[name] == getattr(group, name), name
    assert initial["facilitators"] == list(group.facilitators.all())


def test_staff_hours_refuse_backwards_and_overlapping_windows(world, calendar, login):
    client = login(world.supervisor)
    url = reverse("scheduling:staff_hours", args=[world.program.public_id, world.nurse.public_id])

    def post(*rows):
        data = {"w-TOTAL_FORMS": len(rows), "w-INITIAL_FORMS": 0}
        for k, (day, start, end) in enumerate(rows):
            data |= {f"w-{k}-weekday": day, f"w-{k}-start": start, f"w-{k}-end": end}
        return client.post(url, data)

    response = post((0, "09:00", "17:00"), (1, "17:00", "09:00"))
    assert response.status_code == 400
    assert "The window Tuesday 17:00–09:00 ends before it starts." in response.content.decode()
    response = post((2, "09:00", "13:00"), (2, "12:00", "17:00"))
    assert response.status_code == 400
    assert (
        "The windows Wednesday 09:00–13:00 and Wednesday 12:00–17:00 overlap"
        in response.content.decode()
    )
    assert not StaffHours.objects.filter(user=world.nurse).exists()
    assert post((0, "09:00", "12:00"), (0, "13:00", "17:00")).status_code == 302
    assert StaffHours.objects.filter(user=world.nurse).count() == 2


def test_a_half_filled_window_row_is_refused(world, calendar, login):
    client = login(world.supervisor)
    url = reverse("scheduling:staff_hours", args=[world.program.public_id, world.nurse.public_id])
    response = client.post(
        url, {"w-TOTAL_FORMS": 1, "w-INITIAL_FORMS": 0, "w-0-weekday": 0, "w-0-start": "09:00"}
    )
    assert response.status_code == 400
    assert "Give the day, the start and the end" in response.content.decode()


def test_cancel_session_audits_and_calls_the_hooks(world, calendar):
    session = held_session(world, calendar.morning[0], MONDAY)
    told = []
    with services.CANCELLATION.only(lambda s, by: told.append((s.status, by))):
        services.cancel_session(session, by=world.supervisor, reason="Facilitator ill")

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.cancel_reason == "Facilitator ill"
    assert told == [("cancelled", world.supervisor)]
    event = AuditEvent.objects.get(record_id=str(session.public_id), action="change")
    assert event.reason == "Facilitator ill"
    with pytest.raises(InvalidInput, match="already cancelled"):
        services.cancel_session(session, by=world.supervisor, reason="Again")
    with pytest.raises(AccessDenied):
        services.cancel_session(
            held_session(world, calendar.morning[1], MONDAY + timedelta(days=2)),
            by=world.therapist,
            reason="Not mine to cancel",
        )


def test_a_closure_cancels_that_days_published_sessions(world, calendar, login):
    session = held_session(world, calendar.morning[0], MONDAY)
    other_day = held_session(world, calendar.morning[1], MONDAY + timedelta(days=2))
    client = login(world.director)
    response = client.post(
        reverse("scheduling:closure_add", args=[world.program.public_id]),
        {"date": MONDAY.isoformat(), "reason": "New Year (observed)"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    other_day.refresh_from_db()
    assert session.status == "cancelled" and "New Year" in session.cancel_reason
    assert other_day.status == "scheduled"
    again = client.post(
        reverse("scheduling:closure_add", args=[world.program.public_id]),
        {"date": MONDAY.isoformat(), "reason": "Twice"},
        follow=True,
    )
    assert "The program is already closed on Mon 7 Jan 2030." in again.content.decode()
    assert Closure.objects.count() == 1


def test_session_page_shows_only_the_participants_the_viewer_may_see(world, calendar, login):
    session = held_session(world, calendar.morning[0], MONDAY)
    for episode in calendar.episodes[:3]:
        Enrolment.objects.create(session=session, participant=episode.participant, episode=episode)
    url = reverse("scheduling:session", args=[session.public_id])
    page = login(world.frontdesk).get(url).content.decode()
    assert world.participant.display_name in page and "Ada" in page
    page = login(world.outsider).get(url).content.decode()  # on none of their care teams
    assert world.participant.display_name not in page
    assert "3 other participants not on your caseload" in page


def test_a_past_session_reads_ended_and_offers_no_cancel(world, calendar, login):
    past = held_session(world, calendar.morning[0], date(2020, 1, 6))
    page = login(world.director).get(reverse("scheduling:session", args=[past.public_id]))
    text = page.content.decode()
    assert "Ended" in text and ">Scheduled<" not in text
    assert "Cancel session" not in text
    coming = held_session(world, calendar.morning[0], MONDAY)
    text = login(world.director).get(reverse("scheduling:session", args=[coming.public_id]))
    assert "Cancel session" in text.content.decode()


def test_an_ended_session_cannot_be_cancelled(world, calendar):
    session = held_session(world, calendar.morning[0], MONDAY)
    after = session.ends_at + timedelta(minutes=1)
    with pytest.raises(InvalidInput, match="has ended"):
        services.cancel_session(session, by=world.director, reason="Too late", now=after)
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


def test_a_sessions_places_leave_out_records_entered_in_error(world):
    """The week's and the day's counts of who is enrolled leave out a participant record
    withdrawn as entered in error, and count everyone else."""
    from attendance.tests.builders import active_participant, enrol, make_session
    from participants.services import mark_entered_in_error
    from scheduling.selectors import sessions_between

    session = make_session(world.program, MONDAY)
    episodes = [active_participant(world, f"E-00{n}", "Placed", f"Person{n}") for n in range(3)]
    for episode in episodes:
        enrol(session, episode)
    [counted] = sessions_between(world.program, MONDAY, MONDAY)
    assert vars(counted)["enrolled"] == 3
    mark_entered_in_error(episodes[0].participant, by=world.director, reason="Duplicate record")
    [counted] = sessions_between(world.program, MONDAY, MONDAY)
    assert vars(counted)["enrolled"] == 2


def test_the_working_hours_page_names_the_zone_as_people_say_it(world, calendar, login):
    """As the schedule's week and day do: "Central time (America/Chicago)", not the bare name."""
    url = reverse("scheduling:staff_hours", args=[world.program.public_id, world.nurse.public_id])
    text = login(world.supervisor).get(url).content.decode()
    assert "each week, in Central time (America/Chicago)." in text


def test_each_group_s_edit_link_names_the_group_and_its_size_stays_on_one_line(
    world, calendar, login
):
    group = calendar.morning[0]
    page = login(world.director).get(reverse("scheduling:calendar", args=[world.program.public_id]))
    text = page.content.decode()
    edit = reverse("scheduling:group_edit", args=[group.public_id])
    named = f"{group.title}, {group.get_weekday_display()} {group.start_time:%H:%M}"
    assert f'<a href="{edit}">Edit<span class="visually-hidden"> {named}</span></a>' in text
    assert f'<td class="nowrap">{group.min_size}–{group.capacity}</td>' in text


def test_the_participant_schedule_s_save_buttons_say_what_each_saves(world, calendar, login):
    url = reverse("scheduling:participant", args=[world.participant.public_id])
    text = login(world.therapist).get(url).content.decode()
    assert "Save how they attend</button>" in text and ">Save</button>" not in text


def test_working_hours_are_set_and_logged_by_the_staff_members_public_id(world, calendar, login):
    director = login(world.director)
    program = world.program.public_id
    assert director.get(f"/schedule/p/{program}/staff/{world.nurse.pk}/hours/").status_code == 404
    url = reverse("scheduling:staff_hours", args=[program, world.nurse.public_id])
    form = {"w-TOTAL_FORMS": 1, "w-INITIAL_FORMS": 0, "w-0-weekday": 1}
    assert director.post(url, form | {"w-0-start": "09:00", "w-0-end": "13:00"}).status_code == 302
    event = AuditEvent.objects.get(event_type="calendar.staff_hours_set")
    assert event.record_id == str(world.nurse.public_id)


def _calendar_page(client, program, query: str = ""):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("scheduling:calendar", args=[program.public_id]) + query)
    assert page.status_code == 200
    return page.content.decode(), len(queries)


def test_the_calendar_pages_its_groups_and_staff_in_the_same_queries(world, calendar, login):
    client = login(world.director)
    _, few = _calendar_page(client, world.program)
    room = calendar.room
    for n in range(CALENDAR_PAGE_SIZE + 5):
        lead = User.objects.create(username=f"lead-{n:02d}", last_name=f"Lead {n:02d}")
        Membership.objects.create(user=lead, organization=world.org, role=Role.COUNSELLOR)
        StaffHours.objects.create(
            program=world.program, user=lead, weekday=0, start_time=time(8), end_time=time(9)
        )
        add_group(world.program, f"Skills {n:02d}", 1, "09:00", 60, lead, room=room)
    text, many = _calendar_page(client, world.program)
    assert many == few
    assert text.count("Edit<span") == CALENDAR_PAGE_SIZE
    assert text.count("Edit hours") == CALENDAR_PAGE_SIZE
    # Each pager keeps the other list's page: the groups' second page keeps the staff's.
    text, _ = _calendar_page(client, world.program, "?page=2&staff=2")
    assert "Skills 54" in text and "Lead 54" in text
    assert 'href="?staff=2&amp;page=1"' in text and 'href="?page=2&amp;staff=1"' in text


def test_the_calendar_writes_each_group_and_room_as_text_with_its_links(world, calendar, login):
    """A group's row and a room's line: a retired group marked, its title and module written
    as text, no track as a dash, an online group said so; edit links only for an editor."""
    retired = add_group(
        world.program,
        "Anger <management> & calm",
        2,
        "13:30",
        90,
        world.nurse,
        room=calendar.room,
        curriculum_module="Noticing <signs>",
        is_active=False,
    )
    url = reverse("scheduling:calendar", args=[world.program.public_id])
    text = login(world.director).get(url).content.decode()
    site = world.site.name
    assert (
        '<tr class="retired"><td>Wednesday 13:30, 90&nbsp;min</td>'
        "<td><strong>Anger &lt;management&gt; &amp; calm</strong>"
        '<div class="muted small">Noticing &lt;signs&gt;</div> <span class="muted">(retired)</span>'
        f'</td><td>—</td><td>Oak room, {site}</td><td>{world.nurse}</td><td class="nowrap">2–10</td>'
        f'<td><a href="{reverse("scheduling:group_edit", args=[retired.public_id])}">Edit'
    ) in text
    assert (
        "<tr><td>Monday 18:00, 180&nbsp;min</td><td><strong>Seeking Safety online</strong></td>"
        f"<td>—</td><td>Online</td><td>{world.counsellor}</td>"
    ) in text
    week = reverse("scheduling:room_week", args=[world.program.public_id, calendar.room.public_id])
    edit = reverse("scheduling:room_edit", args=[calendar.room.public_id])
    room = f'<li><a href="{week}">Oak room</a>, {site} — seats 12'
    assert f'{room} <a class="small" href="{edit}">Edit</a></li>' in text
    read_only = login(world.therapist).get(url).content.decode()
    assert f"{room}</li>" in read_only and "Edit" not in read_only
