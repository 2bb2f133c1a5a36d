"""The FHIR bulk export's addresses × every role and method (docs/fhir.md, "Bulk export").

They carry a program's or an export's id, not a participant's, so the participant matrix
does not reach them. Only a director of the program starts an export or reads its Group; an
export's status and files answer only the director who started it. An account that is not
staff's is refused by its kind (403, as on every FHIR address); other staff get the 404 an
unknown id gets, and every method an address does not serve is a 405 showing nothing.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from conftest import run_queued_tasks
from fhirapi.models import BulkExport, BulkExportFile
from tests.authz import ALL_PERSONAS, HTTP_METHODS, NOT_STAFF

ASYNC = {"HTTP_PREFER": "respond-async"}
DIRECTOR = frozenset({"director"})


@dataclass(frozen=True)
class Address:
    url_name: str
    methods: frozenset[str]  # besides HEAD, which GET brings along
    allowed: frozenset[str]
    status: int  # what the allowed persona gets for GET


ADDRESSES = {
    "fhir:group": Address("fhir:group", frozenset({"GET"}), DIRECTOR, 200),
    "fhir:group_export": Address("fhir:group_export", frozenset({"GET"}), DIRECTOR, 202),
    "fhir:bulk_status": Address("fhir:bulk_status", frozenset({"GET", "DELETE"}), DIRECTOR, 200),
    "fhir:bulk_file": Address("fhir:bulk_file", frozenset({"GET"}), DIRECTOR, 200),
}


@pytest.fixture
def finished(world, signed_in):
    """An export the director started and the task wrote."""
    client = signed_in(world.users["director"])
    response = client.get(f"/fhir/R4/Group/{world.program.public_id}/$export", **ASYNC)
    assert response.status_code == 202
    run_queued_tasks()
    client.logout()
    return BulkExport.objects.get()


def _url(name: str, world, export: BulkExport) -> str:
    args = {
        "fhir:group": world.program.public_id,
        "fhir:group_export": world.program.public_id,
        "fhir:bulk_status": export.public_id,
        "fhir:bulk_file": BulkExportFile.objects.filter(export=export)[0].public_id,
    }[name]
    return reverse(name, args=[args])


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(ADDRESSES))
def test_each_address_admits_the_director_alone(world, signed_in, finished, name, persona):
    address = ADDRESSES[name]
    client = signed_in(world.users[persona])
    url = _url(name, world, finished)
    events = AuditEvent.objects.count()

    response = client.get(url, **ASYNC)

    if persona in address.allowed:
        assert response.status_code == address.status, response.content
    else:
        refused = 403 if persona in NOT_STAFF else 404
        assert response.status_code == refused, (name, persona, response.status_code)
        assert b"Patient" not in response.content
        new = AuditEvent.objects.order_by("id")[events:]
        assert all(e.outcome == Outcome.REFUSED for e in new)
        assert not any(e.details.get("participants") for e in new)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_the_director_who_started_it_cancels_it(world, signed_in, finished, persona):
    client = signed_in(world.users[persona])

    response = client.delete(reverse("fhir:bulk_status", args=[finished.public_id]))

    finished.refresh_from_db()
    if persona in DIRECTOR:
        assert response.status_code == 202
        assert finished.status == BulkExport.Status.CANCELLED
    else:
        assert response.status_code == (403 if persona in NOT_STAFF else 404)
        assert finished.status == BulkExport.Status.DONE


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, method)
        for name, address in sorted(ADDRESSES.items())
        for method in HTTP_METHODS
        if method not in address.methods | {"HEAD"}
    ],
)
def test_every_other_method_is_a_405_showing_nothing(world, signed_in, finished, name, method):
    client = signed_in(world.users["director"])
    events = AuditEvent.objects.count()

    response = client.generic(method, _url(name, world, finished))

    assert response.status_code == 405
    assert not response.content
    assert AuditEvent.objects.count() == events
