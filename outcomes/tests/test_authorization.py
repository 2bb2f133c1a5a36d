"""Every persona × the board (GET and POST), the CSV download and the API: only the holders
of `outcomes.read` (the program director) get figures; every refusal is audited; every
other method is answered 405 with nothing shown."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from tests.authz import ALL_PERSONAS

# `stranger` directs another organization: they read their own program's figures (zero here).
READERS = {"director", "stranger"}
ADDRESSES = [
    ("GET", "outcomes:board", "outcomes.board_viewed"),
    ("POST", "outcomes:board", "outcomes.board_viewed"),
    ("POST", "outcomes:board_csv", "outcomes.exported"),
]
FILTERS = {"start": "2026-01-01", "end": "2026-11-18", "breakdown": "sex"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(("method", "url_name", "event_type"), ADDRESSES)
def test_board_and_download(world, login, persona, method, url_name, event_type):
    client = login(world.users[persona])
    start = AuditEvent.objects.count()
    call = client.get if method == "GET" else client.post
    response = call(reverse(url_name), FILTERS)
    events = list(AuditEvent.objects.order_by("id")[start:])
    assert [e.event_type for e in events] == [event_type]
    if persona in READERS:
        assert response.status_code == 200
        assert events[0].outcome == Outcome.ALLOWED
    else:
        assert response.status_code == 403
        assert events[0].outcome == Outcome.REFUSED
        assert b"Completion" not in response.content


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_api(world, login, persona):
    client = login(world.users[persona])
    response = client.get("/api/v1/outcomes?from=2026-01-01&to=2026-11-18")
    if persona in READERS:
        assert response.status_code == 200
        assert set(response.json()) >= {"left_care", "completed", "completion_rate", "suppressed"}
    else:
        assert response.status_code == 403
        assert "left_care" not in response.json()


def test_signed_out_people_are_sent_to_sign_in(client, world):
    assert client.get(reverse("outcomes:board")).status_code == 302
    assert client.post(reverse("outcomes:board_csv"), FILTERS).status_code == 302
    assert client.get("/api/v1/outcomes").status_code == 401


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_refused(world, login, method):
    client = login(world.director)
    for url_name in ("outcomes:board", "outcomes:board_csv"):
        response = getattr(client, method)(reverse(url_name))
        assert response.status_code == 405
        assert response.content == b""
    assert client.get(reverse("outcomes:board_csv")).status_code == 405


def test_the_director_of_another_organization_sees_only_their_own(world, login, add):
    from datetime import date

    add(
        15,
        referred_on=date(2026, 2, 1),
        admitted_on=date(2026, 2, 2),
        discharged_on=date(2026, 6, 10),
    )
    body = login(world.stranger).get("/api/v1/outcomes?from=2026-01-01&to=2026-11-18").json()
    assert body["left_care"] == 0
