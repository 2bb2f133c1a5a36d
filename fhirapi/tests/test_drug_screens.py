"""Drug screens over the FHIR API: one laboratory Observation per analyte's result, validated
with the R4B model, coded in LOINC only where clinical reference §10 gives a code, labelled
42 CFR Part 2 as the other substance-use results are, read through the access policy (the
clinical scope) and audited, and left out once the screen is entered in error."""

import json
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.observation import Observation

from audit.models import AuditEvent, Outcome
from fhirapi.tests.test_fhir_api import DONE, NOW, PART2_CODES, _entries, _get, _json, _screen
from screens import panels
from screens.models import Panel, PanelAnalyte
from screens.services import mark_entered_in_error, record_confirmation, record_screen

# Every LOINC code clinical reference §10 gives for a drug-screen analyte (its LOINC line).
REFERENCE_LOINC = {"58359-1", "19550-3", "19642-8", "66129-8", "19577-6", "59680-9"}
LAB = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"
UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"


def _results(data: dict) -> dict[str, dict]:
    """The laboratory Observations of a search, by the analyte named in their code's text."""
    return {
        r["code"]["text"]: r
        for r in _entries(data).values()
        if r["category"][0]["coding"][0]["code"] == "laboratory"
    }


def _search(client, world, **query) -> dict:
    return _json(_get(client, "Observation", patient=str(world.participant.public_id), **query))


def _codes(resource: dict) -> list[str]:
    return [c["code"] for c in resource["code"].get("coding", [])]


def test_each_result_is_a_laboratory_observation_with_its_specimen_date_and_result(
    world, signed_in, record
):
    client = signed_in(world.therapist)

    results = _results(_search(client, world))

    screen = record["screen"]
    assert {r["id"] for r in results.values()} == {str(r.public_id) for r in screen.results.all()}
    for resource in results.values():
        Observation.model_validate(resource)
        assert resource["category"][0]["coding"][0]["code"] == "laboratory"
        assert resource["subject"] == {"reference": f"Patient/{world.participant.public_id}"}
        assert datetime.fromisoformat(resource["effectiveDateTime"]) == DONE
        [specimen] = resource["contained"]
        assert resource["specimen"] == {"reference": f"#{specimen['id']}"}
        assert specimen["type"] == {"text": "Urine"}
        assert datetime.fromisoformat(specimen["collection"]["collectedDateTime"]) == DONE
        assert specimen["condition"] == [{"text": "Within limits"}]
        assert resource["method"] == {"text": "Point-of-care immunoassay"}
    bup, cocaine = results["Buprenorphine"], results["Cocaine (benzoylecgonine)"]
    assert bup["valueCodeableConcept"] == {"text": "Positive"}
    assert bup["interpretation"] == [{"text": "Expected positive"}]
    assert cocaine["valueCodeableConcept"] == {"text": "Positive"}
    assert cocaine["interpretation"] == [{"text": "Unexpected positive"}]
    # A positive immunoassay is presumptive until confirmed (clinical reference §10).
    assert bup["status"] == cocaine["status"] == "preliminary"
    thc = results["Marijuana (THC-COOH)"]
    assert (thc["valueCodeableConcept"], thc["status"]) == ({"text": "Negative"}, "final")
    assert "interpretation" not in thc


def test_loinc_codes_only_where_the_reference_gives_one(world, signed_in, record):
    client = signed_in(world.therapist)

    results = _results(_search(client, world))

    coded = {name: _codes(r) for name, r in results.items() if _codes(r)}
    assert coded == {
        "Buprenorphine": ["58359-1"],
        "Methadone": ["19550-3"],
        "Oxycodone/oxymorphone": ["19642-8"],
    }
    for resource in results.values():
        assert {c["system"] for c in resource["code"].get("coding", [])} <= {"http://loinc.org"}
        assert set(_codes(resource)) <= REFERENCE_LOINC
        assert resource["code"]["text"]
        # US Core's laboratory profile binds the code to LOINC: claimed only with one.
        assert (resource.get("meta", {}).get("profile") == [LAB]) == bool(_codes(resource))
    # A cup's fentanyl is a screen; §10 gives fentanyl a confirmation code only.
    assert _codes(results["Fentanyl"]) == []


def test_a_definitive_panel_codes_fentanyl_s_confirmation_only(world, signed_in):
    lab = Panel.objects.create(
        code="urine-lab-ms",
        name="Urine, LC-MS/MS",
        specimen="urine",
        method="lab-definitive",
        source="The laboratory's report.",
    )
    for order, (code, name) in enumerate([("FYL", "Fentanyl"), ("BUP", "Buprenorphine")]):
        PanelAnalyte.objects.create(panel=lab, code=code, name=name, order=order)
    record_screen(
        world.participant,
        by=world.therapist,
        panel=lab,
        results={"FYL": "positive", "BUP": "negative"},
        collected_at=DONE,
        observed=False,
        now=NOW,
    )
    client = signed_in(world.therapist)

    definitive = _results(_search(client, world))

    assert _codes(definitive["Fentanyl"]) == ["66129-8"]
    assert definitive["Fentanyl"]["status"] == "final"  # a definitive result is no presumption
    assert _codes(definitive["Buprenorphine"]) == []  # §10's code for it is a screen's


def test_an_oral_fluid_screen_is_named_in_text_only(world, signed_in):
    screen = _screen(world, BUP="positive")
    oral = record_screen(
        world.participant,
        by=world.therapist,
        panel=screen.panel,
        specimen="oral-fluid",
        results={a.code: "negative" for a in screen.panel.analytes.all()},
        collected_at=NOW,
        observed=True,
        now=NOW,
    )
    client = signed_in(world.therapist)

    entries = _entries(_search(client, world))

    oral_ids = {str(r.public_id) for r in oral.results.all()}
    for resource_id in oral_ids:
        assert _codes(entries[resource_id]) == []
        assert entries[resource_id]["contained"][0]["type"] == {"text": "Oral fluid"}
    urine = {str(r.public_id): r.analyte.code for r in screen.results.all()}
    assert [_codes(entries[i]) for i, code in urine.items() if code == "BUP"] == [["58359-1"]]


def test_a_confirmation_gives_the_result_as_it_stands_and_the_confirmation_s_code(world, signed_in):
    screen = _screen(world, FYL="positive", MTD="positive")
    fentanyl = screen.results.get(analyte__code="FYL")
    methadone = screen.results.get(analyte__code="MTD")
    client = signed_in(world.therapist)

    record_confirmation(fentanyl, by=world.therapist, confirmation="sent", now=NOW)
    sent = _json(_get(client, f"Observation/{fentanyl.public_id}"))
    assert sent["status"] == "preliminary"
    assert {"text": "Sent for confirmation"} in sent["note"]
    assert _codes(sent) == []

    confirmed_at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    record_confirmation(fentanyl, by=world.therapist, confirmation="positive", now=confirmed_at)
    record_confirmation(methadone, by=world.therapist, confirmation="negative", now=confirmed_at)
    confirmed = _json(_get(client, f"Observation/{fentanyl.public_id}"))
    not_confirmed = _json(_get(client, f"Observation/{methadone.public_id}"))

    assert confirmed["status"] == not_confirmed["status"] == "final"
    assert confirmed["valueCodeableConcept"] == {"text": "Positive"}
    assert confirmed["method"] == {"text": "Laboratory GC-MS or LC-MS/MS (definitive)"}
    assert _codes(confirmed) == ["66129-8"]
    assert datetime.fromisoformat(confirmed["issued"]) == confirmed_at
    assert not_confirmed["valueCodeableConcept"] == {"text": "Negative"}
    assert _codes(not_confirmed) == []  # §10 gives methadone a screen's code only


def test_a_code_search_finds_a_drug_screen_s_result(world, signed_in, record):
    client = signed_in(world.therapist)

    bup = _search(client, world, code="58359-1")
    methadone = _search(client, world, code="http://loinc.org|19550-3")

    assert list(_entries(bup)) == [str(record["bup_screen"])]
    assert [_codes(r) for r in _entries(methadone).values()] == [["19550-3"]]
    assert _search(client, world, code="http://snomed.info/sct|58359-1")["total"] == 0


def test_drug_screens_carry_the_part2_labels_of_every_substance_use_result(
    world, signed_in, record
):
    """Labelled as an AUDIT-C result is, label for label, and served to whoever the policy
    lets read the clinical record, as every Part 2 record here is (no consent is asked for
    a read inside the program)."""
    client = signed_in(world.therapist)

    data = _search(client, world)
    audit_c = _entries(data)[str(record["audit_c"])]

    assert {label["code"] for label in audit_c["meta"]["security"]} == PART2_CODES
    for resource in _results(data).values():
        assert resource["meta"]["security"] == audit_c["meta"]["security"]
    only_screens = _search(client, world, code="19642-8")
    assert only_screens["meta"]["security"] == audit_c["meta"]["security"]
    read = _json(_get(client, f"Observation/{record['coc_screen']}"))
    assert read["meta"]["security"] == audit_c["meta"]["security"]


def test_a_read_is_audited_naming_the_participant_and_the_result(world, signed_in, record):
    client = signed_in(world.therapist)
    before = AuditEvent.objects.filter(actor=world.therapist).count()

    response = _get(client, f"Observation/{record['coc_screen']}")

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(actor=world.therapist).order_by("id")[before:]
    assert (event.participant_id, event.outcome) == (world.participant.pk, Outcome.ALLOWED)
    assert event.details["fhir"] == "Observation"
    assert event.details["id"] == str(record["coc_screen"])


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "outsider"])
def test_a_role_the_policy_refuses_is_answered_as_for_an_unknown_id_and_audited(
    world, signed_in, record, persona
):
    user = world.users[persona]
    client = signed_in(user)

    read = _get(client, f"Observation/{record['coc_screen']}")
    unknown = _get(client, f"Observation/{UNKNOWN}")
    search = _get(client, "Observation", patient=str(world.participant.public_id))
    nobody = _get(client, "Observation", patient=UNKNOWN)

    assert read.status_code == unknown.status_code == 404
    assert json.loads(read.content)["issue"] == json.loads(unknown.content)["issue"]
    assert search.status_code == nobody.status_code == 404
    assert search.content == nobody.content
    events = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("id")
    assert [(e.outcome, e.details["fhir"], e.details.get("id")) for e in events] == [
        (Outcome.REFUSED, "Observation", str(record["coc_screen"])),
        (Outcome.REFUSED, "Observation", None),
    ]
    assert "Cocaine" not in read.content.decode() + search.content.decode()


def test_a_screen_entered_in_error_leaves_the_search_and_its_reads(world, signed_in, record):
    by = world.therapist
    client = signed_in(by)
    assert len(_results(_search(client, world))) == record["screen"].results.count()

    mark_entered_in_error(record["screen"], by=by, reason="Another participant's cup.")

    assert _results(_search(client, world)) == {}
    before = AuditEvent.objects.filter(actor=by).count()
    assert _get(client, f"Observation/{record['coc_screen']}").status_code == 404
    assert AuditEvent.objects.filter(actor=by).count() == before


def test_a_breath_alcohol_result_names_the_analyser_as_its_method(world, signed_in):
    panels.seed()
    breath = Panel.objects.get(code="breath-alcohol")
    screen = record_screen(
        world.participant,
        by=world.therapist,
        panel=breath,
        results={"ETOH": "negative"},
        collected_at=NOW,
        observed=True,
        now=NOW,
    )
    client = signed_in(world.therapist)

    entries = _entries(_search(client, world))

    [result] = screen.results.all()
    assert entries[str(result.public_id)]["method"] == {"text": "Breath alcohol analyser"}
    assert entries[str(result.public_id)]["contained"][0]["type"] == {"text": "Breath"}
