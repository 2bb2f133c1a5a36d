"""The Schedule tab: a participant's week, profile, availability and group choices; the API."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from scheduling.models import AvailabilityWindow, Enrolment, SchedulingProfile
from scheduling.tests.conftest import MONDAY, held_session


def _tab(world):
    return reverse("scheduling:participant", args=[world.participant.public_id])


def _windows(version, *rows):
    data = {"a-version": version, "w-TOTAL_FORMS": max(len(rows), 1), "w-INITIAL_FORMS": 0}
    for k, (day, start, end) in enumerate(rows):
        data |= {f"w-{k}-weekday": day, f"w-{k}-start": start, f"w-{k}-end": end}
    return data


def _profile(version, **changes):
    return {
        "mode": "either",
        "max_days": 4,
        "required_minutes": "",
        "individual_minutes": 50,
        "individual_staff": "",
        "constraints": ["work"],
        "note": "Works days at the warehouse",
        "version": version,
    } | changes


def _enrol(world, group, day):
    session = held_session(world, group, day)
    Enrolment.objects.create(session=session, participant=world.participant, episode=world.episode)
    return session


def test_tab_shows_their_published_week_in_local_time(world, calendar, login):
    _enrol(world, calendar.morning[0], MONDAY)
    _enrol(world, calendar.morning[1], MONDAY + timedelta(days=2))
    page = login(world.casemanager).get(_tab(world) + f"?week={MONDAY}").content.decode()
    assert "Relapse prevention" in page and "DBT skills" in page
    assert "09:00–12:00" in page and "Oak room" in page
    assert "<td>Mon 7 Jan 2030, 09:00–12:00</td>" in page  # as every other chart tab
    assert "<td>Wed 9 Jan 2030, " in page
    assert 'aria-current="page">Schedule' in page
    assert "Save availability" in page  # the care team edits


def test_billing_reads_but_cannot_edit(world, calendar, login):
    page = login(world.billing).get(_tab(world)).content.decode()
    assert "Availability" in page and "Save availability" not in page


def test_case_manager_saves_availability(world, calendar, login):
    client = login(world.casemanager)
    profile = SchedulingProfile.objects.get(episode=world.episode)
    response = client.post(
        reverse("scheduling:participant_availability", args=[world.participant.public_id]),
        _windows(profile.version, (1, "17:30", "21:30"), (3, "17:30", "21:30")),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert [str(w) for w in profile.windows.all()] == [
        "Tuesday 17:30–21:30",
        "Thursday 17:30–21:30",
    ]
    event = AuditEvent.objects.filter(participant=world.participant, action="change").last()
    assert event is not None
    assert event.details["availability"]["after"] == [
        "Tuesday 17:30–21:30",
        "Thursday 17:30–21:30",
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(0, "14:00", "09:00")], "The window Monday 14:00–09:00 ends before it starts."),
        (
            [(4, "09:00", "12:00"), (4, "11:30", "15:00")],
            "The windows Friday 09:00–12:00 and Friday 11:30–15:00 overlap.",
        ),
    ],
)
def test_bad_availability_is_explained_and_nothing_is_written(
    world, calendar, login, rows, message
):
    client = login(world.casemanager)
    profile = SchedulingProfile.objects.get(episode=world.episode)
    before = list(AvailabilityWindow.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("scheduling:participant_availability", args=[world.participant.public_id]),
        _windows(profile.version, *rows),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(AvailabilityWindow.objects.values_list("pk", flat=True)) == before
    profile.refresh_from_db()
    assert profile.version == 1


def test_profile_is_saved_once_and_a_stale_form_is_refused(world, calendar, login):
    client = login(world.therapist)
    url = reverse("scheduling:participant_profile", args=[world.participant.public_id])
    assert client.post(url, _profile(1)).status_code == 302
    profile = SchedulingProfile.objects.get(episode=world.episode)
    assert (profile.max_days, profile.constraints, profile.version) == (4, ["work"], 2)
    stale = client.post(url, _profile(1, max_days=2))
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    profile.refresh_from_db()
    assert profile.max_days == 4


def test_required_minutes_cannot_go_below_the_program_minimum(world, calendar, login):
    client = login(world.therapist)
    url = reverse("scheduling:participant_profile", args=[world.participant.public_id])
    response = client.post(url, _profile(1, required_minutes=300))
    assert response.status_code == 400
    assert "at least 540 minutes" in response.content.decode()
    assert client.post(url, _profile(1, required_minutes=600)).status_code == 302


@pytest.mark.parametrize("minutes", [10081, 2**31])
def test_required_minutes_cannot_exceed_a_week(world, calendar, login, minutes):
    """More minutes than a week holds is a typing slip, refused with a message; a number
    past the database's integer was a server error on PostgreSQL."""
    client = login(world.therapist)
    url = reverse("scheduling:participant_profile", args=[world.participant.public_id])

    response = client.post(url, _profile(1, required_minutes=minutes))

    assert response.status_code == 400
    assert "a week has 10080 minutes" in response.content.decode()
    assert not SchedulingProfile.objects.filter(required_minutes=minutes).exists()
    assert client.post(url, _profile(1, required_minutes=10080)).status_code == 302


def test_a_group_cannot_be_both_kept_and_excluded(world, calendar, login):
    client = login(world.therapist)
    url = reverse("scheduling:participant_groups", args=[world.participant.public_id])
    group = calendar.morning[0].pk
    response = client.post(url, {"pinned": [group], "excluded": [group], "version": 1})
    assert response.status_code == 400 and "both kept and excluded" in response.content.decode()
    response = client.post(url, {"pinned": [group], "excluded": [calendar.online.pk], "version": 1})
    assert response.status_code == 302
    kinds = dict(world.episode.scheduling_profile.preferences.values_list("group_id", "kind"))
    assert kinds == {group: "pin", calendar.online.pk: "exclude"}


def test_week_api_returns_sessions_and_is_audited(world, calendar, login):
    session = _enrol(world, calendar.morning[0], MONDAY)
    client = login(world.frontdesk)
    url = reverse("api:schedule_participant_week", args=[world.participant.public_id])
    body = client.get(url, {"week_start": (MONDAY + timedelta(days=3)).isoformat()}).json()
    assert body["week_start"] == MONDAY.isoformat() and body["time_zone"] == "America/Chicago"
    assert [s["id"] for s in body["sessions"]] == [str(session.public_id)]
    assert body["sessions"][0]["starts_at"].startswith(f"{MONDAY}T15:00:00")  # 09:00 CST
    assert AuditEvent.objects.filter(
        actor=world.frontdesk, participant=world.participant, outcome=Outcome.ALLOWED
    ).exists()
    assert login(world.auditor).get(url).status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_week_view_query_count_does_not_grow_with_sessions(world, calendar, login):
    client = login(world.frontdesk)
    url = reverse("scheduling:week", args=[world.program.public_id]) + f"?start={MONDAY}"
    _enrol(world, calendar.morning[0], MONDAY)
    few = _count(client, url)
    for day in range(1, 6):
        group = calendar.evening[0] if day % 2 else calendar.morning[1]
        _enrol(world, group, MONDAY + timedelta(days=day))
    assert _count(client, url) == few


def test_participant_tab_query_count_does_not_grow_with_sessions(world, calendar, login):
    client = login(world.casemanager)
    url = _tab(world) + f"?week={MONDAY}"
    _enrol(world, calendar.morning[0], MONDAY)
    few = _count(client, url)
    _enrol(world, calendar.morning[1], MONDAY + timedelta(days=2))
    _enrol(world, calendar.morning[2], MONDAY + timedelta(days=4))
    assert _count(client, url) == few


def test_the_top_bar_links_the_schedule_for_staff_only(world, calendar, login):
    assert 'href="/schedule/"' in login(world.nurse).get("/").content.decode()
    assert 'href="/schedule/"' not in login(world.auditor).get("/").content.decode()


def test_day_and_room_views(world, calendar, login):
    _enrol(world, calendar.morning[0], MONDAY)
    client = login(world.therapist)
    day = client.get(
        reverse("scheduling:day", args=[world.program.public_id]) + f"?on={MONDAY}"
    ).content.decode()
    assert ("Relapse prevention" in day and "1 / 12" in day) or "1 / 10" in day
    room = client.get(
        reverse("scheduling:room_week", args=[world.program.public_id, calendar.room.public_id])
        + f"?start={MONDAY}"
    ).content.decode()
    assert "Oak room" in room and "Relapse prevention" in room
    mine = client.get(
        reverse("scheduling:staff_week", args=[world.program.public_id, world.therapist.public_id])
        + f"?start={MONDAY}"
    ).content.decode()
    assert "Relapse prevention" in mine
    theirs = client.get(
        reverse("scheduling:staff_week", args=[world.program.public_id, world.counsellor.public_id])
        + f"?start={MONDAY}"
    ).content.decode()
    assert "Relapse prevention" not in theirs
    assert time(9).strftime("%H:%M") in day


def test_the_tab_says_the_required_week_in_hours_as_clinicians_do(world, calendar, login):
    """Minutes such as "540 minutes a week" had to be divided in one's head; the tab says 9 h, and the
    minutes only when the hours are not whole."""
    world.program.min_weekly_minutes = 540
    world.program.save(update_fields=["min_weekly_minutes"])
    client = login(world.casemanager)
    assert "Required: 9\u00a0h a week" in client.get(_tab(world)).content.decode()
    SchedulingProfile.objects.update_or_create(
        episode=world.episode, defaults={"required_minutes": 570}
    )
    assert "Required: 9\u00a0h 30\u00a0min a week" in client.get(_tab(world)).content.decode()
