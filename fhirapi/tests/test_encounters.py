"""Sessions as Encounters through the real client: one per participant per session booked,
its status from the session and the roll call (planned, finished with the minutes attended,
cancelled for a cancelled session and for an absence, with the reason in words, unknown for a
past session without a roll call), class AMB or VR, labelled Part 2, read under the schedule
scope, and in the bulk export by `_since`."""

import json
from datetime import date, timedelta

import time_machine
from django.utils import timezone

from attendance.models import AttendanceStatus
from attendance.tests.builders import active_participant, enrol, make_session
from attendance.tests.builders import record as roll_call
from audit.models import Action, AuditEvent, Outcome
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import PART2_CODES, _entries, _get, _json, _labels
from participants.access import Scope
from participants.audit_events import access_event_type
from scheduling.models import Session, SessionMode

PAST = date(2026, 11, 18)  # a Wednesday before the suite's clock
AHEAD = date(2026, 12, 3)  # a Thursday after it


def _booked(world, day: date, **session):
    """The world's participant booked into a session of the world's therapist on `day`."""
    held = make_session(world.program, day, staff=[world.therapist], **session)
    return held, enrol(held, world.episode)


def _encounters(client, world) -> dict[str, dict]:
    return _entries(_json(_get(client, "Encounter", patient=str(world.participant.public_id))))


def test_a_session_attended_is_a_finished_encounter_of_the_minutes_attended(world, signed_in):
    held, booked = _booked(world, PAST, title="Relapse prevention", minutes=180)
    roll_call(held, world.episode, AttendanceStatus.LATE, 150)
    client = signed_in(world.therapist)

    data = _json(_get(client, "Encounter", patient=str(world.participant.public_id)))
    [found] = _entries(data).values()

    assert found["id"] == str(booked.public_id)
    assert found["status"] == "finished"
    assert found["class"]["code"] == "AMB"
    assert found["serviceType"] == {"text": "Group"}
    assert found["type"] == [{"text": "Relapse prevention"}]
    assert found["subject"] == {"reference": f"Patient/{world.participant.public_id}"}
    assert found["episodeOfCare"] == [{"reference": f"EpisodeOfCare/{world.episode.public_id}"}]
    assert found["period"]["start"].startswith("2026-11-18T15:00:00")
    assert found["period"]["end"].startswith("2026-11-18T18:00:00")
    assert found["length"] == {
        "value": 150,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert found["participant"] == [
        {
            "type": [{"text": "Facilitator"}],
            "individual": {
                "reference": f"Practitioner/{world.therapist.public_id}",
                "display": str(world.therapist),
            },
        }
    ]
    assert "text" not in found
    assert _labels(found) == _labels(data) == PART2_CODES


def test_each_state_of_a_session_has_its_status_and_says_why_in_words(world, signed_in):
    _, planned = _booked(world, AHEAD)
    _, unrecorded = _booked(world, PAST)
    _, cancelled = _booked(world, PAST + timedelta(days=1), status=Session.Status.CANCELLED)
    missed, absent = _booked(world, PAST + timedelta(days=2))
    roll_call(missed, world.episode, AttendanceStatus.UNEXCUSED, 0)
    client = signed_in(world.therapist)

    found = _encounters(client, world)

    def said(row) -> tuple[str, str]:
        encounter = found[str(row.public_id)]
        assert "length" not in encounter
        return encounter["status"], encounter.get("text", {}).get("div", "")

    assert said(planned) == ("planned", "")
    assert said(unrecorded)[0] == "unknown"
    assert "No attendance was recorded" in said(unrecorded)[1]
    assert said(cancelled)[0] == "cancelled"
    assert "The session was cancelled." in said(cancelled)[1]
    assert said(absent)[0] == "cancelled"
    assert "Absent, unexcused" in said(absent)[1]
    assert list(found) == [str(r.public_id) for r in (planned, absent, cancelled, unrecorded)]


def test_an_online_session_or_one_attended_online_is_virtual(world, signed_in):
    online, by_video = _booked(world, PAST, mode=SessionMode.VIRTUAL)
    roll_call(online, world.episode, AttendanceStatus.VIRTUAL, online.minutes)
    room, from_home = _booked(world, PAST + timedelta(days=1))
    roll_call(room, world.episode, AttendanceStatus.VIRTUAL, room.minutes)
    _, in_person = _booked(world, AHEAD, kind=Session.Kind.INDIVIDUAL, title="Individual")
    client = signed_in(world.therapist)

    found = _encounters(client, world)

    assert found[str(by_video.public_id)]["class"]["code"] == "VR"
    assert found[str(from_home.public_id)]["class"]["code"] == "VR"
    assert found[str(in_person.public_id)]["class"]["code"] == "AMB"
    assert found[str(in_person.public_id)]["serviceType"] == {"text": "Individual"}


def test_the_front_desk_reads_sessions_as_it_reads_attendance_but_not_the_clinical_record(
    world, signed_in
):
    _booked(world, PAST)
    desk = world.users["frontdesk"]
    client = signed_in(desk)

    sessions = _get(client, "Encounter", patient=str(world.participant.public_id))
    diagnoses = _get(client, "Condition", patient=str(world.participant.public_id))

    assert (sessions.status_code, diagnoses.status_code) == (200, 404)
    events = AuditEvent.objects.filter(actor=desk, participant=world.participant).order_by("id")
    assert [(e.event_type, e.outcome, e.details["fhir"]) for e in events] == [
        (access_event_type(Action.VIEW, Scope.SCHEDULE), Outcome.ALLOWED, "Encounter"),
        (access_event_type(Action.VIEW, Scope.CLINICAL), Outcome.REFUSED, "Condition"),
    ]


def test_another_participant_s_sessions_are_not_in_the_search(world, signed_in):
    held, mine = _booked(world, PAST)
    other = active_participant(world, "R-0099", "Sam", "Other")
    enrol(held, other)
    client = signed_in(world.therapist)

    assert list(_encounters(client, world)) == [str(mine.public_id)]


def test_the_export_writes_each_session_and_since_takes_a_roll_call_recorded_after_it(
    world, signed_in, run_tasks
):
    missed, booked = _booked(world, PAST)
    _, earlier = _booked(world, PAST - timedelta(days=1))
    client = signed_in(world.users["director"])
    everything = _started(client, world, run_tasks, _type="Encounter")
    [whole] = [_lines(client, o["url"]) for o in everything["output"]]
    assert {e["id"] for e in whole} == {str(booked.public_id), str(earlier.public_id)}
    assert all(_labels(e) == PART2_CODES for e in whole)

    since = timezone.now()
    roll_call(missed, world.episode, AttendanceStatus.PRESENT, missed.minutes)
    manifest = _started(client, world, run_tasks, _type="Encounter", _since=since.isoformat())

    [changed] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert [(e["id"], e["status"]) for e in changed] == [(str(booked.public_id), "finished")]
    read = _get(client, f"Encounter/{booked.public_id}")
    assert json.loads(read.content) == changed[0]


def test_since_takes_a_session_that_ended_after_it_so_is_no_longer_planned(
    world, signed_in, run_tasks
):
    """Nothing was written, but the clock passed the session's end: its status moved."""
    now = timezone.localtime(timezone.now(), world.program.tz)
    _, booked = _booked(world, now.date(), start=(now - timedelta(minutes=55)).time(), minutes=60)
    client = signed_in(world.users["director"])
    since = timezone.now()
    assert json.loads(_get(client, f"Encounter/{booked.public_id}").content)["status"] == (
        "planned"
    )

    with time_machine.travel(now + timedelta(minutes=10), tick=True):
        manifest = _started(client, world, run_tasks, _type="Encounter", _since=since.isoformat())
        [changed] = [_lines(client, o["url"]) for o in manifest["output"]]

    assert [(e["id"], e["status"]) for e in changed] == [(str(booked.public_id), "unknown")]


def _ids_on(client, world, *dates: str):
    response = _get(client, "Encounter", patient=str(world.participant.public_id), date=list(dates))
    return response, set(_entries(_json(response))) if response.status_code == 200 else set()


def test_a_search_by_date_keeps_the_sessions_on_after_or_before_a_day(world, signed_in):
    """Days in the program's zone: an evening session is on its own day, though it ends after
    midnight in UTC; repeated, every date must match (a range)."""
    from datetime import time

    monday, tuesday, wednesday = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)
    ids = {
        day: str(_booked(world, day, start=time(18, 0), minutes=180)[1].public_id)
        for day in (monday, tuesday, wednesday)
    }
    client = signed_in(world.therapist)
    cases = {
        ("2026-11-17",): {tuesday},
        ("eq2026-11-17",): {tuesday},
        ("gt2026-11-17",): {wednesday},
        ("ge2026-11-17",): {tuesday, wednesday},
        ("lt2026-11-17",): {monday},
        ("le2026-11-17",): {monday, tuesday},
        ("ge2026-11-16", "lt2026-11-18"): {monday, tuesday},
        ("ne2026-11-17",): {monday, wednesday},
        ("sa2026-11-16",): {tuesday, wednesday},
        ("eb2026-11-17",): {monday},
        ("2026-11-19",): set(),
    }
    for asked, days in cases.items():
        response, found = _ids_on(client, world, *asked)
        assert response.status_code == 200, asked
        assert found == {ids[d] for d in days}, asked


def test_a_session_past_midnight_is_after_its_first_day_but_does_not_start_after_it(
    world, signed_in
):
    """`gt` asks whether part of the session falls after the day, `sa` whether all of it
    does; `lt` and `eb` alike before the next day."""
    from datetime import time

    late = str(_booked(world, date(2026, 11, 17), start=time(23, 0), minutes=120)[1].public_id)
    client = signed_in(world.therapist)
    for asked, found_it in (
        ("gt2026-11-17", True),
        ("sa2026-11-17", False),
        ("lt2026-11-18", True),
        ("eb2026-11-18", False),
        ("eq2026-11-17", False),
        ("ne2026-11-17", True),
    ):
        response, found = _ids_on(client, world, asked)
        assert response.status_code == 200, asked
        assert (late in found) is found_it, asked


def test_a_date_that_is_not_a_served_day_is_refused_with_a_reason(world, signed_in):
    client = signed_in(world.therapist)
    for bad, says in (
        ("2026-11", "A date is a day"),
        ("ap2026-11-17", "Unsupported date prefix: ap"),
        ("2026-13-01", "YYYY-MM-DD"),
        ("1899-12-31", "The date"),
    ):
        response, _ = _ids_on(client, world, bad)
        assert response.status_code == 400, bad
        assert says in _json(response)["issue"][0]["diagnostics"], bad
