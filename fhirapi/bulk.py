"""The FHIR Bulk Data export of a program's participants (`Group/{id}/$export`, docs/fhir.md).

A program is a Group. Starting an export takes the program capability `fhir.bulk_export`;
the work runs as a django-tasks task that decides each participant with the access policy
for the scope of each type asked (the batch form, `decide_many`), maps them with the same
functions and the same rows the reads and searches serve, and writes one NDJSON file per
type. Only the program's directors may export, and a director reaches every record of their
organization, whose participants alone are in its programs, so the policy leaves no one out;
what is left out of what was asked (a record that could not be built) is said, as counts, in
an OperationOutcome file the manifest lists under `error`. The files go to the person who started it alone and are dropped after
`TANDEM_FHIR_EXPORT_HOURS`; an export whose work stopped moving for `STALLED_AFTER` is failed.
"""

import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from pydantic import ValidationError

from accounts.models import Program
from audit.models import Action
from audit.services import record_event
from billing.selectors import payers_named
from fhirapi import resources
from fhirapi.encounters import encounter, encounter_rows_since
from fhirapi.models import BulkExport, BulkExportFile
from fhirapi.views import (
    _administrations,
    _care_plans,
    _care_teams,
    _consents,
    _coverages,
    _diagnoses,
    _episodes,
    _goals,
    _medications,
    _screen_results,
    _screens,
)
from participants.access import Scope, capability_decision, decide_many, require_capability
from participants.models import CareTeamMember, Participant
from plans.models import Problem, TreatmentPlan
from screens.models import ScreenResult
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
    "DiagnosticReport": Scope.CLINICAL,
    "CarePlan": Scope.CLINICAL,
    "Goal": Scope.CLINICAL,
    "CareTeam": Scope.CLINICAL,
    "MedicationStatement": Scope.CLINICAL,
    "Consent": Scope.CLINICAL,
    "Encounter": Scope.SCHEDULE,
    "Coverage": Scope.BILLING,
}
OUTPUT_FORMATS = frozenset({NDJSON, "application/ndjson", "ndjson"})
PARAMETERS = frozenset({"_type", "_since", "_outputFormat"})
REFUSAL = "No Group with that id is available to you."
# The type of the files listed under the manifest's `error`, kept beside the output files.
ERRORS = "OperationOutcome"
# An export whose work has not moved for this long is taken as dead (its worker was killed):
# a step writes one type's file for one program (seconds, even for hundreds of participants),
# and a queued export waits only behind the queue's other short tasks. Half an hour is far
# beyond both, so a live export is never failed, and a client polling every few seconds learns
# of a dead one within it rather than never.
STALLED_AFTER = timedelta(minutes=30)
STALLED = "The export stopped before it finished and will not go on. Please start it again."

logger = logging.getLogger(__name__)


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


def _alive(now: datetime) -> Q:
    """Exports whose work moved less than `STALLED_AFTER` before `now` (the kick-off counts)."""
    since = now - STALLED_AFTER
    return Q(progressed_at__gt=since) | Q(progressed_at__isnull=True, transaction_time__gt=since)


def has_stalled(export: BulkExport, now: datetime) -> bool:
    """Whether an export still marked queued or running has not moved for `STALLED_AFTER`:
    its status address answers it as failed, whether or not the sweep has marked it yet."""
    moved = export.progressed_at or export.transaction_time
    return export.is_running() and moved <= now - STALLED_AFTER


def fail_stalled(now: datetime) -> int:
    """Mark every export that stopped moving as failed and drop what it wrote. Each write of a
    live run moves it under the same condition, so a run and this sweep never both win:
    PostgreSQL re-checks the condition on the row a running step has just updated."""
    running = Q(status__in=(BulkExport.Status.QUEUED, BulkExport.Status.RUNNING))
    dead = list(
        BulkExport.objects.filter(running).exclude(_alive(now)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        failed = (
            BulkExport.objects.filter(running, pk__in=dead)
            .exclude(_alive(now))
            .update(status=BulkExport.Status.FAILED, message=STALLED, finished_at=now)
        )
        BulkExportFile.objects.filter(
            export__in=dead, export__status=BulkExport.Status.FAILED
        ).delete()
    return failed


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
            progressed_at=now,
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


def _screens_since(since: datetime | None) -> QuerySet[Any]:
    """The screens whose report changed after `since`: the screen's record, or one of its
    results (sent for or given its confirmation), changed after it."""
    if since is None:
        return _screens()
    result_changed = ScreenResult.objects.filter(screen=OuterRef("pk"), modified_at__gt=since)
    return _screens().filter(Q(modified_at__gt=since) | Exists(result_changed))


def _care_teams_since(since: datetime | None) -> QuerySet[Any]:
    """The care teams that changed after `since`: the stay's record (its status and dates
    are the team's), or a place on it added, changed or ended after it (a new place's
    `modified_at` is its creation; `ended_at` too: a place ended before its end also stamped
    `modified_at` has only that)."""
    if since is None:
        return _care_teams()
    changed = CareTeamMember.objects.filter(
        Q(modified_at__gt=since) | Q(ended_at__gt=since), episode=OuterRef("pk")
    )
    return _care_teams().filter(Q(modified_at__gt=since) | Exists(changed))


def _plans_since(rows: QuerySet[Any], since: datetime | None, to_plan: str) -> QuerySet[Any]:
    """The rows (plan versions, or goals: `to_plan` is the path to their version) whose
    resource changed after `since`: the version's record, its stay (a stay that ended
    completes its plan), a signed version of the same stay signed or withdrawn after it
    (which supersedes the version, or gives it back its place), or a diagnosis one of the
    version's problems names (one entered in error is no longer addressed)."""
    if since is None:
        return rows
    newer = TreatmentPlan.objects.filter(
        Q(signed_at__gt=since) | Q(modified_at__gt=since),
        episode=OuterRef(f"{to_plan}episode"),
        signed_at__isnull=False,
    )
    named = Problem.objects.filter(plan=OuterRef(f"{to_plan}pk"), diagnoses__modified_at__gt=since)
    return rows.filter(
        Q(**{f"{to_plan}modified_at__gt": since})
        | Q(**{f"{to_plan}episode__modified_at__gt": since})
        | Exists(newer)
        | Exists(named)
    )


def _rows(
    kind: str, people: dict[int, Participant], since: datetime | None, today: date, now: datetime
) -> tuple[list[dict[str, Any]], int]:
    """The resources of one type for these participants: the rows each search serves,
    mapped by the functions the reads use (Observation: the instruments' results, then the
    drug screens'; DiagnosticReport: the drug screens; CarePlan and Goal: the signed plan
    versions and their goals; CareTeam: every stay's team; Encounter: the enrolments, each
    one's status as of `now`, the run's start; Consent: with the payers each names, read in
    one query; Coverage: every coverage, those entered in error too); and how many rows
    could not be built, left out."""
    if kind == "Patient":
        chosen = [p for p in people.values() if since is None or p.modified_at > since]
        return _built(kind, chosen, resources.patient)
    if kind == "Goal":
        goals = list(
            _plans_since(_goals(), since, "plan__")
            .filter(plan__participant__in=list(people))
            .order_by("plan__participant_id", "pk")
        )
        for g in goals:
            g.plan.participant = people[g.plan.participant_id]
        return _built(kind, goals, lambda g: resources.goal(g, g.newest))
    if kind == "Consent":
        rows = (
            _consents()
            if since is None
            else _consents().filter(Q(modified_at__gt=since) | Q(revocation__created_at__gt=since))
        )
        consents = list(rows.filter(participant__in=list(people)).order_by("participant_id", "pk"))
        for c in consents:
            c.participant = people[c.participant_id]
        named = payers_named([c.pk for c in consents])
        return _built(kind, consents, lambda c: resources.consent(c, today, named.get(c.pk, [])))
    mapping: dict[str, tuple[QuerySet[Any], Callable[[Any], dict[str, Any]]]] = {
        "EpisodeOfCare": (_changed_since(_episodes(), since), resources.episode_of_care),
        "Condition": (_changed_since(_diagnoses(), since), resources.condition),
        "Observation": (_changed_since(_administrations(), since), resources.observation),
        "DiagnosticReport": (_screens_since(since), resources.screen_report),
        "CarePlan": (
            _plans_since(_care_plans(), since, ""),
            lambda p: resources.care_plan(p, p.newest),
        ),
        "CareTeam": (_care_teams_since(since), resources.care_team),
        "MedicationStatement": (
            _changed_since(_medications(), since),
            lambda m: resources.medication_statement(m, today),
        ),
        "Encounter": (
            encounter_rows_since(since, now),
            lambda e: encounter(e, now),
        ),
        "Coverage": (_changed_since(_coverages(), since), resources.coverage),
    }
    rows, mapped = mapping[kind]
    found = list(rows.filter(participant__in=list(people)).order_by("participant_id", "pk"))
    for row in found:
        row.participant = people[row.participant_id]
    lines, failed = _built(kind, found, mapped)
    if kind == "Observation":
        screened = list(
            _changed_since(_screen_results(), since)
            .filter(screen__participant__in=list(people))
            .order_by("screen__participant_id", "pk")
        )
        for result in screened:
            result.screen.participant = people[result.screen.participant_id]
        more, more_failed = _built(kind, screened, resources.screen_observation)
        lines, failed = lines + more, failed + more_failed
    return lines, failed


def _built(
    kind: str, rows: list[Any], mapped: Callable[[Any], dict[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """Map each row; one the mapping refuses (a value its FHIR model rejects) is left out and
    counted, the rest still go. The log names the row's key and the error's kind only: a
    model's message may quote the value."""
    lines, failed = [], 0
    for row in rows:
        try:
            lines.append(mapped(row))
        except ValidationError as error:
            failed += 1
            logger.warning(
                "A %s could not be built for a bulk export (row %s): %s",
                kind,
                row.pk,
                type(error).__name__,
            )
    return lines, failed


def _issue(severity: str, code: str, text: str) -> str:
    outcome = resources.validated(
        {
            "resourceType": ERRORS,
            "issue": [{"severity": severity, "code": code, "diagnostics": text}],
        }
    )
    return json.dumps(outcome, separators=(",", ":")) + "\n"


def _left_out(kind: str, failed: int) -> list[str]:
    """The OperationOutcome line saying what one type's file leaves out: a count and why,
    never which rows."""
    if not failed:
        return []
    records = "record was left out: it" if failed == 1 else "records were left out: they"
    return [
        _issue(
            "error",
            "processing",
            f"{kind}: {failed} {records} could not be built as FHIR.",
        )
    ]


def write_export(export_id: int, *, clock: Callable[[], datetime]) -> None:
    """Do the export's work: decide everyone, write a file per type (and one saying what was
    left out), and name in one event every participant whose data went into the files.

    Each file is written with the record's progress, and only while the export is still
    running and alive (`_alive`, as of `clock()`): a cancelled export, or one failed as dead
    meanwhile, stops and drops what it wrote."""
    now = clock()
    claimed = BulkExport.objects.filter(
        _alive(now), pk=export_id, status=BulkExport.Status.QUEUED
    ).update(status=BulkExport.Status.RUNNING, progressed_at=now)
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
    left_out: list[str] = []
    for done, kind in enumerate(export.types, start=1):
        people = {p.pk: p for p in everyone if p.pk in allowed[SCOPES[kind]]}
        lines, failed = _rows(kind, people, export.since, today, now)
        left_out += _left_out(kind, failed)
        pks = {str(p.public_id): pk for pk, p in people.items()}
        subjects = sorted({pks[_subject(line)] for line in lines})
        with transaction.atomic():
            if not _moved(export, clock(), progress=done / len(export.types)):
                break
            BulkExportFile.objects.create(
                export=export,
                resource_type=kind,
                content="".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines),
                count=len(lines),
                participants=subjects,
            )
        written.update(subjects)
    else:
        if _finish(export, user, clock(), left_out, [p for p in everyone if p.pk in written]):
            return
    BulkExportFile.objects.filter(export=export).delete()


def _moved(export: BulkExport, now: datetime, *, progress: float) -> bool:
    """Record a step's progress if the export is still running and alive; False stops it."""
    return bool(
        BulkExport.objects.filter(
            _alive(now), pk=export.pk, status=BulkExport.Status.RUNNING
        ).update(progress=progress, progressed_at=now)
    )


def _finish(
    export: BulkExport,
    user: Any,
    now: datetime,
    left_out: list[str],
    listed: list[Participant],
) -> bool:
    """Mark the export done with its error file, and audit whom it wrote; False when it was
    stopped meanwhile."""
    program = export.program
    with transaction.atomic():
        finished = BulkExport.objects.filter(
            _alive(now), pk=export.pk, status=BulkExport.Status.RUNNING
        ).update(status=BulkExport.Status.DONE, progress=1.0, progressed_at=now, finished_at=now)
        if not finished:
            return False
        if left_out:
            BulkExportFile.objects.create(
                export=export,
                resource_type=ERRORS,
                content="".join(left_out),
                count=len(left_out),
                participants=[],
            )
        enqueue_after_commit(
            "fhirapi.tasks.drop_export_files", export.pk, run_after=now + retention()
        )
        record_event(
            actor=user,
            event_type="fhir.bulk_export_written",
            organization=program.organization,
            record=export,
            details={"group": str(program.public_id), "types": export.types},
            listed=listed,
        )
    return True


def _subject(resource: dict[str, Any]) -> str:
    """The public id of the participant a resource is about (the Patient, or its reference)."""
    if resource["resourceType"] == "Patient":
        return str(resource["id"])
    reference = resource.get("subject") or resource.get("beneficiary") or resource["patient"]
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


def expires_at(export: BulkExport) -> datetime | None:
    """When a finished export's files stop being served (the manifest's `Expires`)."""
    return export.finished_at + retention() if export.finished_at else None


def has_expired(export: BulkExport, now: datetime) -> bool:
    """Whether an export's files are gone: expired by the sweep, or finished more than the
    retention period before `now` and not swept yet (served by no address either way)."""
    if export.status == BulkExport.Status.EXPIRED:
        return True
    ends = expires_at(export)
    return export.is_done() and ends is not None and ends <= now


def expire_exports(now: datetime, *, export_id: int | None = None) -> int:
    """Drop the files of every export finished more than the retention period before `now`;
    the record stays, marked expired, and so does each file's row, emptied, so the person who
    started it is told its files are gone (410) rather than that they never were. With
    `export_id`, that export alone. Returns how many exports expired."""
    ended = (BulkExport.Status.DONE, BulkExport.Status.FAILED, BulkExport.Status.CANCELLED)
    exports = (
        BulkExport.objects.all() if export_id is None else BulkExport.objects.filter(pk=export_id)
    )
    due = list(
        exports.filter(status__in=ended)
        .filter(Q(finished_at__lte=now - retention()) | Q(finished_at__isnull=True))
        .filter(transaction_time__lte=now - retention())
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        BulkExportFile.objects.filter(export__in=due).update(content="", participants=[])
        BulkExport.objects.filter(pk__in=due).update(status=BulkExport.Status.EXPIRED)
    return len(due)
