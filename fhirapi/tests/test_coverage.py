"""Coverage over the FHIR API: each coverage of the participant, active or entered-in-error,
the Patient as beneficiary, the payer by name, the member id as subscriberId and its period;
read under the billing scope as the Billing tab is (the billing role and the director), the
refusal answered as an unknown id and audited, offered by the CapabilityStatement and exported
in bulk as the read gives it."""

import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage as FhirCoverage

from audit.models import AuditEvent, Outcome
from billing import services
from billing.tests.builders import cover, payer
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import _entries, _get, _json

UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"
WHY = "Member id of another plan."


@pytest.fixture
def coverages(world):
    """An open coverage and one by another payer entered in error."""
    kept = cover(world, world.episode, payer(world), starts_on=date(2026, 9, 8))
    wrong = services.add_coverage(
        world.participant,
        by=world.users["billing"],
        payer=payer(world, "Lakeshore Medicaid", "S9480"),
        member_id="LM-77",
        starts_on=date(2026, 8, 1),
        ends_on=date(2026, 8, 31),
    )
    wrong = services.mark_coverage_in_error(wrong, by=world.users["billing"], reason=WHY)
    return kept, wrong


@pytest.mark.parametrize("persona", ["billing", "director"])
def test_the_search_gives_each_coverage_with_its_payer_member_id_and_period(
    world, signed_in, coverages, persona
):
    kept, wrong = coverages
    client = signed_in(world.users[persona])
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    data = _json(_get(client, "Coverage", patient=str(world.participant.public_id)))

    Bundle.model_validate(data)
    entries = _entries(data)
    assert list(entries) == [str(kept.public_id), str(wrong.public_id)]  # the latest start first
    for entry in entries.values():
        FhirCoverage.model_validate(entry)
    patient = {"reference": f"Patient/{world.participant.public_id}"}
    assert entries[str(kept.public_id)] == {
        "resourceType": "Coverage",
        "id": str(kept.public_id),
        "status": "active",
        "subscriberId": "M-1234",
        "beneficiary": patient,
        "period": {"start": "2026-09-08"},
        "payor": [{"display": "Prairie Health Plan"}],
    }
    withdrawn = entries[str(wrong.public_id)]
    assert withdrawn["status"] == "entered-in-error"
    assert withdrawn["period"] == {"start": "2026-08-01", "end": "2026-08-31"}
    assert (withdrawn["subscriberId"], withdrawn["payor"]) == (
        "LM-77",
        [{"display": "Lakeshore Medicaid"}],
    )
    assert "meta" not in data and all("meta" not in e for e in entries.values())
    [event] = AuditEvent.objects.filter(actor=world.users[persona], id__gt=before)
    assert (event.participant_id, event.outcome, event.details["fhir"]) == (
        world.participant.pk,
        Outcome.ALLOWED,
        "Coverage",
    )


def test_a_read_gives_the_coverage_as_its_search_does(world, signed_in, coverages):
    _, wrong = coverages
    client = signed_in(world.users["billing"])
    search = _entries(_json(_get(client, "Coverage", patient=str(world.participant.public_id))))

    read = _json(_get(client, f"Coverage/{wrong.public_id}"))

    FhirCoverage.model_validate(read)
    assert read == search[str(wrong.public_id)]
    event = AuditEvent.objects.filter(actor=world.users["billing"]).latest("id")
    assert (event.details["fhir"], event.details["id"]) == ("Coverage", str(wrong.public_id))


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "frontdesk", "auditor"])
def test_roles_that_do_not_read_billing_get_the_answer_of_an_unknown_id(
    world, signed_in, coverages, persona
):
    kept, _ = coverages
    user = world.users[persona]
    client = signed_in(user)

    search = _get(client, "Coverage", patient=str(world.participant.public_id))
    refused = _get(client, f"Coverage/{kept.public_id}")
    unknown = _get(client, f"Coverage/{UNKNOWN}")

    assert search.status_code == refused.status_code == unknown.status_code == 404
    assert refused.content == unknown.content
    assert b"M-1234" not in search.content + refused.content
    events = AuditEvent.objects.filter(actor=user, participant=world.participant)
    assert [e.outcome for e in events] == [Outcome.REFUSED, Outcome.REFUSED]


def test_the_capability_statement_offers_coverage_by_patient(client):
    served = {
        r["type"]: r
        for r in json.loads(client.get("/fhir/R4/metadata").content)["rest"][0]["resource"]
    }
    assert [p["name"] for p in served["Coverage"]["searchParam"]] == ["patient"]
    assert {i["code"] for i in served["Coverage"]["interaction"]} == {"read", "search-type"}


def test_the_bulk_export_writes_each_coverage_as_its_read_gives_it(
    world, signed_in, run_tasks, coverages
):
    kept, wrong = coverages
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="Coverage")

    [output] = manifest["output"]
    assert output["type"] == "Coverage"
    lines = {line["id"]: line for line in _lines(client, output["url"])}
    assert set(lines) == {str(kept.public_id), str(wrong.public_id)}
    for row in (kept, wrong):
        assert lines[str(row.public_id)] == _json(_get(client, f"Coverage/{row.public_id}"))
    written = AuditEvent.objects.get(event_type="fhir.bulk_export_written")
    assert written.details["participants"] == [str(world.participant.public_id)]
