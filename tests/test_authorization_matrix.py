"""Every participant-data URL × every method it serves × every role: allowed, refused, or
allowed after break-the-glass; and every other method answered 405 with nothing shown."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from participants.access import break_the_glass
from participants.models import Participant
from tests.authz import (
    ALL_PERSONAS,
    CASES,
    ENDPOINTS,
    HTTP_METHODS,
    NEW_RECORDS,
    NOT_PARTICIPANT_DATA,
    call,
    methods_served,
    participant_url_names,
    share_with_support,
)


@pytest.fixture(scope="module")
def module_world(module_world, django_db_blocker):
    """The suite's world, with a consent in force sharing with the support person."""
    with django_db_blocker.unblock():
        share_with_support(module_world)
    return module_world


@pytest.fixture
def world(shared_world):
    """The matrix only reads the world or writes and rolls back: one world per module."""
    return shared_world


@pytest.fixture
def login(signed_in):
    """Sign-in itself is tested in accounts; here only who is signed in matters."""
    return signed_in


def test_every_participant_url_is_in_the_matrix():
    missing = participant_url_names() - set(ENDPOINTS) - set(NOT_PARTICIPANT_DATA)
    assert not missing, f"add these URLs to tests/authz.py ENDPOINTS: {sorted(missing)}"


def _events_for(world, user):
    return AuditEvent.objects.filter(actor=user, participant=world.participant)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(
    ("name", "endpoint"), [(n, e) for n, _, e in CASES], ids=[i for _, i, _ in CASES]
)
def test_matrix(world, login, name, endpoint, persona):
    user = world.users[persona]
    client = login(user)
    url = reverse(name, kwargs=endpoint.kwargs(world))
    before = _events_for(world, user).count()

    response = call(client, endpoint, url, world)

    events = list(_events_for(world, user).order_by("id")[before:])
    if persona in endpoint.allowed:
        assert response.status_code in endpoint.status, (name, persona, response.status_code)
        assert all(e.outcome == Outcome.ALLOWED for e in events)
        if response.status_code in (201, 302):
            # A write (a redirect after a form, a 201 from the API) leaves its own events.
            assert events, "an allowed write must leave an audit event"
        else:
            assert len(events) == 1, "a response showing the record leaves exactly one event"
    else:
        expected = endpoint.refused_for(persona)
        assert response.status_code == expected, (name, persona, response.status_code)
        assert [e.outcome for e in events] == [Outcome.REFUSED]


@pytest.mark.parametrize(
    ("name", "endpoint", "persona"),
    [(name, e, persona) for name, _, e in CASES for persona in sorted(e.break_glass)],
    ids=[f"{i}-{persona}" for _, i, e in CASES for persona in sorted(e.break_glass)],
)
def test_break_the_glass_opens_each_url_and_is_flagged(world, login, name, endpoint, persona):
    user = world.users[persona]
    client = login(user)
    url = reverse(name, kwargs=endpoint.kwargs(world))
    assert call(client, endpoint, url, world).status_code == endpoint.refused
    grant = break_the_glass(
        user, world.participant, "Crisis call on the weekend line; chart needed"
    )

    response = call(client, endpoint, url, world)

    assert response.status_code in endpoint.status, (name, persona, response.status_code)
    last = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("-id")
    assert last.filter(break_glass=grant, outcome=Outcome.ALLOWED).exists()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(NEW_RECORDS))
def test_opening_a_new_record(world, login, name, persona):
    """An allowed persona opens one record and its events are on it; anyone else gets 403,
    one refused event and no record."""
    endpoint = NEW_RECORDS[name]
    user = world.users[persona]
    client = login(user)
    people = set(Participant.objects.values_list("pk", flat=True))
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = call(client, endpoint, reverse(name), world)

    events = list(AuditEvent.objects.filter(actor=user, id__gt=last).order_by("id"))
    opened = list(Participant.objects.exclude(pk__in=people))
    if persona in endpoint.allowed:
        assert response.status_code in endpoint.status, (name, persona, response.status_code)
        [record] = opened
        assert events and all(e.outcome == Outcome.ALLOWED for e in events)
        assert {e.participant_id for e in events} == {record.pk}
    else:
        assert response.status_code == 403, (name, persona, response.status_code)
        assert opened == []
        assert [e.outcome for e in events] == [Outcome.REFUSED]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, method)
        for name in sorted(NEW_RECORDS)
        for method in HTTP_METHODS
        if method != NEW_RECORDS[name].method.removeprefix("API_")
    ],
)
def test_a_new_record_s_other_methods_are_refused_with_nothing_shown(world, login, name, method):
    client = login(world.director)
    before = AuditEvent.objects.count()

    response = client.generic(method, reverse(name))

    assert response.status_code == 405, (name, method, response.status_code)
    assert AuditEvent.objects.count() == before


def _other_methods():
    for name in sorted(ENDPOINTS):
        for method in HTTP_METHODS:
            if method not in methods_served(name):
                yield name, method


@pytest.mark.parametrize(("name", "method"), list(_other_methods()))
def test_every_other_method_is_refused_with_nothing_shown(world, login, name, method):
    """OPTIONS, PUT, PATCH, DELETE and the unserved one of GET/POST: 405, empty, unaudited,
    even for the director, who may open every one of these pages."""
    client = login(world.director)
    endpoint = ENDPOINTS[name]
    url = reverse(name, kwargs=endpoint.kwargs(world))
    before = AuditEvent.objects.count()

    response = client.generic(method, url)

    assert response.status_code == 405, (name, method, response.status_code)
    if not name.startswith("api:"):
        assert response.content == b""
        assert set(response["Allow"].split(", ")) == methods_served(name)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", sorted(n for n in ENDPOINTS if "HEAD" in methods_served(n)))
def test_head_is_a_read_and_is_audited_once(world, login, name):
    client = login(world.director)
    endpoint = ENDPOINTS[name]
    url = reverse(name, kwargs=endpoint.kwargs(world))
    before = _events_for(world, world.director).count()

    response = client.head(url, endpoint.query(world))

    assert response.status_code in (200, 302), (name, response.status_code)
    if response.status_code == 200:
        events = list(_events_for(world, world.director).order_by("id")[before:])
        assert [e.outcome for e in events] == [Outcome.ALLOWED]


def test_other_organizations_participant_is_refused_even_to_its_director_elsewhere(world, login):
    """Refused as an id that names nothing is, so the answer does not tell that the record
    exists, and audited all the same."""
    client = login(world.users["director"])
    response = client.get(
        reverse("participants:chart", args=[world.other_org_participant.public_id])
    )
    assert response.status_code == 404
    refusals = AuditEvent.objects.filter(
        actor=world.users["director"], participant=world.other_org_participant
    )
    assert [e.outcome for e in refusals] == [Outcome.REFUSED]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_the_support_page_opens_for_a_support_person_only(world, login, persona):
    """`family:home` carries no participant id, so the matrix above cannot reach it: the
    support person sees the participant who shares with them, in one audited read; every
    other account is sent to its own home, shown nothing and leaves no event."""
    user = world.users[persona]
    client = login(user)
    before = AuditEvent.objects.filter(actor=user).count()

    response = client.get(reverse("family:home"))

    events = list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])
    if persona == "support":
        assert response.status_code == 200
        assert world.participant.legal_first_name.encode() in response.content
        assert [e.outcome for e in events] == [Outcome.ALLOWED]
        assert str(world.participant.public_id) in events[0].details["categories"]
    else:
        assert response.status_code == 302, (persona, response.status_code)
        assert response["Location"] == reverse("home")
        assert events == []
