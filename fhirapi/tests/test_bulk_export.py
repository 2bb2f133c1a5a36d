"""The Bulk Data export of a program (`Group/{id}/$export`) through the real client and the
real task queue: kick-off, status, the manifest, the NDJSON files (each line parses back into
its R4B model and keeps its Part 2 labels), cancelling, `_type` and `_since`, bad parameters
refused with nothing written, refusals alike for a group out of reach and none, the audit
trail, what is left out said in the manifest's `error` files, an export whose work died
answered as failed, and files dropped after the retention period (410 Gone)."""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date
from fhir.resources.R4B.group import Group

from accounts.models import Membership, Role
from audit.models import AuditEvent, Outcome
from billing.tests.builders import cover, payer
from conftest import PERSONAS, make_user
from fhirapi import bulk, resources
from fhirapi.models import BulkExport, BulkExportFile
from fhirapi.tasks import drop_expired_exports
from intake.services import add_diagnosis
from participants.models import Participant
from screens.services import record_confirmation

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}
ALL_TYPES = list(bulk.SCOPES)


def _kick_off(client, program, **query):
    return client.get(f"/fhir/R4/Group/{program.public_id}/$export", query, **ASYNC)


def _path(url: str) -> str:
    return urlsplit(url).path


def _started(client, world, run_tasks, **query) -> dict:
    response = _kick_off(client, world.program, **query)
    assert response.status_code == 202, response.content
    run_tasks()
    done = client.get(_path(response["Content-Location"]))
    assert done.status_code == 200
    return json.loads(done.content)


def _lines(client, url: str) -> list[dict]:
    response = client.get(_path(url))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    text = response.content.decode()
    assert text.endswith("\n") or not text
    lines = [json.loads(line) for line in text.splitlines()]
    for line in lines:
        resources.MODELS[line["resourceType"]].model_validate(line)
    return lines


def _labels(resource: dict) -> set[str]:
    return {label["code"] for label in resource.get("meta", {}).get("security", [])}


def test_a_director_exports_the_program_and_downloads_each_file(
    world, signed_in, run_tasks, record
):
    coverage = cover(world, world.episode, payer(world)).public_id
    client = signed_in(world.users["director"])

    kicked = _kick_off(client, world.program)

    assert kicked.status_code == 202
    status_path = _path(kicked["Content-Location"])
    export = BulkExport.objects.get()
    assert status_path == f"/fhir/R4/bulk-status/{export.public_id}"
    started = AuditEvent.objects.get(event_type="fhir.bulk_export_started")
    assert started.outcome == Outcome.ALLOWED and started.actor == world.users["director"]
    waiting = client.get(status_path)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "0% of the types written"

    run_tasks()
    manifest = json.loads(client.get(status_path).content)

    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith(f"/fhir/R4/Group/{world.program.public_id}/$export")
    assert manifest["transactionTime"] == export.transaction_time.isoformat()
    assert manifest["error"] == []
    assert [o["type"] for o in manifest["output"]] == ALL_TYPES
    files = {o["type"]: _lines(client, o["url"]) for o in manifest["output"]}
    patients = {p["id"] for p in files["Patient"]}
    assert patients == {str(world.participant.public_id), str(world.referral.public_id)}
    assert str(world.other_org_participant.public_id) not in json.dumps(files)
    by_id = {r["id"]: r for kind in files.values() for r in kind}
    for part2 in ("sud_dx", "audit_c", "bup_screen", "coc_screen", "bup", "part2"):
        assert _labels(by_id[str(record[part2])]) == {"R", "ETH", "42CFRPart2"}
    for other in ("mh_dx", "phq_9", "sertraline", "treatment"):
        assert _labels(by_id[str(record[other])]) == set()
    assert _labels(by_id[str(coverage)]) == set()
    screened = {str(r.public_id) for r in record["screen"].results.all()}
    assert screened <= {o["id"] for o in files["Observation"]}
    # The same mapping the read serves, label for label.
    for kind, key in (("Condition", "sud_dx"), ("Observation", "bup_screen")):
        read = json.loads(client.get(f"/fhir/R4/{kind}/{record[key]}").content)
        assert by_id[str(record[key])] == read
    assert by_id[str(coverage)] == json.loads(client.get(f"/fhir/R4/Coverage/{coverage}").content)

    written = AuditEvent.objects.get(event_type="fhir.bulk_export_written")
    assert sorted(written.details["participants"]) == sorted(patients)
    downloads = AuditEvent.objects.filter(event_type="fhir.bulk_file_downloaded")
    assert downloads.count() == len(ALL_TYPES)
    assert all(str(world.participant.public_id) in e.details["participants"] for e in downloads)


def test_type_and_since_choose_what_is_written(world, signed_in, run_tasks, record):
    client = signed_in(world.users["director"])
    since = timezone.now()
    later = add_diagnosis(
        world.episode,
        code="F41.1",
        status="provisional",
        made_on=date(2026, 11, 2),
        by=world.therapist,
    )

    manifest = _started(
        client, world, run_tasks, _type="Observation,Condition", _since=since.isoformat()
    )

    assert [o["type"] for o in manifest["output"]] == ["Condition", "Observation"]
    files = {o["type"]: _lines(client, o["url"]) for o in manifest["output"]}
    assert [c["id"] for c in files["Condition"]] == [str(later.public_id)]
    assert files["Observation"] == []
    written = AuditEvent.objects.get(event_type="fhir.bulk_export_written")
    assert written.details["participants"] == [str(world.participant.public_id)]


def test_since_takes_a_drug_screen_result_confirmed_after_it(world, signed_in, run_tasks, record):
    client = signed_in(world.users["director"])
    since = timezone.now()
    cocaine = record["screen"].results.get(analyte__code="COC")
    record_confirmation(cocaine, by=world.therapist, confirmation="positive", now=since)

    manifest = _started(client, world, run_tasks, _type="Observation", _since=since.isoformat())

    [observations] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert [(o["id"], o["status"]) for o in observations] == [(str(cocaine.public_id), "final")]
    assert _labels(observations[0]) == {"R", "ETH", "42CFRPart2"}


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ({"_type": "Practitioner"}, ASYNC),
        ({"_type": ""}, ASYNC),
        ({"_type": "Patient,Group"}, ASYNC),
        ({"_since": "yesterday"}, ASYNC),
        ({"_since": "2026-11-01T00:00:00"}, ASYNC),
        ({"_since": "1800-01-01T00:00:00Z"}, ASYNC),
        ({"_since": ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"]}, ASYNC),
        ({"_outputFormat": "text/csv"}, ASYNC),
        ({"_elements": "id"}, ASYNC),
        ({"patient": "x"}, ASYNC),
        ({}, {}),
        ({}, {"HTTP_PREFER": "return=minimal"}),
    ],
)
def test_bad_parameters_are_a_400_that_writes_nothing(world, signed_in, query, headers):
    client = signed_in(world.users["director"])
    events = AuditEvent.objects.count()

    response = client.get(f"/fhir/R4/Group/{world.program.public_id}/$export", query, **headers)

    assert response.status_code == 400
    outcome = json.loads(response.content)
    resources.MODELS["OperationOutcome"].model_validate(outcome)
    assert outcome["issue"][0]["diagnostics"]
    assert not BulkExport.objects.exists()
    assert AuditEvent.objects.count() == events


NOT_DIRECTORS = tuple(p for p, role in PERSONAS.items() if role != Role.DIRECTOR)


@pytest.mark.parametrize("persona", NOT_DIRECTORS)
def test_other_roles_are_refused_as_if_the_group_did_not_exist(world, signed_in, persona):
    client = signed_in(world.users[persona])
    unknown = client.get(f"/fhir/R4/Group/{uuid4()}/$export", **ASYNC)

    refused = _kick_off(client, world.program)

    assert refused.status_code == unknown.status_code == 404
    assert refused.content == unknown.content
    assert not BulkExport.objects.exists()
    event = AuditEvent.objects.get(event_type="fhir.bulk_export_started")
    assert event.outcome == Outcome.REFUSED
    assert client.get(f"/fhir/R4/Group/{world.program.public_id}").status_code == 404


@pytest.mark.parametrize("persona", ["participant_user", "support"])
def test_accounts_that_are_not_staff_are_refused_by_their_kind(world, signed_in, persona):
    client = signed_in(world.users[persona])

    refused = _kick_off(client, world.program)
    unknown = client.get(f"/fhir/R4/Group/{uuid4()}/$export", **ASYNC)
    status = client.get(f"/fhir/R4/bulk-status/{uuid4()}")

    assert refused.status_code == unknown.status_code == status.status_code == 403
    assert refused.content == unknown.content == status.content
    assert not BulkExport.objects.exists()
    assert not AuditEvent.objects.filter(event_type="fhir.bulk_export_started").exists()
    events = AuditEvent.objects.filter(actor=world.users[persona])
    assert [e.outcome for e in events] == [Outcome.REFUSED] * 3


def test_another_organizations_group_answers_as_an_unknown_one(world, signed_in):
    client = signed_in(world.users["director"])
    elsewhere = world.other_org_participant.episodes.get().program

    refused = _kick_off(client, elsewhere)
    unknown = client.get(f"/fhir/R4/Group/{uuid4()}/$export", **ASYNC)

    assert refused.status_code == 404 and refused.content == unknown.content
    assert (
        client.get(f"/fhir/R4/Group/{elsewhere.public_id}").content
        == client.get(f"/fhir/R4/Group/{uuid4()}").content
    )
    assert not BulkExport.objects.exists()


def test_the_group_is_the_program_and_the_capability_statement_offers_its_export(world, signed_in):
    client = signed_in(world.users["director"])

    group = Group.model_validate(
        json.loads(client.get(f"/fhir/R4/Group/{world.program.public_id}").content)
    )

    assert group.name == world.program.name and group.actual is True
    assert not group.member
    served = {
        r["type"]: r
        for r in json.loads(client.get("/fhir/R4/metadata").content)["rest"][0]["resource"]
    }
    assert served["Group"]["operation"] == [
        {"name": "export", "definition": resources.GROUP_EXPORT}
    ]


def test_only_the_person_who_started_it_reads_its_status_and_files(world, signed_in, run_tasks):
    director = world.users["director"]
    manifest = _started(signed_in(director), world, run_tasks)
    export = BulkExport.objects.get()
    colleague = make_user("second_director")
    Membership.objects.create(user=colleague, organization=world.org, role=Role.DIRECTOR)
    client = signed_in(colleague)

    assert client.get(f"/fhir/R4/bulk-status/{export.public_id}").status_code == 404
    assert client.delete(f"/fhir/R4/bulk-status/{export.public_id}").status_code == 404
    for output in manifest["output"]:
        assert client.get(_path(output["url"])).status_code == 404
    assert not AuditEvent.objects.filter(event_type="fhir.bulk_file_downloaded").exists()


def test_cancelling_stops_the_work_and_drops_the_files(world, signed_in, run_tasks):
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])

    cancelled = client.delete(status_path)
    run_tasks()

    assert cancelled.status_code == 202
    assert client.get(status_path).status_code == 404
    assert not BulkExportFile.objects.exists()
    assert BulkExport.objects.get().status == BulkExport.Status.CANCELLED
    assert AuditEvent.objects.filter(event_type="fhir.bulk_export_cancelled").count() == 1
    assert not AuditEvent.objects.filter(event_type="fhir.bulk_export_written").exists()


def _gone(response) -> None:
    assert response.status_code == 410
    outcome = json.loads(response.content)
    resources.MODELS["OperationOutcome"].model_validate(outcome)
    assert outcome["issue"][0]["code"] == "deleted"


def test_files_are_dropped_when_the_retention_period_ends(world, signed_in, run_tasks, settings):
    settings.TANDEM_FHIR_EXPORT_HOURS = 24
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    run_tasks()
    export = BulkExport.objects.get()
    done = client.get(status_path)
    manifest = json.loads(done.content)
    assert export.finished_at is not None
    assert done["Expires"] == http_date((export.finished_at + timedelta(hours=24)).timestamp())

    assert bulk.expire_exports(export.finished_at + timedelta(hours=23, minutes=59)) == 0
    assert client.get(_path(manifest["output"][0]["url"])).status_code == 200
    with time_machine.travel(export.finished_at + timedelta(hours=23, minutes=59), tick=False):
        assert run_tasks() == 0
    with time_machine.travel(export.finished_at + timedelta(hours=24), tick=False):
        assert run_tasks() == 1
        client = signed_in(world.users["director"])
    downloads = AuditEvent.objects.filter(event_type="fhir.bulk_file_downloaded").count()

    assert BulkExport.objects.get().status == BulkExport.Status.EXPIRED
    assert set(BulkExportFile.objects.values_list("content", flat=True)) == {""}
    assert all(f.participants == [] for f in BulkExportFile.objects.all())
    _gone(client.get(status_path))
    for output in manifest["output"]:
        _gone(client.get(_path(output["url"])))
    assert AuditEvent.objects.filter(event_type="fhir.bulk_file_downloaded").count() == downloads


def test_the_daily_sweep_drops_what_is_past_the_period_and_still_kept(world, signed_in, settings):
    settings.TANDEM_FHIR_EXPORT_HOURS = 24
    client = signed_in(world.users["director"])
    _kick_off(client, world.program)
    export = BulkExport.objects.get()
    client.delete(f"/fhir/R4/bulk-status/{export.public_id}")

    drop_expired_exports.call((export.transaction_time + timedelta(hours=23)).isoformat())
    assert BulkExport.objects.get().status == BulkExport.Status.CANCELLED
    drop_expired_exports.call((export.transaction_time + timedelta(hours=24)).isoformat())

    assert BulkExport.objects.get().status == BulkExport.Status.EXPIRED


def test_files_past_the_retention_period_are_not_served_before_they_are_dropped(
    world, signed_in, run_tasks, settings
):
    settings.TANDEM_FHIR_EXPORT_HOURS = 24
    client = signed_in(world.users["director"])
    manifest = _started(client, world, run_tasks)
    export = BulkExport.objects.get()
    url = _path(manifest["output"][0]["url"])
    finished = export.finished_at
    assert finished is not None

    with time_machine.travel(finished + timedelta(hours=23, minutes=59), tick=False):
        assert signed_in(world.users["director"]).get(url).status_code == 200
    with time_machine.travel(finished + timedelta(hours=24), tick=False):
        client = signed_in(world.users["director"])
        _gone(client.get(url))
        _gone(client.get(f"/fhir/R4/bulk-status/{export.public_id}"))

    assert BulkExport.objects.get().status == BulkExport.Status.DONE
    colleague = make_user("second_director")
    Membership.objects.create(user=colleague, organization=world.org, role=Role.DIRECTOR)
    assert signed_in(colleague).get(url).status_code == 404


class Killed(BaseException):
    """The worker's process ending mid-run: nothing of ours catches it, as with a kill."""


def _clock_dying_at(start, *, step: timedelta, calls: int):
    """A clock that moves `step` on each reading and kills the run at reading `calls`."""
    read = []

    def clock():
        read.append(1)
        if len(read) >= calls:
            raise Killed
        return start + step * (len(read) - 1)

    return clock


def test_an_export_whose_worker_died_answers_failed_and_a_new_one_runs(world, signed_in, run_tasks):
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    export = BulkExport.objects.get()
    started = export.transaction_time

    with pytest.raises(Killed):
        bulk.write_export(export.pk, clock=_clock_dying_at(started, step=timedelta(0), calls=4))
    died = BulkExport.objects.get()
    assert died.status == BulkExport.Status.RUNNING and BulkExportFile.objects.count() == 2

    with time_machine.travel(started + bulk.STALLED_AFTER - timedelta(seconds=1), tick=False):
        assert signed_in(world.users["director"]).get(status_path).status_code == 202
    with time_machine.travel(started + bulk.STALLED_AFTER, tick=False):
        client = signed_in(world.users["director"])
        failed = client.get(status_path)
        assert failed.status_code == 500
        outcome = json.loads(failed.content)
        resources.MODELS["OperationOutcome"].model_validate(outcome)
        assert outcome["issue"][0]["diagnostics"] == bulk.STALLED
        assert _kick_off(client, world.program).status_code == 202

    drop_expired_exports.call((started + bulk.STALLED_AFTER).isoformat())

    assert BulkExport.objects.get(pk=export.pk).status == BulkExport.Status.FAILED
    assert not BulkExportFile.objects.filter(export=export).exists()
    run_tasks()
    again = BulkExport.objects.exclude(pk=export.pk).get()
    assert again.status == BulkExport.Status.DONE
    assert client.get(f"/fhir/R4/bulk-status/{again.public_id}").status_code == 200
    assert AuditEvent.objects.filter(event_type="fhir.bulk_export_written").count() == 1


def test_a_run_that_stopped_moving_past_the_bound_gives_up_and_keeps_nothing(world, signed_in):
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    export = BulkExport.objects.get()
    readings = iter([export.transaction_time, export.transaction_time + bulk.STALLED_AFTER * 2])

    bulk.write_export(export.pk, clock=lambda: next(readings))

    assert not BulkExportFile.objects.exists()
    assert not AuditEvent.objects.filter(event_type="fhir.bulk_export_written").exists()
    with time_machine.travel(export.transaction_time + bulk.STALLED_AFTER * 2, tick=False):
        assert signed_in(world.users["director"]).get(status_path).status_code == 500
        bulk.fail_stalled(timezone.now())
    assert BulkExport.objects.get().status == BulkExport.Status.FAILED


def test_an_export_whose_task_never_ran_answers_failed_and_is_not_started_late(
    world, signed_in, run_tasks
):
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    export = BulkExport.objects.get()

    with time_machine.travel(export.transaction_time + bulk.STALLED_AFTER, tick=False):
        assert signed_in(world.users["director"]).get(status_path).status_code == 500
        run_tasks()

    assert BulkExport.objects.get().status == BulkExport.Status.QUEUED
    assert not BulkExportFile.objects.exists()
    assert bulk.fail_stalled(export.transaction_time + bulk.STALLED_AFTER) == 1
    assert BulkExport.objects.get().status == BulkExport.Status.FAILED


def _errors(client, manifest) -> list[dict]:
    assert [e["type"] for e in manifest["error"]] == ["OperationOutcome"]
    lines = _lines(client, manifest["error"][0]["url"])
    assert manifest["error"][0]["count"] == len(lines)
    return lines


def _names(world, participant: Participant) -> list[str]:
    return [
        str(participant.public_id),
        participant.legal_first_name,
        participant.legal_last_name,
        participant.record_number,
    ]


def test_a_record_that_cannot_be_built_is_left_out_and_said(world, signed_in, run_tasks):
    Participant.objects.filter(pk=world.referral.pk).update(record_number="")
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks)

    patients = _lines(client, manifest["output"][0]["url"])
    assert [p["id"] for p in patients] == [str(world.participant.public_id)]
    assert manifest["output"][0]["count"] == 1
    errors = _errors(client, manifest)
    assert [(e["issue"][0]["severity"], e["issue"][0]["diagnostics"]) for e in errors] == [
        ("error", "Patient: 1 record was left out: it could not be built as FHIR.")
    ]
    text = json.dumps(errors)
    assert not any(name and name in text for name in _names(world, world.referral))
    assert BulkExport.objects.get().status == BulkExport.Status.DONE


def test_an_export_whose_director_lost_the_role_fails_and_writes_nothing(
    world, signed_in, run_tasks
):
    director = world.users["director"]
    client = signed_in(director)
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    Membership.objects.filter(user=director).update(role=Role.SUPERVISOR)

    run_tasks()

    assert BulkExport.objects.get().status == BulkExport.Status.FAILED
    assert not BulkExportFile.objects.exists()
    assert not AuditEvent.objects.filter(event_type="fhir.bulk_export_written").exists()
    assert client.get(status_path).status_code == 404


def test_a_failed_export_answers_500_with_an_operation_outcome(world, signed_in):
    client = signed_in(world.users["director"])
    status_path = _path(_kick_off(client, world.program)["Content-Location"])
    BulkExport.objects.update(status=BulkExport.Status.RUNNING)

    bulk.mark_failed(BulkExport.objects.get().pk, "The export could not be written.")
    response = client.get(status_path)

    assert response.status_code == 500
    outcome = json.loads(response.content)
    resources.MODELS["OperationOutcome"].model_validate(outcome)
    assert outcome["issue"][0]["diagnostics"] == "The export could not be written."
