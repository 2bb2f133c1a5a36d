"""The staff as FHIR Practitioners × every role and method (docs/fhir.md, "Practitioner").

Their addresses carry a member of staff's id, or none, never a participant's, so the
participant matrix does not reach them: the rows are `STAFF_DATA` in tests/authz_fhir.py. An
account that is not staff's is refused by its kind (403, as on every FHIR address); staff of
another organization, and a role that reads no staff, get the 404 an unknown id gets on a read;
every answer leaves one audit event, none naming a participant, and every method an address
does not serve is a 405 showing nothing.
"""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from tests.authz import ALL_PERSONAS, HTTP_METHODS
from tests.authz_fhir import STAFF_DATA


@pytest.fixture
def world(shared_world):
    """Only reads, and audit events rolled back with each test: one world per module."""
    return shared_world


@pytest.fixture
def login(signed_in):
    return signed_in


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(STAFF_DATA))
def test_each_address_admits_those_who_read_the_staff(world, login, name, persona):
    endpoint = STAFF_DATA[name]
    user = world.users[persona]
    client = login(user)
    before = AuditEvent.objects.filter(actor=user).count()

    response = client.get(reverse(name, kwargs=endpoint.kwargs(world)))

    events = list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])
    assert all(e.participant_id is None for e in events)
    if persona in endpoint.allowed:
        assert response.status_code == 200, (name, persona, response.status_code)
        assert [(e.event_type, e.outcome) for e in events] == [("fhir.staff_read", Outcome.ALLOWED)]
        shown = str(world.therapist.public_id) in response.content.decode()
        assert shown == (persona != "stranger"), (name, persona)
    else:
        assert response.status_code == endpoint.refused_for(persona), (name, persona)
        assert str(world.therapist) not in response.content.decode()
        assert [e.outcome for e in events] == [Outcome.REFUSED]


def _other_methods():
    for name in sorted(STAFF_DATA):
        for method in HTTP_METHODS:
            if method not in ("GET", "HEAD"):
                yield name, method


@pytest.mark.parametrize(("name", "method"), list(_other_methods()))
def test_every_other_method_is_refused_with_nothing_shown(world, login, name, method):
    client = login(world.director)
    url = reverse(name, kwargs=STAFF_DATA[name].kwargs(world))
    before = AuditEvent.objects.count()

    response = client.generic(method, url)

    assert response.status_code == 405, (name, method, response.status_code)
    assert response.content == b""
    assert AuditEvent.objects.count() == before
