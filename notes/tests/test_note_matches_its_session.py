"""A note tied to a session says what the session was: never an individual note on a group
session, never "In person" on a session held online. The service refuses both (page and API
alike, nothing written), and the form opened for a session starts as the session was held."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from attendance.tests.builders import enrol, make_session
from notes import services
from notes.models import ProgressNote
from notes.tests.conftest import NOW, dap
from scheduling.models import SessionMode
from tandem.errors import InvalidInput

pytestmark = pytest.mark.usefixtures("formats")

GROUP_REFUSAL = "That is a group session: each member&#x27;s note is written on its group note."
ONLINE_REFUSAL = "That session was held online: record the note as telehealth."


def _session(world, day, **extra):
    session = make_session(world.program, day, staff=[world.therapist], **extra)
    enrol(session, world.episode)
    return session


def _yesterday(world):
    return world.program.today() - timedelta(days=1)


def _posted(session, **extra) -> dict:
    return {
        "kind": "individual",
        "format": "dap",
        "session": str(session.public_id),
        "service_date": session.date.isoformat(),
        "minutes": "50",
        "mode": "in_person",
        "no_objective_reason": "Plan not yet signed.",
        "section_0": "Talked through the week.",
    } | extra


def _field(page, name: str) -> str:
    """The form row holding the input named `name`."""
    rows = re.findall(r'<div class="field[^"]*">.*?</div>', page.content.decode(), flags=re.S)
    return next(row for row in rows if f'name="{name}"' in row)


def test_the_service_refuses_an_individual_note_on_a_group_session(world):
    group = _session(world, NOW.date() - timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(
            world.participant,
            dap(session=group, service_date=group.date),
            by=world.therapist,
            now=NOW,
        )
    assert refused.value.field == "session"
    assert not ProgressNote.objects.exists()


def test_the_service_refuses_in_person_on_an_online_session_and_takes_telehealth(world):
    online = _session(
        world, NOW.date() - timedelta(days=1), kind="individual", mode=SessionMode.VIRTUAL
    )
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(
            world.participant,
            dap(session=online, service_date=online.date, mode="in_person"),
            by=world.therapist,
            now=NOW,
        )
    assert (refused.value.field, refused.value.message) == ("mode", ONLINE_REFUSAL)
    assert not ProgressNote.objects.exists()
    note = services.draft_note(
        world.participant,
        dap(
            session=online,
            service_date=online.date,
            mode="telehealth",
            participant_location="Home",
        ),
        by=world.therapist,
        now=NOW,
    )
    assert (note.session, note.mode) == (online, "telehealth")


def test_a_service_date_other_than_the_sessions_is_refused_naming_the_sessions_date(world):
    session = _session(world, NOW.date() - timedelta(days=1), kind="individual")
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(
            world.participant,
            dap(session=session, service_date=NOW.date() - timedelta(days=2)),
            by=world.therapist,
            now=NOW,
        )
    assert (refused.value.field, refused.value.message) == (
        "service_date",
        "The date of service is the session's date, Tue 17 Nov 2026.",
    )
    assert not ProgressNote.objects.exists()


def test_changing_a_draft_to_in_person_on_an_online_session_is_refused(world):
    online = _session(
        world, NOW.date() - timedelta(days=1), kind="individual", mode=SessionMode.VIRTUAL
    )
    content = dap(
        session=online, service_date=online.date, mode="telehealth", participant_location="Home"
    )
    note = services.draft_note(world.participant, content, by=world.therapist, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.change_note(
            note,
            dap(session=online, service_date=online.date, mode="in_person"),
            by=world.therapist,
            expected_version=note.version,
        )
    assert refused.value.field == "mode"
    note.refresh_from_db()
    assert (note.mode, note.version) == ("telehealth", 1)


def test_the_page_says_beside_the_session_that_a_group_note_is_written_elsewhere(world, login):
    group = _session(world, _yesterday(world))
    page = login(world.therapist).post(
        reverse("notes:new", args=[world.participant.public_id]), _posted(group)
    )
    assert page.status_code == 400
    assert GROUP_REFUSAL in _field(page, "session")
    assert not ProgressNote.objects.exists()


def test_the_page_says_beside_how_that_an_online_session_was_not_in_person(world, login):
    online = _session(world, _yesterday(world), kind="individual", mode=SessionMode.VIRTUAL)
    page = login(world.therapist).post(
        reverse("notes:new", args=[world.participant.public_id]), _posted(online)
    )
    assert page.status_code == 400
    assert ONLINE_REFUSAL in _field(page, "mode")
    assert not ProgressNote.objects.exists()


def test_the_form_opened_for_an_online_session_starts_as_it_was_held(world, login):
    """From the notes due: the session chosen, its date, times and minutes, and telehealth
    the only way offered."""
    online = _session(
        world, _yesterday(world), kind="individual", mode=SessionMode.VIRTUAL, minutes=50
    )
    url = reverse("notes:new", args=[world.participant.public_id])
    page = login(world.therapist).get(f"{url}?session={online.public_id}")
    assert page.status_code == 200
    assert f'<option value="{online.public_id}" data-mode="telehealth" ' in _field(page, "session")
    assert " selected>" in _field(page, "session")
    assert "· online</option>" in _field(page, "session")
    assert f'value="{online.date.isoformat()}"' in _field(page, "service_date")
    assert 'value="09:00"' in _field(page, "start_time")
    assert 'value="09:50"' in _field(page, "end_time")
    assert re.findall(r'<option value="(\w+)"', _field(page, "mode")) == ["telehealth"]


def test_the_form_opened_for_an_in_person_session_offers_both_ways_in_person_first(world, login):
    held = _session(world, _yesterday(world), kind="individual")
    url = reverse("notes:new", args=[world.participant.public_id])
    page = login(world.therapist).get(f"{url}?session={held.public_id}")
    mode = _field(page, "mode")
    assert re.findall(r'<option value="(\w+)"', mode) == ["in_person", "telehealth"]
    assert '<option value="in_person" selected>' in mode


def test_the_notes_due_open_the_form_for_their_session(world, login):
    held = _session(world, _yesterday(world), kind="individual")
    page = login(world.therapist).get(reverse("notes:due")).content.decode()
    url = reverse("notes:new", args=[world.participant.public_id])
    assert f'href="{url}?session={held.public_id}"' in page


@pytest.mark.parametrize("what", ["group", "online"])
def test_the_api_refuses_the_same_mismatches_naming_the_field(world, login, what):
    if what == "group":
        session = _session(world, _yesterday(world))
        field = "session"
    else:
        session = _session(world, _yesterday(world), kind="individual", mode="virtual")
        field = "mode"
    response = login(world.therapist).post(
        f"/api/v1/participants/{world.participant.public_id}/notes",
        {
            "kind": "individual",
            "format": "dap",
            "sections": {"Data": "Slept better."},
            "session_id": str(session.public_id),
            "service_date": session.date.isoformat(),
            "mode": "in_person",
            "minutes": 45,
            "no_objective_reason": "Plan not signed yet",
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert [d["field"] for d in response.json()["detail"]] == [field]
    assert not ProgressNote.objects.exists()
