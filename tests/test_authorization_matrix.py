"""Every participant-data URL × every role: allowed, refused, or allowed after break-the-glass."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from participants.access import break_the_glass
from tests.authz import ALL_PERSONAS, ENDPOINTS, NOT_PARTICIPANT_DATA, call, participant_url_names


def test_every_participant_url_is_in_the_matrix():
    missing = participant_url_names() - set(ENDPOINTS) - set(NOT_PARTICIPANT_DATA)
    assert not missing, f"add these URLs to tests/authz.py ENDPOINTS: {sorted(missing)}"


def _events_for(world, user):
    return AuditEvent.objects.filter(actor=user, participant=world.participant)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_matrix(world, login, name, persona):
    endpoint = ENDPOINTS[name]
    user = world.users[persona]
    client = login(user)
    url = reverse(name, kwargs=endpoint.kwargs(world))
    before = _events_for(world, user).count()

    response = call(client, endpoint, url, world)

    events = list(_events_for(world, user).order_by("id")[before:])
    if persona in endpoint.allowed:
        assert response.status_code in (200, 201, 302), (name, persona, response.status_code)
        assert events, "an allowed access must leave an audit event"
        assert all(e.outcome == Outcome.ALLOWED for e in events)
    else:
        assert response.status_code == 403, (name, persona, response.status_code)
        assert [e.outcome for e in events] == [Outcome.REFUSED]


@pytest.mark.parametrize(
    ("name", "persona"),
    [(name, persona) for name, e in sorted(ENDPOINTS.items()) for persona in sorted(e.break_glass)],
)
def test_break_the_glass_opens_each_url_and_is_flagged(world, login, name, persona):
    endpoint = ENDPOINTS[name]
    user = world.users[persona]
    client = login(user)
    url = reverse(name, kwargs=endpoint.kwargs(world))
    assert call(client, endpoint, url, world).status_code == 403
    grant = break_the_glass(
        user, world.participant, "Crisis call on the weekend line; chart needed"
    )

    response = call(client, endpoint, url, world)

    assert response.status_code in (200, 201, 302), (name, persona, response.status_code)
    last = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("-id")
    assert last.filter(break_glass=grant, outcome=Outcome.ALLOWED).exists()


def test_other_organizations_participant_is_refused_even_to_its_director_elsewhere(world, login):
    client = login(world.users["director"])
    response = client.get(
        reverse("participants:chart", args=[world.other_org_participant.public_id])
    )
    assert response.status_code == 403
