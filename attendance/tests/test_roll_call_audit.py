"""Every roll call response that shows participants leaves an audit event naming each, and no
one outside the roll call sees a row, even by sending a bad form."""

import json

from django.urls import reverse

from attendance.models import AttendanceStatus
from attendance.tests.builders import active_participant
from audit.models import AuditEvent, ListedParticipant, Outcome
from scheduling.models import Enrolment

HTMX = {"HTTP_HX_REQUEST": "true"}


def _row_url(session, episode) -> str:
    enrolment = Enrolment.objects.get(session=session, participant=episode.participant)
    return reverse("attendance:record", args=[session.public_id, enrolment.public_id])


def _events(user, before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])


def _count(user) -> int:
    return AuditEvent.objects.filter(actor=user).count()


def test_a_bad_minutes_count_from_someone_outside_the_roll_call_shows_no_one(
    world, login, group_today
):
    """The therapist neither facilitates nor holds a schedule role: refused before the form
    is read, so a bad minutes count cannot bring the row (and its name) back."""
    client = login(world.therapist)
    before = _count(world.therapist)

    response = client.post(
        _row_url(group_today.session, world.episode),
        {"status": AttendanceStatus.LATE, "minutes": "abc", "version": 0},
        **HTMX,
    )

    assert response.status_code == 403
    assert world.participant.display_name not in response.content.decode()
    assert [e.outcome for e in _events(world.therapist, before)] == [Outcome.REFUSED]


def test_a_row_sent_back_with_its_error_is_audited_once(world, login, group_today):
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        _row_url(group_today.session, world.episode),
        {"status": AttendanceStatus.LATE, "minutes": "abc", "version": 0},
        **HTMX,
    )

    assert response.status_code == 422
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert events[0].details["participants"] == [str(world.participant.public_id)]


def test_the_roll_after_mark_all_present_with_nothing_to_mark_is_audited_once(
    world, login, group_today
):
    client = login(world.outsider)
    url = reverse("attendance:mark_all_present", args=[group_today.session.public_id])
    client.post(url, **HTMX)
    before = _count(world.outsider)

    response = client.post(url, **HTMX)

    assert response.status_code == 200
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert str(world.participant.public_id) in events[0].details["participants"]


def test_a_short_drop_in_search_without_htmx_shows_the_roll_call_once_audited(
    world, login, group_today
):
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        reverse("attendance:drop_in_search", args=[group_today.session.public_id]),
        {"text": "a"},
    )

    assert response.status_code == 400
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert str(world.participant.public_id) in events[0].details["participants"]


def _listed(events: list[AuditEvent]) -> set[str]:
    """Everyone the allowed events name, alone or listed with others."""
    allowed = [e for e in events if e.outcome == Outcome.ALLOWED]
    return {str(e.participant.public_id) for e in allowed if e.participant} | {
        p for e in allowed for p in e.details.get("participants", [])
    }


def test_the_roll_after_a_drop_in_is_audited_for_everyone_it_shows(world, login, group_today):
    """The drop-in's own events name the newcomer; the roll sent back names the others too."""
    walk_in = active_participant(world, "T-000020", "Dana", "Dropwell")
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        reverse("attendance:drop_in", args=[group_today.session.public_id]),
        {"participant": str(walk_in.participant.public_id)},
        **HTMX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert all(p.display_name in body for p in group_today.participants)
    assert _listed(_events(world.outsider, before)) >= {
        str(p.public_id) for p in group_today.participants
    }


def test_the_roll_after_mark_all_present_is_audited_for_those_already_recorded(
    world, login, group_today
):
    client = login(world.outsider)
    alex = group_today.episodes[1]
    client.post(
        _row_url(group_today.session, alex),
        {"status": AttendanceStatus.PRESENT, "version": 0},
        **HTMX,
    )
    before = _count(world.outsider)

    response = client.post(
        reverse("attendance:mark_all_present", args=[group_today.session.public_id]), **HTMX
    )

    assert response.status_code == 200
    assert alex.participant.display_name in response.content.decode()
    assert str(alex.participant.public_id) in _listed(_events(world.outsider, before))


def test_a_drop_in_search_names_each_person_found_in_their_history(world, login, group_today):
    walk_in = active_participant(world, "T-000020", "Dana", "Dropwell")
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        reverse("attendance:drop_in_search", args=[group_today.session.public_id]),
        {"text": "dropwell"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Dana Dropwell" in body and world.participant.display_name in body
    events = _events(world.outsider, before)
    assert ListedParticipant.objects.filter(
        event__in=events, participant=walk_in.participant
    ).exists()
    assert _listed(events) >= {
        str(p.public_id) for p in [walk_in.participant, *group_today.participants]
    }


def test_an_api_roll_call_sent_again_unchanged_is_still_audited(world, login, group_today):
    """Rows already recorded as sent write nothing, but the answer still shows them."""
    client = login(world.outsider)
    url = reverse("api:attendance_roll_call", args=[group_today.session.public_id])
    alex = group_today.episodes[1].participant
    entry = {"participant_id": str(alex.public_id), "status": "present"}
    client.post(url, json.dumps({"entries": [entry]}), content_type="application/json")
    before = _count(world.outsider)

    again = client.post(
        url, json.dumps({"entries": [{**entry, "version": 1}]}), content_type="application/json"
    )

    assert again.status_code == 200
    assert again.json()[0]["participant_id"] == str(alex.public_id)
    assert str(alex.public_id) in _listed(_events(world.outsider, before))
