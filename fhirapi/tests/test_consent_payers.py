"""The payers a Part 2 consent names over FHIR: each one an actor of the provision in the
information-recipient role (IRCP) beside the recipients' words, referring to the payer as an
Organization the Consent contains, alike in the search, the read and the bulk export."""

import json
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.organization import Organization

from billing.tests.builders import payer
from consent.services import record_consent
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import NOW, _entries, _get, _json

IRCP = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}
    ]
}
WORDS = "My health plan, for the payment of claims"


def _naming(world, *payers, recipients: str = WORDS):
    return record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Riverside IOP",
        information="Attendance and diagnoses",
        parts=["diagnoses", "attendance"],
        recipients=recipients,
        named={"payers": [str(p.public_id) for p in payers]},
        purpose="Payment of claims",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
        now=NOW,
    )


def _organization(p) -> dict:
    return {
        "resourceType": "Organization",
        "id": f"payer-{p.public_id}",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{p.public_id}"}],
        "name": p.name,
    }


def test_a_consent_naming_payers_carries_each_as_a_recipient_organization(world, signed_in):
    prairie = payer(world)
    lakeshore = payer(world, "Lakeshore Medicaid", "S9480")
    payer(world, "Unnamed Health", "H0015")
    naming = _naming(world, prairie, lakeshore)
    words_only = _naming(world, recipients="Prairie Health Plan")
    client = signed_in(world.therapist)

    entries = _entries(_json(_get(client, "Consent", patient=str(world.participant.public_id))))

    found = entries[str(naming.public_id)]
    FhirConsent.model_validate(found)
    assert found["provision"]["actor"] == [
        {"role": IRCP, "reference": {"display": WORDS}},
        {
            "role": IRCP,
            "reference": {
                "reference": f"#payer-{lakeshore.public_id}",
                "display": "Lakeshore Medicaid",
            },
        },
        {
            "role": IRCP,
            "reference": {
                "reference": f"#payer-{prairie.public_id}",
                "display": "Prairie Health Plan",
            },
        },
    ]
    assert found["contained"] == [_organization(lakeshore), _organization(prairie)]
    for organization in found["contained"]:
        Organization.model_validate(organization)
    assert "Unnamed Health" not in json.dumps(found)
    assert {label["code"] for label in found["meta"]["security"]} == {"R", "ETH", "42CFRPart2"}
    plain = entries[str(words_only.public_id)]
    assert plain["provision"]["actor"] == [
        {"role": IRCP, "reference": {"display": "Prairie Health Plan"}}
    ]
    assert "contained" not in plain
    assert json.loads(client.get(f"/fhir/R4/Consent/{naming.public_id}").content) == found


def test_the_search_reads_the_payers_of_every_consent_at_once(world, signed_in):
    prairie = payer(world)
    _naming(world, prairie)
    client = signed_in(world.therapist)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, "Consent", patient=str(world.participant.public_id))
            assert response.status_code == 200
        return len(queries)

    first = count()
    _naming(world, prairie, payer(world, "Lakeshore Medicaid", "S9480"))
    assert count() == first
    data = _json(_get(client, "Consent", patient=str(world.participant.public_id)))
    named = [[o["name"] for o in c["contained"]] for c in _entries(data).values()]
    assert sorted(named) == [["Lakeshore Medicaid", "Prairie Health Plan"], ["Prairie Health Plan"]]


def test_the_bulk_export_gives_the_payers_as_the_read_does(world, signed_in, run_tasks):
    naming = _naming(world, payer(world), payer(world, "Lakeshore Medicaid", "S9480"))
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="Consent")

    [output] = manifest["output"]
    [line] = _lines(client, output["url"])
    assert [o["name"] for o in line["contained"]] == ["Lakeshore Medicaid", "Prairie Health Plan"]
    assert line == json.loads(client.get(f"/fhir/R4/Consent/{naming.public_id}").content)
