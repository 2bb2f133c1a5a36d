"""The FHIR Bulk Data export of a program's participants (`Group/{id}/$export`, docs/fhir.md).

A program is a Group. Starting an export takes the program capability `fhir.bulk_export`;
the work runs as a django-tasks task that decides each participant with the access policy
for the scope of each type asked (the batch form, `decide_many`), maps them with the same
functions and the same rows the reads and searches serve, and writes one NDJSON file per
type. The files go to the person who started it alone and are dropped after
`TANDEM_FHIR_EXPORT_HOURS`.
"""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import Program
from audit.models import Action
from audit.services import record_event
from fhirapi import resources
from fhirapi.models import BulkExport, BulkExportFile
from fhirapi.views import _administrations, _consents, _diagnoses, _episodes, _medications
from participants.access import Scope, capability_decision, decide_many, require_capability
from participants.models import Participant
from tandem.errors import InvalidInput
from tandem.tasks import enqueue_after_commit

CAPABILITY = "fhir.bulk_export"
NDJSON = "application/fhir+ndjson"
# The types an export writes, in the order it writes them, with the scope each is read under
# (as its read and search are).
SCOPES: dict[str, Scope] = {
    "Patient": Scope.DEMOGRAPHICS,
    "EpisodeOfCare": Scope.DEMOGRAPHICS,
    "Condition": Scope.CLINICAL,
    "Observation": Scope.CLINICAL,
    "MedicationStatement": Scope.CLINICAL,
    "Consent": Scope.CLINICAL,
}
OUTPUT_FORMATS = frozenset({NDJSON, "application/ndjson", "ndjson"})
PARAMETERS = frozenset({"_type", "_since", "_outputFormat"})
REFUSAL = "No Group with that id is available to you."


def parse_types(values: list[str]) -> list[str]:
    """The `_type` values (comma-separated, repeatable) in the server's order; all supported
    types when none is given. An unsupported one is refused by name."""
    asked = {t.strip() for value in values for t in value.split(",")}
    if not values:
        return list(SCOPES)
    unknown = sorted(asked - set(SCOPES))
    if unknown:
        shown = unknown[0][:40] or "(empty)"
        raise InvalidInput(f"_type: {shown} is not exported here; choose from {', '.join(SCOPES)}.")
    return [t for t in SCOPES if t in asked]


def parse_since(values: list[str]) -> datetime | None:
    """`_since` as a FHIR instant (date, time and zone), or None when not given."""
    if not values:
        return None
    message = "_since: give one instant with its time zone, like 2026-11-01T00:00:00Z."
    if len(values) != 1:
        raise InvalidInput(message)
    try:
        since = datetime.fromisoformat(values[0].strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(message) from None
    if since.tzinfo is None or not 1900 <= since.year <= 2199:
        raise InvalidInput(message)
    return since


def may_export(user: Any, program: Program) -> bool:
    """Whether this person may export the program (and so read its Group)."""
    return capability_decision(user, CAPABILITY, program.organization_id).allowed


def start_export(
    *,
    by: Any,
    program: Program,
    types: list[str],
    since: datetime | None,
    request_url: str,
    now: datetime,
) -> BulkExport:
    """Record the export and queue its work. Refused (audited) without the capability; one
    event names the kick-off, the participants are named once their data is written."""
    decision = require_capability(
        by, CAPABILITY, [program.organization_id], event_type="fhir.bulk_export_started"
    )
    with transaction.atomic():
        export = BulkExport.objects.create(
            program=program,
            requested_by=by,
            request_url=request_url[:500],
            types=types,
            since=since,
            transaction_time=now,
        )
        record_event(
            actor=by,
            event_type="fhir.bulk_export_started",
            decision=decision,
            organization=program.organization,
            record=export,
            details={
                "group": str(program.public_id),
                "types": types,
                "since": since.isoformat() if since else "",
            },
        )
        enqueue_after_commit("fhirapi.tasks.run_bulk_export", export.pk)
    return export


def cancel_export(export: BulkExport, *, by: Any) -> None:
    """Stop the work (a running task stops before its next type) and drop the files."""
    with transaction.atomic():
        BulkExport.objects.filter(pk=export.pk).update(
            status=BulkExport.Status.CANCELLED, message="Cancelled by the person who started it."
        )
        export.files.all().delete()
        record_event(
            actor=by,
            event_type="fhir.bulk_export_cancelled",
            organization=export.program.organization,
            record=export,
        )


def _changed_since(rows: QuerySet[Any], since: datetime | None) -> QuerySet[Any]:
    return rows if since is None else rows.filter(modified_at__gt=since)


def _rows(
    kind: str, people: dict[int, Participant], since: datetime | None, today: date
) -> list[dict[str, Any]]:
    """The resources of one type for these participants: the rows each search serves,
    mapped by the functions the reads use."""
    if kind == "Patient":
        chosen = [p for p in people.values() if since is None or p.modified_at > since]
        return [resources.patient(p) for p in chosen]
    mapping: dict[str, tuple[QuerySet[Any], Callable[[Any], dict[str, Any]]]] = {
        "EpisodeOfCare": (_changed_since(_episodes(), since), resources.episode_of_care),
        "Condition": (_changed_since(_diagnoses(), since), resources.condition),
        "Observation": (_changed_since(_administrations(), since), resources.observation),
        "MedicationStatement": (
            _changed_since(_medications(), since),
            lambda m: resources.medication_statement(m, today),
        ),
        "Consent": (
            _consents()
            if since is None
            else _consents().filter(Q(modified_at__gt=since) | Q(revocation__created_at__gt=since)),
            lambda c: resources.consent(c, today),
        ),
    }
    rows, mapped = mapping[kind]
    found = list(rows.filter(participant__in=list(people)).order_by("participant_id", "pk"))
    for row in found:
        row.participant = people[row.participant_id]
    return [mapped(row) for row in found]


def _still_wanted(export: BulkExport) -> bool:
    return BulkExport.objects.filter(pk=export.pk, status=BulkExport.Status.RUNNING).exists()


def write_export(export_id: int, *, now: datetime) -> None:
    """Do the export's work: decide everyone, write a file per type, mark progress on the
    record, and name in one event every participant whose data went into the files."""
    claimed = BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.QUEUED).update(
        status=BulkExport.Status.RUNNING
    )
    if not claimed:
        return
    export = BulkExport.objects.select_related("program__organization", "requested_by").get(
        pk=export_id
    )
    user, program = export.requested_by, export.program
    if not may_export(user, program):
        _fail(export, "The person who started this export may no longer export this program.")
        return
    everyone = list(Participant.objects.filter(episodes__program=program).distinct().order_by("pk"))
    allowed: dict[Scope, set[int]] = {}
    for scope in {SCOPES[kind] for kind in export.types}:
        decisions = decide_many(user, everyone, Action.EXPORT, scope)
        allowed[scope] = {pk for pk, decision in decisions.items() if decision.allowed}
    today = program.today(now)
    written: set[int] = set()
    for done, kind in enumerate(export.types, start=1):
        if not _still_wanted(export):
            export.files.all().delete()
            return
        people = {p.pk: p for p in everyone if p.pk in allowed[SCOPES[kind]]}
        lines = _rows(kind, people, export.since, today)
        pks = {str(p.public_id): pk for pk, p in people.items()}
        subjects = sorted({pks[_subject(line)] for line in lines})
        with transaction.atomic():
            BulkExportFile.objects.create(
                export=export,
                resource_type=kind,
                content="".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines),
                count=len(lines),
                participants=subjects,
            )
            BulkExport.objects.filter(pk=export.pk).update(progress=done / len(export.types))
        written.update(subjects)
    with transaction.atomic():
        finished = BulkExport.objects.filter(pk=export.pk, status=BulkExport.Status.RUNNING).update(
            status=BulkExport.Status.DONE, progress=1.0, finished_at=now
        )
        if not finished:
            export.files.all().delete()
            return
        record_event(
            actor=user,
            event_type="fhir.bulk_export_written",
            organization=program.organization,
            record=export,
            details={"group": str(program.public_id), "types": export.types},
            listed=[p for p in everyone if p.pk in written],
        )


def _subject(resource: dict[str, Any]) -> str:
    """The public id of the participant a resource is about (the Patient, or its reference)."""
    if resource["resourceType"] == "Patient":
        return str(resource["id"])
    reference = resource.get("subject") or resource["patient"]
    return str(reference["reference"]).removeprefix("Patient/")


def _fail(export: BulkExport, message: str) -> None:
    mark_failed(export.pk, message)


def mark_failed(export_id: int, message: str) -> None:
    """End a running export as failed (its status address then answers 500) and drop what
    it wrote; the message carries no participant's data."""
    with transaction.atomic():
        BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.RUNNING).update(
            status=BulkExport.Status.FAILED, message=message
        )
        BulkExportFile.objects.filter(export_id=export_id).delete()


def downloaded(export_file: BulkExportFile, *, by: Any) -> None:
    """Audit a file handed to the person who started the export, naming everyone in it."""
    record_event(
        actor=by,
        event_type="fhir.bulk_file_downloaded",
        organization=export_file.export.program.organization,
        record=export_file,
        details={"type": export_file.resource_type},
        listed=list(Participant.objects.filter(pk__in=export_file.participants)),
    )


def retention() -> timedelta:
    return timedelta(hours=settings.TANDEM_FHIR_EXPORT_HOURS)


def expire_exports(now: datetime) -> int:
    """Drop the files of every export finished more than the retention period before `now`;
    the record stays, marked expired. Returns how many exports expired."""
    ended = (BulkExport.Status.DONE, BulkExport.Status.FAILED, BulkExport.Status.CANCELLED)
    due = list(
        BulkExport.objects.filter(status__in=ended)
        .filter(Q(finished_at__lte=now - retention()) | Q(finished_at__isnull=True))
        .filter(transaction_time__lte=now - retention())
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        BulkExportFile.objects.filter(export__in=due).delete()
        BulkExport.objects.filter(pk__in=due).update(status=BulkExport.Status.EXPIRED)
    return len(due)
