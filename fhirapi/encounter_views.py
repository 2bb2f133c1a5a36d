"""`Encounter?patient=` and `Encounter/{id}`: a participant's sessions (docs/fhir.md).

Read under the schedule scope, as the attendance pages and the JSON API's roll call read
sessions and attendance: the front desk takes roll call and billing reads it for claims.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fhirapi import encounters as mapping
from fhirapi.views import ROWS, _answer, _bundle, _read, _search, fhir_read
from participants.access import Scope


@fhir_read
def encounters(request: HttpRequest) -> HttpResponse:
    """`GET Encounter?patient={id}`: every session the participant was booked into, the
    latest first, each with its status as of now."""
    found = _search(request, "Encounter", Scope.SCHEDULE)
    if isinstance(found, HttpResponse):
        return found
    rows = list(
        mapping.encounter_rows().filter(participant=found).order_by("-session__starts_at", "-pk")
    )
    for row in rows:
        row.participant = found
    now = timezone.now()
    return _bundle(request, [mapping.encounter(e, now) for e in rows])


@fhir_read
def encounter(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Encounter/{id}`: one session of a participant, as its search gives it."""
    found = _read(request, resource_id, "Encounter", Scope.SCHEDULE, ROWS["fhir:encounter"])
    if isinstance(found, HttpResponse):
        return found
    return _answer(mapping.encounter(found, timezone.now()))
