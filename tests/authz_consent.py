"""Authorization rows for the Consents tab and API: the care team and oversight read them and
give copies of the record (the one page that gives a copy, which the chart's overview links to
as well); everyone who records consents (not peer specialists) records and revokes them; the
front desk and billing read only which consents are on file and in force. Marking the event a
consent expires on as happened is a write of those who record consents, as a revocation is."""

from datetime import date

from consent.services import record_consent
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, DEMOGRAPHICS_READ, Endpoint

CONSENT_WRITE = frozenset(CLINICAL_WRITE - {"peer"})


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _consent(world):
    row = record_consent(
        world.participant, by=world.therapist, kind="treatment", signed_on=date(2026, 9, 8)
    )
    return {"participant_id": world.participant.public_id, "consent_id": row.public_id}


def _event_consent(world):
    """A consent that expires on an event, for marking the event as happened."""
    row = record_consent(
        world.participant,
        by=world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        expiry="event",
        expiry_event="when my probation ends",
    )
    return {"participant_id": world.participant.public_id, "consent_id": row.public_id}


def _part2_consent(world):
    """A Part 2 consent in force listing parts, for the copy page opened from it."""
    row = record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        signed_on=date(2026, 9, 8),
        discloser="Adult IOP",
        information="Attendance",
        parts=["attendance"],
        recipients="Northside Clinic",
        purpose="At my request",
        expiry="none",
        tpo=True,
    )
    return {"participant_id": world.participant.public_id, "consent_id": row.public_id}


ADD = {"kind": "treatment", "signer": "participant", "signed_on": "2026-09-08"}
REVOKE = {"revoked_on": "2026-11-01", "received": "paper", "version": 1}

ENDPOINTS = {
    "consent:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    # Which consents are on file and in force (no Part 2 description): the front desk and
    # billing too, as they read the demographics.
    "consent:on_file": Endpoint("GET", frozenset(DEMOGRAPHICS_READ), kwargs=_participant),
    # The accounting of disclosures, printed for the participant: a clinical read.
    "consent:accounting": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    # The Part 2 consent form for the participant to sign, printed: a clinical read.
    "consent:form": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "consent:revoke": Endpoint("POST", CONSENT_WRITE, kwargs=_consent, data=lambda w: REVOKE),
    "consent:expiry_event": Endpoint(
        "POST",
        CONSENT_WRITE,
        kwargs=_event_consent,
        data=lambda w: {"happened_on": "2026-11-01", "version": 1},
    ),
    "consent:entered_in_error": Endpoint(
        "POST", CONSENT_WRITE, kwargs=_consent, data=lambda w: {"reason": "Wrong participant"}
    ),
    "consent:disclose": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_participant,
        data=lambda w: {"to": "participant", "what": "print"},
        status=frozenset({200}),
    ),
    # The copy page opened from a Part 2 consent: read as the copy page is; it posts to
    # consent:disclose.
    "consent:disclose_under": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_part2_consent),
    "api:list_consents": Endpoint("API_GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "api:record_consent": Endpoint(
        "API_POST", CONSENT_WRITE, kwargs=_participant, data=lambda w: ADD
    ),
    "api:revoke_consent": Endpoint(
        "API_POST", CONSENT_WRITE, kwargs=_consent, data=lambda w: REVOKE
    ),
}
MORE_CASES = {
    "consent:disclose": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"to": "other", "recipient": "Northside Clinic", "what": "export"},
            status=frozenset({400}),
            case="no consent",
        ),
    ],
    "consent:tab": [
        Endpoint("POST", CONSENT_WRITE, kwargs=_participant, data=lambda w: ADD),
        Endpoint(
            "POST",
            CONSENT_WRITE,
            kwargs=_participant,
            data=lambda w: {"kind": "part2", "signer": "participant", "signed_on": "2026-09-08"},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
