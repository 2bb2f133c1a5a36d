"""Roll call: statuses and minutes, mark all present, drop-ins, conflicts, who may take it."""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Attendance, AttendanceStatus
from attendance.tests.builders import active_participant, enrol, make_session
from audit.models import Action, AuditEvent, ListedParticipant, Outcome
from conftest import PASSWORD
from participants.access import FACILITATOR_REASON
from participants.models import EpisodeStatus
from scheduling.models import Enrolment, Session, SessionMode
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput

HTMX = {"HTTP_HX_REQUEST": "true"}


def _row_url(session, episode) -> str:
    enrolment = Enrolment.objects.get(session=session, participant=episode.participant)
    return reverse("attendance:record", args=[session.public_id, enrolment.public_id])


def _tap(client, session, episode, status, *, version=0, minutes="", **extra):
    data = {"status": status, "version": version, "minutes": minutes}
    return client.post(_row_url(session, episode), data, **HTMX, **extra)


def test_facilitator_outside_the_care_teams_opens_the_roll_call_and_it_is_audited_once(
    world, login, group_today
):
    client = login(world.outsider)
    before = AuditEvent.objects.count()

    response = client.get(reverse("attendance:roll_call", args=[group_today.session.public_id]))

    assert response.status_code == 200
    page = response.content.decode()
    for person in group_today.participants:
        assert person.display_name in page
    assert "Mark all present" in page
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    assert events[0].action == Action.VIEW
    assert events[0].details["why"] == FACILITATOR_REASON
    assert sorted(events[0].details["participants"]) == sorted(
        str(p.public_id) for p in group_today.participants
    )


def test_the_facilitator_rule_reaches_only_their_own_sessions(world, login, group_today):
    # outsider is refused the chart of a participant whose care team they are not on ...
    client = login(world.outsider)
    chart = reverse("attendance:participant_attendance", args=[world.participant.public_id])
    assert client.get(chart).status_code == 403
    # ... yet records that participant on the session they facilitate, audited with the rule.
    assert _tap(client, group_today.session, world.episode, "present").status_code == 200
    event = AuditEvent.objects.filter(
        participant=world.participant, record_type="attendance.Attendance"
    ).get()
    assert event.details["why"] == FACILITATOR_REASON
    # A session they do not facilitate stays closed to them.
    other = make_session(world.program, group_today.session.date, title="Other group")
    enrol(other, world.episode)
    response = client.get(reverse("attendance:roll_call", args=[other.public_id]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        actor=world.outsider, record_id=str(other.public_id), outcome=Outcome.REFUSED
    ).exists()


@pytest.mark.parametrize("persona", ["director", "supervisor", "frontdesk"])
def test_schedule_roles_take_any_roll_call(world, login, group_today, persona):
    client = login(world.users[persona])
    response = _tap(client, group_today.session, world.episode, "present")
    assert response.status_code == 200
    assert Attendance.objects.get(participant=world.participant).recorded_by == world.users[persona]


@pytest.mark.parametrize("persona", ["therapist", "nurse", "auditor", "stranger"])
def test_others_cannot_open_or_record_a_roll_call(world, login, group_today, persona):
    client = login(world.users[persona])
    # Staff of another organization are answered as for a session id that names nothing.
    status = 404 if persona == "stranger" else 403
    url = reverse("attendance:roll_call", args=[group_today.session.public_id])
    assert client.get(url).status_code == status
    refused = _tap(client, group_today.session, world.episode, "present")
    assert refused.status_code == status
    assert world.participant.legal_last_name not in refused.content.decode()
    assert not Attendance.objects.exists()
    refusals = AuditEvent.objects.filter(actor=world.users[persona], outcome=Outcome.REFUSED)
    assert refusals.count() == 2


def test_billing_reads_the_roll_call_but_does_not_record_it(world, login, group_today):
    client = login(world.billing)
    page = client.get(reverse("attendance:roll_call", args=[group_today.session.public_id]))
    assert page.status_code == 200
    assert b"Mark all present" not in page.content
    assert b'name="status"' not in page.content
    assert _tap(client, group_today.session, world.episode, "present").status_code == 403
    assert not Attendance.objects.exists()


def test_present_takes_the_session_minutes_and_audits_before_and_after(world, login, group_today):
    client = login(world.outsider)

    response = _tap(client, group_today.session, world.episode, "present")

    assert response.status_code == 200
    assert "Saved:" in response.content.decode()
    row = Attendance.objects.get(participant=world.participant)
    assert (row.status, row.minutes, row.version, row.episode) == ("present", 90, 1, world.episode)
    event = AuditEvent.objects.get(record_type="attendance.Attendance", action=Action.CREATE)
    assert event.details["changes"]["status"] == {"before": None, "after": "present"}
    assert event.details["changes"]["minutes"] == {"before": None, "after": 90}


def test_correcting_a_row_bumps_its_version_and_audits_the_change(world, login, group_today):
    client = login(world.outsider)
    _tap(client, group_today.session, world.episode, "present")

    response = _tap(client, group_today.session, world.episode, "late", version=1, minutes="60")

    assert response.status_code == 200
    row = Attendance.objects.get(participant=world.participant)
    assert (row.status, row.minutes, row.version) == ("late", 60, 2)
    # On a phone "90" and "min" stay together, and the minutes' label keeps its words whole.
    shown = response.content.decode()
    assert "60 of 90&nbsp;min" in shown
    assert '<span class="nowrap">Minutes attended</span>' in shown
    change = AuditEvent.objects.get(record_type="attendance.Attendance", action=Action.CHANGE)
    assert change.details["changes"] == {
        "status": {"before": "present", "after": "late"},
        "minutes": {"before": 90, "after": 60},
    }


@pytest.mark.parametrize(
    ("status", "minutes", "message"),
    [
        ("late", "", "Enter the minutes attended (1–89) to record late."),
        ("left_early", "90", "Minutes attended must be between 1 and 89 for left early"),
        ("late", "0", "Minutes attended must be between 1 and 89"),
        ("late", "-5", "Minutes attended must be between 1 and 89"),
        ("late", "ten", "Minutes attended must be a whole number."),
        ("", "", "Choose a status: present, late, left early"),
        ("asleep", "", "Choose a status"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    world, login, group_today, status, minutes, message
):
    client = login(world.outsider)
    before = AuditEvent.objects.filter(record_type="attendance.Attendance").count()

    response = _tap(client, group_today.session, world.episode, status, minutes=minutes)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Not saved" in response.content.decode()
    assert not Attendance.objects.exists()
    assert AuditEvent.objects.filter(record_type="attendance.Attendance").count() == before


def test_minutes_rules_in_the_service(world, group_today):
    session = group_today.session
    with pytest.raises(InvalidInput, match="whole session"):
        services.record_attendance(
            session,
            world.participant,
            status="present",
            minutes=45,
            by=world.director,
            expected_version=0,
        )
    with pytest.raises(InvalidInput, match="no minutes"):
        services.record_attendance(
            session,
            world.participant,
            status="excused",
            minutes=30,
            by=world.director,
            expected_version=0,
        )
    absent = services.record_attendance(
        session, world.participant, status="unexcused", by=world.director, expected_version=0
    )
    assert absent.minutes == 0
    virtual = services.record_attendance(
        session, world.participant, status="virtual", by=world.director, expected_version=1
    )
    assert (virtual.minutes, virtual.version) == (90, 2)


def test_a_second_facilitator_is_told_and_never_overwrites(world, login, group_today):
    group_today.session.staff.add(world.counsellor)
    first = login(world.outsider)
    second = Client()
    second.post("/accounts/login/", {"username": "counsellor", "password": PASSWORD})
    # Both opened the roll call while the row was empty (version 0).
    assert _tap(first, group_today.session, world.episode, "late", minutes="30").status_code == 200

    response = _tap(second, group_today.session, world.episode, "unexcused")

    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else recorded this row after you opened the roll call" in page
    assert "Late" in page and 'value="1"' in page  # their entry and its version are shown
    row = Attendance.objects.get(participant=world.participant)
    assert (row.status, row.minutes, row.recorded_by) == ("late", 30, world.outsider)
    # Tapping again on the refreshed row is a deliberate change and is saved.
    assert (
        _tap(second, group_today.session, world.episode, "unexcused", version=1).status_code == 200
    )
    assert Attendance.objects.get(participant=world.participant).status == "unexcused"


def test_a_stale_version_is_a_concurrent_edit_in_the_service(world, group_today):
    session = group_today.session
    services.record_attendance(
        session, world.participant, status="present", by=world.director, expected_version=0
    )
    services.record_attendance(
        session,
        world.participant,
        status="late",
        minutes=20,
        by=world.frontdesk,
        expected_version=1,
    )
    with pytest.raises(ConcurrentEdit):
        services.record_attendance(
            session, world.participant, status="excused", by=world.director, expected_version=1
        )
    assert Attendance.objects.get().status == "late"


def test_without_htmx_the_row_posts_and_returns_to_the_roll_call(world, login, group_today):
    client = login(world.outsider)
    response = client.post(
        _row_url(group_today.session, world.episode), {"status": "late", "version": 0}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"{world.participant.display_name}: Enter the minutes attended" in page


def test_a_saved_message_naming_the_participant_stays_on_the_server(world, login, group_today):
    """A message like "Saved: <name>." is carried to the next page in the session, not in a cookie the
    browser sends back with every request and any proxy on the way may log."""
    client = login(world.outsider)
    response = client.post(
        _row_url(group_today.session, world.episode), {"status": "present", "version": 0}
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    name = world.participant.display_name
    assert f"Saved: {name}." in client.get(response.url).content.decode()


def test_mark_all_present_records_only_rows_not_yet_recorded(world, login, group_today):
    client = login(world.outsider)
    alex = group_today.episodes[1]
    _tap(client, group_today.session, alex, "late", minutes="45")

    response = client.post(
        reverse("attendance:mark_all_present", args=[group_today.session.public_id]), **HTMX
    )

    assert response.status_code == 200
    assert "Marked 3 present." in response.content.decode()
    assert "4 of 4 recorded" in response.content.decode()
    statuses = dict(Attendance.objects.values_list("participant__record_number", "status"))
    assert statuses == {
        "T-000001": "present",
        "T-000010": "late",
        "T-000011": "present",
        "T-000012": "present",
    }
    assert Attendance.objects.get(participant=alex.participant).minutes == 45
    created = AuditEvent.objects.filter(record_type="attendance.Attendance", action=Action.CREATE)
    assert created.count() == 4  # one per participant: Alex's earlier row and three new ones


def test_once_everyone_is_recorded_mark_all_present_gives_way_to_a_word(world, login, group_today):
    client = login(world.outsider)
    url = reverse("attendance:roll_call", args=[group_today.session.public_id])
    *others, last = group_today.episodes
    for episode in others:
        _tap(client, group_today.session, episode, "present")
    assert "Mark all present" in client.get(url).content.decode()

    row = _tap(client, group_today.session, last, "present").content.decode()

    assert '<div id="mark-all" class="roll-all-box" hx-swap-oob="true">' in row
    assert "Everyone is recorded." in row
    assert "Mark all present" not in row
    page = client.get(url).content.decode()
    assert "Mark all present" not in page
    assert "Everyone is recorded. Change a row below to correct it." in page


def test_mark_all_present_swaps_its_own_button_for_the_word(world, login, group_today):
    client = login(world.outsider)
    response = client.post(
        reverse("attendance:mark_all_present", args=[group_today.session.public_id]), **HTMX
    ).content.decode()
    oob = response.split('<div id="mark-all" class="roll-all-box" hx-swap-oob="true">')[1]
    assert "Everyone is recorded. Change a row below to correct it." in oob
    assert "Mark all present" not in oob


def test_the_roll_call_leads_back_to_its_session_and_that_week(world, login, group_today):
    session = group_today.session
    page = login(world.outsider).get(reverse("attendance:roll_call", args=[session.public_id]))

    html = page.content.decode()
    assert f'href="{reverse("scheduling:session", args=[session.public_id])}"' in html
    week = reverse("scheduling:week", args=[world.program.public_id])
    assert f'href="{week}?start={session.date:%Y-%m-%d}"' in html


def test_mark_all_present_on_a_virtual_session_records_attended_virtually(world, group_today):
    Session.objects.filter(pk=group_today.session.pk).update(mode=SessionMode.VIRTUAL)
    group_today.session.refresh_from_db()
    rows = services.mark_all_present(group_today.session, by=world.director)
    assert {r.status for r in rows} == {AttendanceStatus.VIRTUAL}
    assert services.mark_all_present(group_today.session, by=world.director) == []


def test_drop_in_found_by_a_posted_search_and_added_present(world, login, group_today):
    walk_in = active_participant(world, "T-000020", "Dana", "Dropwell")
    client = login(world.outsider)
    search = reverse("attendance:drop_in_search", args=[group_today.session.public_id])
    assert client.get(search).status_code == 405  # terms never go into a URL

    found = client.post(search, {"text": "dropwell"}, **HTMX)

    assert found.status_code == 200
    assert "Dana Dropwell" in found.content.decode()
    assert "Add as drop-in" in found.content.decode()
    searched = AuditEvent.objects.get(action=Action.SEARCH)
    assert searched.details["participants"] == [str(walk_in.participant.public_id)]
    # The person shown finds the search in their history, as with every page listing people.
    assert ListedParticipant.objects.filter(
        event=searched, participant=walk_in.participant
    ).exists()
    # Someone already on the roll call is not offered again.
    assert "Robin" not in client.post(search, {"text": "Testperson"}, **HTMX).content.decode()

    added = client.post(
        reverse("attendance:drop_in", args=[group_today.session.public_id]),
        {"participant": str(walk_in.participant.public_id)},
        **HTMX,
    )

    assert added.status_code == 200
    assert "Dana Dropwell" in added.content.decode() and "Drop-in" in added.content.decode()
    enrolment = Enrolment.objects.get(participant=walk_in.participant)
    assert (enrolment.source, enrolment.created_by) == ("drop_in", world.outsider)
    row = Attendance.objects.get(participant=walk_in.participant)
    assert (row.status, row.minutes) == ("present", 90)


def test_drop_in_needs_someone_in_care_in_this_program(world, group_today):
    with pytest.raises(InvalidInput, match="admitted to this program"):
        services.add_drop_in(group_today.session, world.referral, by=world.director)
    with pytest.raises(InvalidInput, match="already on the roll call"):
        services.add_drop_in(group_today.session, world.participant, by=world.director)
    assert not Attendance.objects.exists()


def test_short_search_terms_are_refused_with_a_message(world, login, group_today):
    client = login(world.outsider)
    response = client.post(
        reverse("attendance:drop_in_search", args=[group_today.session.public_id]),
        {"text": "a"},
        **HTMX,
    )
    assert "Type at least two letters" in response.content.decode()


def test_no_roll_call_for_a_cancelled_or_future_session(world, group_today):
    session = group_today.session
    tomorrow = make_session(world.program, session.date + timedelta(days=1), staff=[world.outsider])
    enrol(tomorrow, world.episode)
    with pytest.raises(InvalidInput, match="opens on the day"):
        services.record_attendance(
            tomorrow, world.participant, status="present", by=world.outsider, expected_version=0
        )
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    session.refresh_from_db()
    with pytest.raises(InvalidInput, match="cancelled"):
        services.mark_all_present(session, by=world.outsider)
    assert not Attendance.objects.exists()


def test_a_participant_not_enrolled_must_come_as_a_drop_in(world, group_today):
    stranger_here = active_participant(world, "T-000030", "Eli", "Elsewhere")
    with pytest.raises(InvalidInput, match="not enrolled"):
        services.record_attendance(
            group_today.session,
            stranger_here.participant,
            status="present",
            by=world.director,
            expected_version=0,
        )


def test_a_refused_row_write_is_audited_before_anything_is_written(world, group_today):
    with pytest.raises(AccessDenied):
        services.record_attendance(
            group_today.session,
            world.participant,
            status="present",
            by=world.therapist,
            expected_version=0,
        )
    assert AuditEvent.objects.filter(actor=world.therapist, outcome=Outcome.REFUSED).count() == 1
    assert not Attendance.objects.exists()


def test_my_sessions_today_panel_links_the_facilitator_to_the_roll_call(world, login, group_today):
    page = login(world.outsider).get("/").content.decode()
    assert "My sessions today" in page
    assert reverse("attendance:roll_call", args=[group_today.session.public_id]) in page
    assert "Take roll call" in page and "0 of 4 recorded" in page
    assert "My sessions today" not in login(world.therapist).get("/").content.decode()


def test_sessions_today_lists_all_for_the_front_desk_and_own_for_facilitators(
    world, login, group_today
):
    other = make_session(world.program, group_today.session.date, title="Family group")
    front = login(world.frontdesk).get(reverse("attendance:today")).content.decode()
    assert "Coping skills" in front and "Family group" in front
    mine = login(world.outsider).get(reverse("attendance:today")).content.decode()
    assert "Coping skills" in mine and "Family group" not in mine
    assert other.title not in login(world.auditor).get(reverse("attendance:today")).content.decode()


def test_the_days_sessions_say_which_day_they_are_in_the_programs_zone(world, login):
    """At 21:00 on a Wednesday in Chicago it is already Thursday in UTC: the Sessions page and
    both home panels name the program's Wednesday, so an evening reader knows which day's
    list it is."""
    evening = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # Wed 2 Dec 2026, 21:00 in Chicago
    with time_machine.travel(evening, tick=False):
        make_session(
            world.program,
            date(2026, 12, 2),
            start=time(20, 30),
            minutes=60,
            title="Evening group",
            staff=[world.outsider],
        )
        page = login(world.frontdesk).get(reverse("attendance:today")).content.decode()
        home = login(world.frontdesk).get("/").content.decode()
        facilitator = login(world.outsider).get("/").content.decode()

    assert "<h1>Sessions today, Wed 2 Dec 2026</h1>" in page and "Evening group" in page
    assert "sessions and arrivals, Wed 2 Dec 2026</h2>" in home
    assert ">My sessions today, Wed 2 Dec 2026</h2>" in facilitator
    assert "Thu 3 Dec 2026" not in page + home + facilitator


@pytest.mark.parametrize("persona", ["outsider", "director", "frontdesk"])
def test_roll_call_page_queries_do_not_grow_with_participants(world, login, group_today, persona):
    """A facilitator and the schedule roles cost the same few queries for any roll call."""
    client = login(world.users[persona])
    url = reverse("attendance:roll_call", args=[group_today.session.public_id])
    services.mark_all_present(group_today.session, by=world.outsider)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(60):
        enrol(group_today.session, active_participant(world, f"T-0009{n:02d}", "Extra", f"P{n}"))
    services.mark_all_present(group_today.session, by=world.outsider)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "64 of 64 recorded" in response.content.decode()
    assert len(many) == len(few)


def test_a_long_roll_call_is_paged_by_last_name_and_counts_everyone(world, login, group_today):
    for n in range(48):
        enrol(
            group_today.session, active_participant(world, f"T-0009{n:02d}", "Extra", f"Zz{n:02d}")
        )
    services.record_attendance(
        group_today.session,
        group_today.participants[1],
        status="present",
        by=world.outsider,
        expected_version=0,
    )
    client = login(world.director)
    url = reverse("attendance:roll_call", args=[group_today.session.public_id])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "1 of 52 recorded" in first and "1 of 52 recorded" in second
    assert "Page 1 of 2 (52)" in first and "Zz45" in first and "Zz46" not in first
    assert "Zz46" in second and "Zz47" in second and "Abbott" not in second
    shown = AuditEvent.objects.filter(event_type="roll_call.viewed").order_by("id")
    assert [len(e.details["participants"]) for e in shown] == [50, 2]
    for asked, number, name in (("9" * 20, 2, "Zz47"), ("0", 1, "Zz45"), ("abc", 1, "Zz45")):
        page = client.get(url, {"page": asked}).content.decode()
        assert f"Page {number} of 2 (52)" in page and name in page, asked


def test_api_records_a_roll_call_all_or_nothing(world, login, group_today):
    client = login(world.outsider)
    url = reverse("api:attendance_roll_call", args=[group_today.session.public_id])
    alex, blair = group_today.episodes[1].participant, group_today.episodes[2].participant

    bad = client.post(
        url,
        json.dumps(
            {
                "entries": [
                    {"participant_id": str(alex.public_id), "status": "present"},
                    {"participant_id": str(blair.public_id), "status": "late"},
                ]
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "entries.1.minutes"
    assert not Attendance.objects.exists()

    good = client.post(
        url,
        json.dumps(
            {
                "entries": [
                    {"participant_id": str(alex.public_id), "status": "present"},
                    {"participant_id": str(blair.public_id), "status": "late", "minutes": 50},
                ]
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 200
    assert [(r["status"], r["minutes"], r["version"]) for r in good.json()] == [
        ("present", 90, 1),
        ("late", 50, 1),
    ]
    stale = client.post(
        url,
        json.dumps({"entries": [{"participant_id": str(alex.public_id), "status": "excused"}]}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Attendance.objects.get(participant=alex).status == "present"


def test_api_roll_call_refuses_a_participant_of_another_organization_at_its_place(
    world, login, group_today
):
    alex = group_today.episodes[1].participant
    response = login(world.outsider).post(
        reverse("api:attendance_roll_call", args=[group_today.session.public_id]),
        json.dumps(
            {
                "entries": [
                    {"participant_id": str(alex.public_id), "status": "present"},
                    {
                        "participant_id": str(world.other_org_participant.public_id),
                        "status": "present",
                    },
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "entries.1.participant_id",
        "message": "No participant of this program has that id.",
    }
    assert not Attendance.objects.exists()


def test_api_roll_call_refuses_a_clinician_who_does_not_facilitate(world, login, group_today):
    client = login(world.therapist)
    response = client.post(
        reverse("api:attendance_roll_call", args=[group_today.session.public_id]),
        json.dumps(
            {"entries": [{"participant_id": str(world.participant.public_id), "status": "present"}]}
        ),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_discharged_participants_cannot_drop_in(world, group_today):
    walk_in = active_participant(world, "T-000040", "Fran", "Former")
    walk_in.status = EpisodeStatus.DISCHARGED
    walk_in.save(update_fields=["status"])
    with pytest.raises(InvalidInput, match="admitted to this program"):
        services.add_drop_in(group_today.session, walk_in.participant, by=world.director)


def test_sessions_today_counts_cost_the_same_queries_for_more_participants(
    world, login, group_today
):
    client = login(world.frontdesk)
    url = reverse("attendance:today")
    services.mark_all_present(group_today.session, by=world.outsider)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        enrol(group_today.session, active_participant(world, f"T-0004{n:02d}", "Extra", f"T{n}"))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "4 of 9 recorded" in page  # each count on its own, not multiplied by the other
    assert len(many) == len(few)


def test_the_session_page_leads_to_its_roll_call_for_whoever_may_open_it(world, login, group_today):
    page = reverse("scheduling:session", args=[group_today.session.public_id])
    roll_call = reverse("attendance:roll_call", args=[group_today.session.public_id])

    facilitator = login(world.outsider).get(page).content.decode()
    assert f'href="{roll_call}">Take the roll call</a>' in facilitator

    therapist = login(world.therapist).get(page).content.decode()  # not on the session
    assert roll_call not in therapist


def test_a_cancelled_session_page_leads_to_who_was_told_instead(world, login, group_today):
    Session.objects.filter(pk=group_today.session.pk).update(status=Session.Status.CANCELLED)
    page = login(world.outsider).get(
        reverse("scheduling:session", args=[group_today.session.public_id])
    )

    told = reverse("attendance:cancellation", args=[group_today.session.public_id])
    assert f'href="{told}">Who was told, and make-up options</a>' in page.content.decode()
    assert "Take the roll call" not in page.content.decode()


def test_a_facilitator_with_no_session_today_is_told_so_and_led_to_the_week(world, login):
    """Saying "No sessions today" would read as if the program had none; a facilitator sees only
    the sessions they lead, and the program's week shows the rest."""
    make_session(world.program, world.program.today(), title="Family group")
    page = login(world.therapist).get(reverse("attendance:today")).content.decode()
    assert "Family group" not in page
    assert "You lead no sessions today." in page
    assert f'href="{reverse("scheduling:home")}"' in page
    front = login(world.frontdesk).get(reverse("attendance:today")).content.decode()
    assert "Family group" in front and "You lead" not in front


def test_a_recorded_row_says_who_recorded_it_and_when(world, login, group_today):
    """A bare name and time beside the status ("Present Kim Osei 12:00") left the reader to
    guess what they were."""
    client = login(world.outsider)
    response = _tap(client, group_today.session, world.episode, "present")
    row = Attendance.objects.get(participant=world.participant)
    at = timezone.localtime(row.recorded_at, ZoneInfo(world.program.time_zone))
    # The name reads whole: a phone moves it to the next line rather than split it.
    assert (
        f'recorded by <span class="name">{world.outsider}</span> at {at:%H:%M}'
        in response.content.decode()
    )
