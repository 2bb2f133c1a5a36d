"""Authorization rows for the FHIR R4 API: read as the JSON API reads, refused with a 404
(a refusal and an unknown patient answer alike), the refusal audited all the same. A read of
one resource is decided by the participant it belongs to, as its search is. Coverage is read
as the Billing tab is: the billing role and the director, no break-the-glass."""

from datetime import UTC, date, datetime

from assessments.services import record_administration
from attendance.tests.builders import enrol, make_session
from billing.models import Coverage
from consent.services import record_consent
from intake.services import add_diagnosis
from medications.services import add_medication
from plans.tests.builders import signed
from screens import panels
from screens.models import Panel
from screens.services import record_screen
from tests.authz import (
    BREAK_GLASS,
    CLINICAL_READ,
    DEMOGRAPHICS_READ,
    OTHER_ORGANIZATION,
    SCHEDULE_READ,
    Endpoint,
)
from tests.authz_billing import BILLING, _coverage


def _patient(world) -> dict:
    return {"patient": str(world.participant.public_id)}


def _search(allowed: set[str]) -> Endpoint:
    return Endpoint("GET", frozenset(allowed), kwargs=lambda w: {}, query=_patient, refused=404)


def _read(allowed: set[str], record) -> Endpoint:
    """A read of the resource `record` makes for the world's participant."""
    return Endpoint(
        "GET",
        frozenset(allowed),
        kwargs=lambda w: {"resource_id": str(record(w).public_id)},
        refused=404,
    )


def _diagnosis(world):
    return add_diagnosis(
        world.episode,
        code="F10.20",
        status="confirmed",
        made_on=date(2026, 11, 2),
        by=world.therapist,
    )


def _administration(world):
    return record_administration(
        world.participant,
        code="audit-c",
        answers={"1": 2, "2": 1, "3": 1},
        context={"sex": "male"},
        mode="staff-entered",
        by=world.therapist,
        completed_at=datetime(2026, 11, 18, 16, 30, tzinfo=UTC),
    )


def _screen(world):
    """A urine cup screen, every analyte negative: read as a DiagnosticReport."""
    panels.seed()
    cup = Panel.objects.get(code="urine-cup-hhs")
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: "negative" for a in cup.analytes.all()},
        collected_at=datetime(2026, 11, 18, 16, 30, tzinfo=UTC),
        observed=True,
    )


def _medication(world):
    return add_medication(
        world.participant, by=world.therapist, code="sertraline", started_on=date(2026, 9, 8)
    )


def _consent(world):
    return record_consent(
        world.participant,
        by=world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        now=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
    )


def _enrolment(world):
    """The participant booked into a group: read as an Encounter, under the schedule scope."""
    session = make_session(world.program, date(2026, 11, 18), staff=[world.therapist])
    return enrol(session, world.episode)


def _coverage_row(world) -> Coverage:
    return Coverage.objects.filter(participant=world.participant).first() or Coverage.objects.get(
        public_id=_coverage(world)["coverage_id"]
    )


ENDPOINTS = {
    "fhir:patient": Endpoint("GET", frozenset(DEMOGRAPHICS_READ), refused=404),
    "fhir:episodes": _search(DEMOGRAPHICS_READ),
    "fhir:conditions": _search(CLINICAL_READ),
    "fhir:observations": _search(CLINICAL_READ),
    "fhir:diagnostic_reports": _search(CLINICAL_READ),
    "fhir:care_plans": _search(CLINICAL_READ),
    "fhir:goals": _search(CLINICAL_READ),
    "fhir:care_teams": _search(CLINICAL_READ),
    "fhir:medication_statements": _search(CLINICAL_READ),
    "fhir:consents": _search(CLINICAL_READ),
    "fhir:encounters": _search(SCHEDULE_READ),
    "fhir:episode": _read(DEMOGRAPHICS_READ, lambda w: w.episode),
    "fhir:condition": _read(CLINICAL_READ, _diagnosis),
    "fhir:observation": _read(CLINICAL_READ, _administration),
    "fhir:diagnostic_report": _read(CLINICAL_READ, _screen),
    "fhir:care_plan": _read(CLINICAL_READ, signed),
    "fhir:goal": _read(CLINICAL_READ, lambda w: signed(w).goals.get()),
    "fhir:care_team": _read(CLINICAL_READ, lambda w: w.episode),
    "fhir:medication_statement": _read(CLINICAL_READ, _medication),
    "fhir:consent": _read(CLINICAL_READ, _consent),
    "fhir:encounter": _read(SCHEDULE_READ, _enrolment),
    "fhir:coverages": Endpoint(
        "GET", BILLING, kwargs=lambda w: {}, query=_patient, refused=404, break_glass=frozenset()
    ),
    "fhir:coverage": Endpoint(
        "GET",
        BILLING,
        kwargs=lambda w: {"resource_id": str(_coverage_row(w).public_id)},
        refused=404,
        break_glass=frozenset(),
    ),
}

# The staff as Practitioners name no participant, so the rows above cannot reach them: who
# reads the organization's staff, written out by hand (every role of the organization but the
# auditor, who reads no participant's record over FHIR; staff of another organization read
# their own staff only). tests/test_authorization_practitioners.py asks every persona.
STAFF_READ = DEMOGRAPHICS_READ | BREAK_GLASS
STAFF_DATA = {
    "fhir:practitioner": Endpoint(
        "GET",
        frozenset(STAFF_READ),
        kwargs=lambda w: {"resource_id": str(w.therapist.public_id)},
        refused=404,
    ),
    # A search names no id: staff of another organization find their own staff (not these),
    # a role that reads no staff is refused by its role (403).
    "fhir:practitioners": Endpoint(
        "GET", frozenset(STAFF_READ | OTHER_ORGANIZATION), kwargs=lambda w: {}, refused=403
    ),
}
