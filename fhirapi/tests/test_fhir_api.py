"""The FHIR R4 API through the real client: each answer parses back into its R4B model, is
read through the access policy with one audit event naming the participant, refuses as
"not found" whether the patient is unknown or out of reach, and labels exactly the 42 CFR
Part 2 records (substance-use diagnoses, instruments, drug screens, medications, Part 2
consents, sessions)."""

import json
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from assessments.services import mark_entered_in_error, record_administration
from attendance.models import AttendanceStatus
from attendance.tests.builders import enrol, make_session
from attendance.tests.builders import record as roll_call
from audit.models import AuditEvent, Outcome
from consent.services import record_consent, revoke_consent
from fhirapi.resources import MODELS
from intake.services import add_diagnosis, change_diagnosis_status
from medications.services import add_medication
from participants.access import break_the_glass
from participants.models import Episode, EpisodeStatus
from plans.services import sign_plan, start_revision
from plans.tests.builders import signed
from screens import panels
from screens.models import Panel
from screens.services import record_screen

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
DONE = datetime(2026, 11, 18, 16, 30, tzinfo=UTC)
PART2_CODES = {"R", "ETH", "42CFRPart2"}
SEARCHES = (
    "EpisodeOfCare",
    "Condition",
    "Observation",
    "DiagnosticReport",
    "CarePlan",
    "Goal",
    "CareTeam",
    "MedicationStatement",
    "Consent",
    "Encounter",
)


@pytest.fixture
def record(world):
    """One Part 2 record and one other of each kind on the world's participant."""
    p, by = world.participant, world.therapist
    made = world.program.today()
    rows = {
        "sud_dx": add_diagnosis(
            world.episode, code="F10.20", status="confirmed", made_on=made, by=by
        ),
        "mh_dx": add_diagnosis(
            world.episode, code="F33.1", status="provisional", made_on=made, by=by
        ),
        "audit_c": record_administration(
            p,
            code="audit-c",
            answers={"1": 2, "2": 1, "3": 1},
            context={"sex": "male"},
            mode="staff-entered",
            by=by,
            completed_at=DONE,
        ),
        "phq_9": record_administration(
            p,
            code="phq-9",
            answers={str(i): 1 for i in range(1, 10)} | {"9": 0},
            mode="staff-entered",
            by=by,
            completed_at=DONE,
        ),
        "bup": add_medication(
            p, by=by, code="buprenorphine-naloxone", dose="16 mg daily", started_on=date(2026, 9, 8)
        ),
        "sertraline": add_medication(p, by=by, code="sertraline", started_on=date(2026, 9, 8)),
        "part2": record_consent(
            p,
            by=by,
            kind="part2",
            discloser="Riverside IOP",
            information="Attendance and treatment plan",
            parts=["attendance", "treatment_plan"],
            recipients="Dr A. Example, Northside Clinic",
            purpose="Coordination of care at my request",
            expiry="date",
            expires_on=date(2027, 6, 30),
            signed_on=date(2026, 9, 8),
            now=NOW,
        ),
        "treatment": record_consent(
            p, by=by, kind="treatment", signed_on=date(2026, 9, 8), now=NOW
        ),
        "plan": signed(world),
        "encounter": _attended(world, DONE),
    }
    screen = _screen(world, BUP="positive", COC="positive")
    results = {r.analyte.code: r for r in screen.results.all()}
    return (
        {key: row.public_id for key, row in rows.items()}
        | {"bup_screen": results["BUP"].public_id, "coc_screen": results["COC"].public_id}
        | {"rows": rows, "screen": screen}
    )


def _attended(world, when: datetime):
    """The world's participant booked into a group on the day of `when` that they attended
    whole (their enrolment, the Encounter's row)."""
    session = make_session(world.program, when.date(), staff=[world.therapist])
    enrolment = enrol(session, world.episode)
    roll_call(session, world.episode, AttendanceStatus.PRESENT, session.minutes)
    return enrolment


def _screen(world, *, collected_at=DONE, **results):
    """A urine cup screen of the world's participant: every analyte negative but those given."""
    panels.seed()
    cup = Panel.objects.get(code="urine-cup-hhs")
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: results.get(a.code, "negative") for a in cup.analytes.all()},
        collected_at=collected_at,
        observed=True,
        validity="valid",
        now=NOW,
    )


def _get(client, path: str, **query):
    return client.get(f"/fhir/R4/{path}", query)


def _json(response) -> dict:
    assert response["Content-Type"].startswith("application/fhir+json")
    data = json.loads(response.content)
    MODELS[data["resourceType"]].model_validate(data)  # parses back into the R4B model
    return data


def _labels(resource: dict) -> set[str]:
    return {label["code"] for label in resource.get("meta", {}).get("security", [])}


def _entries(data: dict) -> dict[str, dict]:
    return {e["resource"]["id"]: e["resource"] for e in data.get("entry", [])}


def test_the_capability_statement_lists_what_is_served_without_sign_in(client):
    data = _json(_get(client, "metadata"))
    CapabilityStatement.model_validate(data)
    served = {r["type"]: r for r in data["rest"][0]["resource"]}
    assert set(served) == {"Patient", "Group", "Practitioner", "Coverage", *SEARCHES}
    assert served["Patient"]["interaction"] == [{"code": "read"}]
    assert served["Group"]["interaction"] == [{"code": "read"}]
    for resource in SEARCHES:
        assert served[resource]["interaction"] == [{"code": "read"}, {"code": "search-type"}]
    assert {p["name"] for p in served["Observation"]["searchParam"]} == {"patient", "code"}
    assert {p["name"] for p in served["Encounter"]["searchParam"]} == {"patient", "date"}


def test_a_patient_is_read_as_the_json_api_reads_it_with_one_event(world, signed_in):
    client = signed_in(world.therapist)
    before = AuditEvent.objects.count()

    response = _get(client, f"Patient/{world.participant.public_id}")

    assert response.status_code == 200
    patient = Patient.model_validate(_json(response))
    assert patient.id == str(world.participant.public_id)
    assert next(n.family for n in patient.name or []) == world.participant.legal_last_name
    assert not _labels(_json(response))
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.participant_id, event.actor_id, event.outcome) == (
        world.participant.pk,
        world.therapist.pk,
        Outcome.ALLOWED,
    )
    assert event.details["fhir"] == "Patient"


def test_without_sign_in_nothing_is_read(world, client):
    response = _get(client, f"Patient/{world.participant.public_id}")
    assert response.status_code == 401
    OperationOutcome.model_validate(_json(response))
    assert not AuditEvent.objects.filter(participant=world.participant).exists()


@pytest.mark.parametrize("resource", ["Patient", *SEARCHES])
def test_out_of_reach_and_unknown_answer_alike_and_the_refusal_is_audited(
    world, signed_in, resource
):
    outsider = world.users["outsider"]
    client = signed_in(outsider)

    def ask(public_id):
        if resource == "Patient":
            return _get(client, f"Patient/{public_id}")
        return _get(client, resource, patient=str(public_id))

    refused = ask(world.participant.public_id)
    unknown = ask("0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b")
    bad = ask("not-an-id")

    assert refused.status_code == unknown.status_code == bad.status_code == 404
    assert refused.content == unknown.content == bad.content
    OperationOutcome.model_validate(_json(refused))
    events = AuditEvent.objects.filter(actor=outsider, participant=world.participant)
    assert [e.outcome for e in events] == [Outcome.REFUSED]


@pytest.mark.parametrize("resource", ["Patient", *SEARCHES])
def test_break_the_glass_opens_each_read_and_flags_its_event(world, signed_in, resource):
    outsider = world.users["outsider"]
    client = signed_in(outsider)
    grant = break_the_glass(outsider, world.participant, "Crisis call on the weekend line")
    before = AuditEvent.objects.filter(actor=outsider).count()

    if resource == "Patient":
        response = _get(client, f"Patient/{world.participant.public_id}")
    else:
        response = _get(client, resource, patient=f"Patient/{world.participant.public_id}")

    assert response.status_code == 200
    _json(response)
    [event] = AuditEvent.objects.filter(actor=outsider).order_by("id")[before:]
    assert event.participant_id == world.participant.pk
    assert (event.break_glass_id, event.outcome) == (grant.pk, Outcome.ALLOWED)


@pytest.mark.parametrize("persona", ["participant_user", "support"])
@pytest.mark.parametrize("resource", ["Patient", *SEARCHES])
def test_an_account_that_is_not_staff_s_is_refused_as_on_the_json_api(
    world, signed_in, persona, resource
):
    """Refused by its kind (403, as the JSON API), alike for a real id and a made-up one, the
    refusal audited naming the participant when the id names one."""
    client = signed_in(world.users[persona])

    def ask(public_id):
        if resource == "Patient":
            return _get(client, f"Patient/{public_id}")
        return _get(client, resource, patient=str(public_id))

    real = ask(world.participant.public_id)
    made_up = ask("0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b")

    assert real.status_code == made_up.status_code == 403
    assert real.content == made_up.content
    assert OperationOutcome.model_validate(_json(real)).issue[0].code == "forbidden"
    events = AuditEvent.objects.filter(actor=world.users[persona]).order_by("id")
    assert [(e.participant_id, e.outcome) for e in events] == [
        (world.participant.pk, Outcome.REFUSED),
        (None, Outcome.REFUSED),
    ]
    assert events[0].details["fhir"] == resource


@pytest.mark.parametrize("resource", SEARCHES)
def test_each_search_is_a_searchset_with_one_event_naming_the_participant(
    world, signed_in, record, resource
):
    client = signed_in(world.therapist)
    before = AuditEvent.objects.filter(actor=world.therapist).count()

    response = _get(client, resource, patient=str(world.participant.public_id))

    assert response.status_code == 200
    data = _json(response)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "searchset"
    assert bundle.total == len(bundle.entry or []) > 0
    for entry in data["entry"]:
        assert entry["resource"]["resourceType"] == resource
        MODELS[resource].model_validate(entry["resource"])
    events = list(AuditEvent.objects.filter(actor=world.therapist).order_by("id")[before:])
    assert [(e.participant_id, e.outcome) for e in events] == [
        (world.participant.pk, Outcome.ALLOWED)
    ]


@pytest.mark.parametrize(
    ("resource", "part2", "other"),
    [
        ("Condition", "sud_dx", "mh_dx"),
        ("Observation", "audit_c", "phq_9"),
        ("Observation", "coc_screen", "phq_9"),
        ("MedicationStatement", "bup", "sertraline"),
        ("Consent", "part2", "treatment"),
    ],
)
def test_part2_records_carry_the_ds4p_labels_and_others_none(
    world, signed_in, record, resource, part2, other
):
    client = signed_in(world.therapist)
    data = _json(_get(client, resource, patient=str(world.participant.public_id)))
    entries = _entries(data)

    assert _labels(entries[str(record[part2])]) == PART2_CODES
    assert _labels(entries[str(record[other])]) == set()
    assert _labels(data) == PART2_CODES  # the Bundle carries its contents' labels


def test_a_bundle_of_no_part2_record_carries_no_label(world, signed_in, record):
    client = signed_in(world.therapist)
    data = _json(
        _get(client, "Observation", patient=str(world.participant.public_id), code="44261-6")
    )
    assert list(_entries(data)) == [str(record["phq_9"])]
    assert _labels(data) == set()


def test_an_observation_is_a_screening_assessment_under_its_declared_loinc(
    world, signed_in, record
):
    client = signed_in(world.therapist)
    data = _json(
        _get(
            client,
            "Observation",
            patient=str(world.participant.public_id),
            code="http://loinc.org|75626-2",
        )
    )
    [audit_c] = _entries(data).values()
    assert audit_c["code"]["coding"] == [{"system": "http://loinc.org", "code": "75626-2"}]
    assert audit_c["category"][0]["coding"][0]["code"] == "survey"
    assert audit_c["valueInteger"] == 4
    assert audit_c["interpretation"] == [{"text": "Positive"}]
    assert audit_c["effectiveDateTime"].startswith("2026-11-18T16:30:00")


def test_a_condition_carries_its_icd10cm_code(world, signed_in, record):
    client = signed_in(world.therapist)
    data = _json(_get(client, "Condition", patient=str(world.participant.public_id)))
    sud = _entries(data)[str(record["sud_dx"])]
    assert sud["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
    assert sud["code"]["coding"][0]["code"] == "F10.20"
    assert sud["clinicalStatus"]["coding"][0]["code"] == "active"


def test_a_revoked_consent_is_inactive(world, signed_in, record):
    revoke_consent(
        record["rows"]["part2"],
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    client = signed_in(world.therapist)
    data = _json(_get(client, "Consent", patient=str(world.participant.public_id)))
    consents = _entries(data)
    part2 = consents[str(record["part2"])]
    assert part2["status"] == "inactive"
    assert part2["scope"]["coding"][0]["code"] == "patient-privacy"
    assert part2["category"][0]["coding"][0]["code"] == "64292-6"
    assert part2["provision"]["period"] == {"start": "2026-09-08", "end": "2027-06-30"}
    assert consents[str(record["treatment"])]["status"] == "active"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"name": "Robin"}, 400),
        ({"birthdate": "1984-02-29"}, 400),
    ],
)
def test_a_search_without_a_patient_or_by_other_data_is_refused_unread(
    world, signed_in, query, status
):
    client = signed_in(world.therapist)
    response = _get(client, "Observation", **query)
    assert response.status_code == status
    OperationOutcome.model_validate(_json(response))
    assert not AuditEvent.objects.filter(actor=world.therapist).exists()


@pytest.mark.parametrize("resource", SEARCHES)
def test_a_search_s_query_count_does_not_grow_with_the_record(world, signed_in, record, resource):
    client = signed_in(world.therapist)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert (
                _get(client, resource, patient=str(world.participant.public_id)).status_code == 200
            )
        return len(queries)

    first = count()
    p, by = world.participant, world.therapist
    add_diagnosis(world.episode, code="F41.1", status="confirmed", made_on=date(2026, 11, 2), by=by)
    record_administration(
        p, code="gad-7", answers={str(i): 1 for i in range(1, 8)}, mode="staff-entered", by=by
    )
    add_medication(p, by=by, code="acamprosate", started_on=date(2026, 10, 1))
    record_consent(p, by=by, kind="telehealth", signed_on=date(2026, 10, 1), now=NOW)
    _screen(world, collected_at=NOW, AMP="positive")
    revision = start_revision(record["rows"]["plan"], by=by, change_summary="Adds a goal.")
    sign_plan(revision, by=by, expected_version=revision.version)
    Episode.objects.create(
        participant=p,
        program=world.program,
        status=EpisodeStatus.DISCHARGED,
        referred_on=date(2025, 1, 6),
        admitted_on=date(2025, 1, 13),
        discharged_on=date(2025, 3, 28),
    )
    _attended(world, datetime(2026, 11, 16, 15, 0, tzinfo=UTC))
    _attended(world, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))

    assert count() == first


def test_instruments_without_a_total_give_their_band_or_say_why_there_is_no_value(world, signed_in):
    p, by = world.participant, world.therapist
    cssrs = record_administration(
        p,
        code="cssrs-screener",
        answers={"1": 0, "2": 0, "6": 0},
        mode="staff-entered",
        by=by,
        completed_at=DONE,
    )
    bam_answers = {str(i): 0 for i in range(1, 17) if i != 7}
    bam = record_administration(
        p, code="bam", answers=bam_answers, mode="staff-entered", by=by, completed_at=DONE
    )
    client = signed_in(world.therapist)

    entries = _entries(_json(_get(client, "Observation", patient=str(p.public_id))))

    screener = entries[str(cssrs.public_id)]
    assert screener["code"] == {"text": "Columbia-Suicide Severity Rating Scale, Screener"}
    assert screener["valueCodeableConcept"] == {"text": "No risk identified"}
    assert _labels(screener) == set()
    monitor = entries[str(bam.public_id)]
    assert "valueInteger" not in monitor
    assert monitor["dataAbsentReason"]["coding"][0]["code"] == "not-applicable"
    assert {c["code"]["text"] for c in monitor["component"]} == {"use", "risk", "protective"}
    assert _labels(monitor) == PART2_CODES


@pytest.mark.parametrize(
    "query",
    [
        {"patient": ""},
        {"patient": "Patient/"},
        {"patient": "\x00"},
        {"patient": "x" * 5000},
        {"patient": ["a", "b"]},
        {"patient": "PATIENT", "code": "http://loinc.org|\x00"},
        {"patient": "PATIENT", "code": "|||,,,"},
        {"patient": "PATIENT", "code": "http://snomed.info/sct|44261-6"},
        {"patient": "PATIENT", "_format": "xml"},
    ],
)
def test_strange_search_values_are_answered_cleanly(world, signed_in, query):
    """No 500 and no rows read beyond the participant named: an id that is not one is "not
    found", a code of another system matches nothing."""
    client = signed_in(world.therapist)
    query = {k: str(world.participant.public_id) if v == "PATIENT" else v for k, v in query.items()}

    response = _get(client, "Observation", **query)

    assert response.status_code in (200, 400, 404)
    data = _json(response)
    if response.status_code == 200:
        assert data["total"] == 0


def _read_path(full_url: str) -> str:
    """The path a client follows from a fullUrl (the test client needs no host)."""
    return urlsplit(full_url).path


@pytest.mark.parametrize("resource", SEARCHES)
def test_each_search_entry_s_full_url_reads_back_that_very_resource(
    world, signed_in, record, resource
):
    client = signed_in(world.therapist)
    search = _json(_get(client, resource, patient=str(world.participant.public_id)))
    assert search["entry"]

    for entry in search["entry"]:
        resource_id = entry["resource"]["id"]
        assert str(UUID(resource_id)) == resource_id  # a public UUID, never a row number
        assert entry["fullUrl"] == f"http://testserver/fhir/R4/{resource}/{resource_id}"
        before = AuditEvent.objects.filter(actor=world.therapist).count()

        response = client.get(_read_path(entry["fullUrl"]))

        assert response.status_code == 200, entry["fullUrl"]
        read = _json(response)
        MODELS[resource].model_validate(read)
        assert read == entry["resource"]
        assert _labels(read) == _labels(entry["resource"])
        [event] = AuditEvent.objects.filter(actor=world.therapist).order_by("id")[before:]
        assert (event.participant_id, event.outcome) == (world.participant.pk, Outcome.ALLOWED)
        assert event.details["fhir"] == resource
        assert event.details["id"] == resource_id


@pytest.mark.parametrize(
    ("resource", "part2", "other"),
    [
        ("Condition", "sud_dx", "mh_dx"),
        ("Observation", "audit_c", "phq_9"),
        ("Observation", "bup_screen", "phq_9"),
        ("MedicationStatement", "bup", "sertraline"),
        ("Consent", "part2", "treatment"),
    ],
)
def test_a_read_keeps_the_part2_labels(world, signed_in, record, resource, part2, other):
    client = signed_in(world.therapist)
    assert _labels(_json(_get(client, f"{resource}/{record[part2]}"))) == PART2_CODES
    assert _labels(_json(_get(client, f"{resource}/{record[other]}"))) == set()


@pytest.mark.parametrize("resource", ["EpisodeOfCare", "CareTeam", "Encounter"])
def test_a_stay_its_team_and_its_sessions_are_part2_records_in_search_and_read(
    world, signed_in, record, resource
):
    """A stay in the program, who treats it and each session are substance-use treatment
    whatever else they say: labelled whole, as the plan is."""
    client = signed_in(world.therapist)
    data = _json(_get(client, resource, patient=str(world.participant.public_id)))
    assert data["entry"] and all(_labels(e["resource"]) == PART2_CODES for e in data["entry"])
    assert _labels(data) == PART2_CODES
    one = _one_of_each(world, record)[resource]
    assert _labels(_json(_get(client, f"{resource}/{one}"))) == PART2_CODES


def _one_of_each(world, record) -> dict[str, str]:
    return {
        "EpisodeOfCare": str(world.episode.public_id),
        "Condition": str(record["sud_dx"]),
        "Observation": str(record["audit_c"]),
        "DiagnosticReport": str(record["screen"].public_id),
        "CarePlan": str(record["plan"]),
        "Goal": str(record["rows"]["plan"].goals.get().public_id),
        "CareTeam": str(world.episode.public_id),
        "MedicationStatement": str(record["bup"]),
        "Consent": str(record["part2"]),
        "Encounter": str(record["encounter"]),
    }


@pytest.mark.parametrize("resource", SEARCHES)
def test_a_read_out_of_reach_answers_as_an_unknown_id_and_the_refusal_is_audited(
    world, signed_in, record, resource
):
    outsider = world.users["outsider"]
    client = signed_in(outsider)
    resource_id = _one_of_each(world, record)[resource]

    refused = _get(client, f"{resource}/{resource_id}")
    unknown = _get(client, f"{resource}/0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b")
    bad = _get(client, f"{resource}/{world.participant.pk}")  # a row number is no id

    assert refused.status_code == unknown.status_code == bad.status_code == 404
    assert refused.content == unknown.content == bad.content
    OperationOutcome.model_validate(_json(refused))
    events = AuditEvent.objects.filter(actor=outsider, participant=world.participant)
    assert [(e.outcome, e.details["id"]) for e in events] == [(Outcome.REFUSED, resource_id)]


def test_what_a_search_leaves_out_is_not_read_either(world, signed_in, record):
    """A diagnosis entered in error and a struck-out result leave the search, and their
    reads answer as for an unknown id, reading nothing."""
    by = world.therapist
    sud = record["rows"]["sud_dx"]
    change_diagnosis_status(
        sud,
        to_status="entered_in_error",
        by=by,
        expected_version=sud.version,
        note="Recorded for the wrong participant.",
    )
    mark_entered_in_error(record["rows"]["audit_c"], by=by, reason="Given to someone else.")
    client = signed_in(by)
    before = AuditEvent.objects.filter(actor=by).count()

    condition = _get(client, f"Condition/{record['sud_dx']}")
    observation = _get(client, f"Observation/{record['audit_c']}")

    assert condition.status_code == observation.status_code == 404
    assert AuditEvent.objects.filter(actor=by).count() == before


@pytest.mark.parametrize("resource", SEARCHES)
def test_a_read_s_query_count_does_not_grow_with_the_record(world, signed_in, record, resource):
    client = signed_in(world.therapist)
    path = f"{resource}/{_one_of_each(world, record)[resource]}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, path).status_code == 200
        return len(queries)

    first = count()
    p, by = world.participant, world.therapist
    add_diagnosis(world.episode, code="F41.1", status="confirmed", made_on=date(2026, 11, 2), by=by)
    record_administration(
        p, code="gad-7", answers={str(i): 1 for i in range(1, 8)}, mode="staff-entered", by=by
    )
    add_medication(p, by=by, code="acamprosate", started_on=date(2026, 10, 1))
    record_consent(p, by=by, kind="telehealth", signed_on=date(2026, 10, 1), now=NOW)
    _screen(world, collected_at=NOW, AMP="positive")
    revision = start_revision(record["rows"]["plan"], by=by, change_summary="Adds a goal.")
    sign_plan(revision, by=by, expected_version=revision.version)
    Episode.objects.create(
        participant=p,
        program=world.program,
        status=EpisodeStatus.DISCHARGED,
        referred_on=date(2025, 1, 6),
        admitted_on=date(2025, 1, 13),
        discharged_on=date(2025, 3, 28),
    )
    _attended(world, datetime(2026, 11, 16, 15, 0, tzinfo=UTC))
    _attended(world, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))

    assert count() == first
