"""An API write refused with a message that shows the participant's data leaves one audit event
naming them, as the read a successful answer would be.

The input fuzz checks this for every write with random input (`shown.py`); random input
seldom gets as far as the refusals that name what the record holds, so each of those is
brought about here: the world is set up for the refusal, the write is refused (409 or 422),
and what the answer shows of the world must have been audited once, no more.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from notes import services as notes_services
from notes.tests.conftest import dap
from plans import services as plans_services
from tests.bad_input import shown
from tests.bad_input.conftest import Bench

Request = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Refusal:
    name: str
    persona: str
    arrange: Callable[[Bench, Any], Request]  # (bench, signed-in client) -> the request


def _discharge_handed_to_someone_who_cannot_open_the_record(b: Bench, client) -> Request:
    base = f"/api/v1/participants/{b.participant.public_id}"
    items = client.get(f"{base}/discharge/open-items").json()
    return (
        "post",
        f"{base}/episodes/{b.episode.public_id}/discharge",
        {
            "type": "left_early",
            "date": "2026-11-20",
            "reason": "Stopped attending after week six.",
            "follow_up_consent": False,
            "open_items": [
                {"item": row["item"], "choice": "handed_over", "to": b.frontdesk.pk}
                for row in items
            ],
        },
    )


def _plan_signed_without_its_goals(b: Bench, client) -> Request:
    plan = plans_services.draft_with_content(
        b.participant,
        by=b.therapist,
        problems=[{"domain": "substance_use", "statement": "Drinks every evening to sleep"}],
    )
    return "post", f"/api/v1/treatment-plans/{plan.public_id}/sign", {"version": plan.version}


def _note_copied_forward(b: Bench, client) -> Request:
    earlier = notes_services.draft_note(b.participant, dap(), by=b.therapist)
    notes_services.sign_note(earlier, by=b.therapist, expected_version=earlier.version)
    note = notes_services.draft_note(b.participant, dap(), by=b.therapist)
    return "post", f"/api/v1/notes/{note.public_id}/sign", {"version": note.version}


def _group_note_naming_a_member(b: Bench, client) -> Request:
    return (
        "post",
        f"/api/v1/sessions/{b.session.public_id}/group-note",
        {
            "shared": f"{b.participant.legal_first_name} led the check-in.",
            "members": [],
            "sign": True,
        },
    )


def _group_note_signed_without_a_members_section(b: Bench, client) -> Request:
    group = notes_services.save_group_note(
        b.session, by=b.therapist, narrative="The group practised urge surfing."
    )
    return "post", f"/api/v1/notes/{group.public_id}/sign", {"version": group.version}


REFUSALS = [
    Refusal(
        "discharge handed to someone who cannot open the record",
        "therapist",
        _discharge_handed_to_someone_who_cannot_open_the_record,
    ),
    Refusal("plan signed without its goals", "therapist", _plan_signed_without_its_goals),
    Refusal("note copied forward", "therapist", _note_copied_forward),
    Refusal("group note naming a member", "therapist", _group_note_naming_a_member),
    Refusal(
        "group note signed without a member's section",
        "therapist",
        _group_note_signed_without_a_members_section,
    ),
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.name)
def test_a_refusal_showing_the_record_is_audited_once(refusal: Refusal, bench, login):
    client = login(getattr(bench, refusal.persona))
    method, url, body = refusal.arrange(bench, client)
    world = shown.world_data(bench.world.org.pk)
    last_event = shown.last_event()
    response = client.generic(
        method.upper(), url, json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (409, 422), response.content
    showing = shown.shown_in(response.content.decode(), world)
    assert showing, f"the refusal no longer shows the record: {response.content!r}"
    for pk, what in showing.items():
        assert shown.events_naming(pk, last_event) == 1, f"{what} shown, not audited once"
