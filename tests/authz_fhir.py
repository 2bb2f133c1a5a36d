"""Authorization rows for the FHIR R4 API: read as the JSON API reads, refused with a 404
(a refusal and an unknown patient answer alike), the refusal audited all the same."""

from tests.authz import CLINICAL_READ, DEMOGRAPHICS_READ, Endpoint


def _patient(world) -> dict:
    return {"patient": str(world.participant.public_id)}


def _search(allowed: set[str]) -> Endpoint:
    return Endpoint("GET", frozenset(allowed), kwargs=lambda w: {}, query=_patient, refused=404)


ENDPOINTS = {
    "fhir:patient": Endpoint("GET", frozenset(DEMOGRAPHICS_READ), refused=404),
    "fhir:episodes": _search(DEMOGRAPHICS_READ),
    "fhir:conditions": _search(CLINICAL_READ),
    "fhir:observations": _search(CLINICAL_READ),
    "fhir:medication_statements": _search(CLINICAL_READ),
    "fhir:consents": _search(CLINICAL_READ),
}
