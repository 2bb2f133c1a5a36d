"""A participant's or a support person's account on a staff address is refused by the kind of
account alone: a real participant's id and a made-up one get the same answer, so the answer
never tells whether a record exists, and the refusal is still audited."""

import re
from uuid import UUID

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from tests.authz import NOT_STAFF

MADE_UP = UUID("0b6f1c3e-5d2a-4c8e-9f10-2a4b6c8d0e1f")
# The per-request tokens a page carries (the sign-out form's, htmx's header): not the answer.
TOKENS = re.compile(rb'(value=|X-CSRFToken": )"[^"]*"')


def _ask(client, name: str, participant_id: UUID):
    url = reverse(name, kwargs={"participant_id": participant_id})
    if name == "participants:care_team_add":
        return client.post(url, {"user": 1, "role": "therapist"})
    return client.get(url)


@pytest.mark.parametrize("persona", sorted(NOT_STAFF))
@pytest.mark.parametrize(
    "name",
    [
        "participants:chart",
        "participants:care_team_add",
        "participants:break_glass",
        "api:get_participant",
    ],
)
def test_a_real_and_a_made_up_id_get_the_same_answer(world, login, persona, name):
    user = world.users[persona]
    client = login(user)

    real = _ask(client, name, world.participant.public_id)
    made_up = _ask(client, name, MADE_UP)

    assert real.status_code == made_up.status_code == 403, (real.status_code, made_up.status_code)
    assert real["Content-Type"] == made_up["Content-Type"]
    assert TOKENS.sub(b"", real.content) == TOKENS.sub(b"", made_up.content)
    refusals = AuditEvent.objects.filter(actor=user, outcome=Outcome.REFUSED).order_by("id")
    assert [e.participant_id for e in refusals] == [world.participant.pk, None]
