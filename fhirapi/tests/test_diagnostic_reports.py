"""Drug screens over the FHIR API as laboratory DiagnosticReports: one per screen in force,
grouping its results by the ids the Observation reads serve, preliminary while any result
is, labelled 42 CFR Part 2, read through the access policy (the clinical scope) and audited,
left out once the screen is entered in error, and exported in bulk as the reads give them."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from fhir.resources.R4B.diagnosticreport import DiagnosticReport

from audit.models import AuditEvent, Outcome
from fhirapi.labels import PART2_LABELS
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import DONE, NOW, _entries, _get, _json, _screen
from screens.models import Panel, PanelAnalyte
from screens.services import mark_entered_in_error, record_confirmation, record_screen

UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"
LATER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _two_analyte_screen(world, participant=None, *, by=None, **results):
    """A laboratory immunoassay of two analytes (fentanyl, buprenorphine), negative but for
    those given, for the world's participant unless another is named."""
    panel, made = Panel.objects.get_or_create(
        code="urine-lab-two",
        defaults={
            "name": "Urine opioid screen, two analytes",
            "specimen": "urine",
            "method": "lab-immunoassay",
            "source": "The laboratory's report.",
        },
    )
    if made:
        for order, (code, name) in enumerate([("FYL", "Fentanyl"), ("BUP", "Buprenorphine")]):
            PanelAnalyte.objects.create(panel=panel, code=code, name=name, order=order)
    return record_screen(
        participant or world.participant,
        by=by or world.therapist,
        panel=panel,
        results={code: results.get(code, "negative") for code in ("FYL", "BUP")},
        collected_at=DONE,
        observed=True,
        validity="valid",
        now=NOW,
    )


def _report(client, screen) -> dict:
    return _json(_get(client, f"DiagnosticReport/{screen.public_id}"))


def _search(client, participant) -> dict:
    return _json(_get(client, "DiagnosticReport", patient=str(participant.public_id)))


def test_a_screen_of_two_results_is_a_report_whose_results_read_back_as_its_observations(
    world, signed_in
):
    screen = _two_analyte_screen(world)
    client = signed_in(world.therapist)

    report = _report(client, screen)

    DiagnosticReport.model_validate(report)
    assert report["id"] == str(screen.public_id)
    assert report["category"] == [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0074",
                    "code": "LAB",
                    "display": "Laboratory",
                }
            ]
        }
    ]
    # The panel in text only: the reference gives no panel code, so no profile is claimed.
    assert report["code"] == {"text": "Urine opioid screen, two analytes"}
    assert "profile" not in report["meta"]
    assert "performer" not in report
    assert report["subject"] == {"reference": f"Patient/{world.participant.public_id}"}
    assert datetime.fromisoformat(report["effectiveDateTime"]) == DONE
    assert datetime.fromisoformat(report["issued"]) == NOW
    [specimen] = report["contained"]
    assert report["specimen"] == [{"reference": f"#{specimen['id']}"}]
    ids = [str(r.public_id) for r in screen.results.all()]
    assert [r["reference"] for r in report["result"]] == [f"Observation/{i}" for i in ids]
    assert len(ids) == 2
    for reference in report["result"]:
        observation = _json(_get(client, reference["reference"]))
        assert observation["subject"] == report["subject"]
        assert observation["effectiveDateTime"] == report["effectiveDateTime"]
        assert observation["contained"] == [specimen]  # the same specimen, said alike
        assert observation["status"] == report["status"] == "final"


def test_a_report_is_preliminary_while_a_result_awaits_confirmation_then_final(world, signed_in):
    screen = _two_analyte_screen(world, FYL="positive")
    fentanyl = screen.results.get(analyte__code="FYL")
    client = signed_in(world.therapist)

    # A positive immunoassay is presumptive until confirmed (clinical reference §10).
    assert _report(client, screen)["status"] == "preliminary"
    record_confirmation(fentanyl, by=world.therapist, confirmation="sent", now=NOW)
    assert _report(client, screen)["status"] == "preliminary"

    record_confirmation(fentanyl, by=world.therapist, confirmation="positive", now=LATER)
    confirmed = _report(client, screen)

    assert confirmed["status"] == "final"
    assert datetime.fromisoformat(confirmed["issued"]) == LATER  # when last confirmed
    statuses = {_json(_get(client, r["reference"]))["status"] for r in confirmed["result"]}
    assert statuses == {"final"}


def test_a_screen_entered_in_error_leaves_the_search_and_its_read(world, signed_in):
    screen = _two_analyte_screen(world)
    kept = _two_analyte_screen(world, BUP="positive")
    by = world.therapist
    client = signed_in(by)
    assert set(_entries(_search(client, world.participant))) == {
        str(screen.public_id),
        str(kept.public_id),
    }

    mark_entered_in_error(screen, by=by, reason="Another participant's cup.")

    assert list(_entries(_search(client, world.participant))) == [str(kept.public_id)]
    before = AuditEvent.objects.filter(actor=by).count()
    assert _get(client, f"DiagnosticReport/{screen.public_id}").status_code == 404
    assert AuditEvent.objects.filter(actor=by).count() == before


def test_a_report_carries_the_part2_labels_as_its_results_do(world, signed_in):
    screen = _two_analyte_screen(world)
    client = signed_in(world.therapist)

    report = _report(client, screen)
    search = _search(client, world.participant)
    observation = _json(_get(client, report["result"][0]["reference"]))

    assert report["meta"]["security"] == [dict(label) for label in PART2_LABELS]
    assert report["meta"]["security"] == observation["meta"]["security"]
    assert search["meta"]["security"] == report["meta"]["security"]
    assert _entries(search)[str(screen.public_id)] == report


def test_a_read_is_audited_naming_the_participant_and_the_screen(world, signed_in):
    screen = _two_analyte_screen(world)
    client = signed_in(world.therapist)
    before = AuditEvent.objects.filter(actor=world.therapist).count()

    response = _get(client, f"DiagnosticReport/{screen.public_id}")

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(actor=world.therapist).order_by("id")[before:]
    assert (event.participant_id, event.outcome) == (world.participant.pk, Outcome.ALLOWED)
    assert (event.details["fhir"], event.details["id"]) == (
        "DiagnosticReport",
        str(screen.public_id),
    )


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "outsider"])
def test_a_role_without_the_clinical_record_is_answered_as_for_an_unknown_id_and_audited(
    world, signed_in, persona
):
    """Refused as the screen's Observations are: a 404 alike for the real screen and none,
    the refusal audited naming the participant (and the screen, for a read)."""
    screen = _two_analyte_screen(world, FYL="positive")
    user = world.users[persona]
    client = signed_in(user)

    read = _get(client, f"DiagnosticReport/{screen.public_id}")
    unknown = _get(client, f"DiagnosticReport/{UNKNOWN}")
    search = _get(client, "DiagnosticReport", patient=str(world.participant.public_id))
    nobody = _get(client, "DiagnosticReport", patient=UNKNOWN)
    observation = _get(client, f"Observation/{screen.results.first().public_id}")

    assert read.status_code == unknown.status_code == observation.status_code == 404
    assert json.loads(read.content)["issue"] == json.loads(unknown.content)["issue"]
    assert search.status_code == nobody.status_code == 404
    assert search.content == nobody.content
    events = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("id")
    assert [(e.outcome, e.details["fhir"], e.details.get("id")) for e in events] == [
        (Outcome.REFUSED, "DiagnosticReport", str(screen.public_id)),
        (Outcome.REFUSED, "DiagnosticReport", None),
        (Outcome.REFUSED, "Observation", str(screen.results.first().public_id)),
    ]
    assert "Fentanyl" not in read.content.decode() + search.content.decode()


def test_a_search_by_patient_gives_that_participant_s_reports_only(world, signed_in):
    director = world.users["director"]
    theirs = _two_analyte_screen(world)
    other = _two_analyte_screen(world, world.referral, by=director)
    client = signed_in(director)

    mine = _search(client, world.participant)
    referral = _search(client, world.referral)

    assert list(_entries(mine)) == [str(theirs.public_id)]
    assert list(_entries(referral)) == [str(other.public_id)]
    assert mine["entry"][0]["fullUrl"] == (
        f"http://testserver/fhir/R4/DiagnosticReport/{theirs.public_id}"
    )


def test_a_search_gives_the_newest_screen_first(world, signed_in):
    older = _two_analyte_screen(world)
    newer = _screen(world, collected_at=NOW)
    client = signed_in(world.therapist)

    found = list(_entries(_search(client, world.participant)))

    assert found == [str(newer.public_id), str(older.public_id)]


def test_the_bulk_export_writes_each_report_as_its_read_gives_it(world, signed_in, run_tasks):
    screen = _two_analyte_screen(world, FYL="positive")
    gone = _two_analyte_screen(world)
    mark_entered_in_error(gone, by=world.therapist, reason="Another participant's cup.")
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="DiagnosticReport")

    [output] = manifest["output"]
    assert output["type"] == "DiagnosticReport"
    [line] = _lines(client, output["url"])
    assert line == _report(client, screen)
    assert line["meta"]["security"] == [dict(label) for label in PART2_LABELS]


def test_the_bulk_export_since_takes_a_report_whose_result_was_confirmed_after_it(
    world, signed_in, run_tasks
):
    screen = _two_analyte_screen(world, FYL="positive")
    _two_analyte_screen(world)
    since = timezone.now()
    fentanyl = screen.results.get(analyte__code="FYL")
    record_confirmation(fentanyl, by=world.therapist, confirmation="positive", now=since)
    client = signed_in(world.users["director"])

    manifest = _started(
        client, world, run_tasks, _type="DiagnosticReport", _since=since.isoformat()
    )

    [reports] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert [(r["id"], r["status"]) for r in reports] == [(str(screen.public_id), "final")]
