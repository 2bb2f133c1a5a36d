"""The Bulk Data endpoints: the Group read, `Group/{id}/$export`, the export's status address
and its files (docs/fhir.md, "Bulk export").

Signed in as the rest of the FHIR API, an account that is not staff's refused by its kind
(403, audited) before anything is looked up. A Group that is unknown and one the person may not
export answer alike, 404 with the same OperationOutcome; an export's status and files answer
only the person who started it, and 404 to anyone else. To that person, an export that died
answers as failed (500) and one whose files were dropped after the retention period answers
410 Gone, at its status address and at each file.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from accounts.models import Program
from audit.models import Action, Outcome
from audit.services import record_event
from fhirapi import bulk, resources
from fhirapi.models import BulkExport, BulkExportFile
from fhirapi.views import STAFF_ONLY, _answer, _outcome, fhir_read
from participants.access import Scope, uses_staff_pages
from participants.audit_events import access_event_type
from tandem.errors import AccessDenied, InvalidInput
from tandem.fields import public_id as read_public_id

NO_EXPORT = "No export with that id is available to you."
GONE = (
    "This export's files were deleted at the end of their retention period and are no longer "
    "available. Start a new export."
)


def _program(raw: str) -> Program | None:
    public_id = read_public_id(raw)
    if public_id is None:
        return None
    return Program.objects.select_related("organization").filter(public_id=public_id).first()


def _no_group() -> HttpResponse:
    return _outcome(404, "not-found", bulk.REFUSAL)


@fhir_read
def group(request: HttpRequest, group_id: str) -> HttpResponse:
    """`GET Group/{id}`: the program, to those who may export it (no member is listed)."""
    program = _program(group_id)
    if program is None or not bulk.may_export(request.user, program):
        return _no_group()
    return _answer(resources.group(program))


@fhir_read
def group_export(request: HttpRequest, group_id: str) -> HttpResponse:
    """`GET Group/{id}/$export` with `Prefer: respond-async`: 202 and the status address in
    `Content-Location`. Its parameters are checked before anything is looked up or written."""
    unknown = set(request.GET) - bulk.PARAMETERS
    if unknown:
        return _outcome(400, "not-supported", f"Unsupported parameter: {sorted(unknown)[0][:40]}.")
    if "respond-async" not in request.headers.get("Prefer", ""):
        return _outcome(400, "required", "Send the header Prefer: respond-async.")
    formats = request.GET.getlist("_outputFormat")
    if any(f not in bulk.OUTPUT_FORMATS for f in formats):
        return _outcome(400, "not-supported", f"_outputFormat: only {bulk.NDJSON} is written.")
    try:
        types = bulk.parse_types(request.GET.getlist("_type"))
        since = bulk.parse_since(request.GET.getlist("_since"))
    except InvalidInput as error:
        return _outcome(400, "invalid", str(error))
    program = _program(group_id)
    if program is None:
        return _no_group()
    try:
        export = bulk.start_export(
            by=request.user,
            program=program,
            types=types,
            since=since,
            request_url=request.build_absolute_uri(),
            now=timezone.now(),
        )
    except AccessDenied:
        return _no_group()
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:bulk_status", args=[export.public_id])
    )
    return response


def _own_export(request: HttpRequest, raw: str) -> BulkExport | None:
    public_id = read_public_id(raw)
    if public_id is None:
        return None
    export = (
        BulkExport.objects.select_related("program__organization")
        .filter(public_id=public_id, requested_by_id=request.user.pk)
        .exclude(status=BulkExport.Status.CANCELLED)
        .first()
    )
    if export is None or not bulk.may_export(request.user, export.program):
        return None
    return export


def _gone() -> HttpResponse:
    return _outcome(410, "deleted", GONE)


def _manifest(request: HttpRequest, export: BulkExport) -> dict[str, Any]:
    def item(f: BulkExportFile) -> dict[str, Any]:
        return {
            "type": f.resource_type,
            "url": request.build_absolute_uri(reverse("fhir:bulk_file", args=[f.public_id])),
            "count": f.count,
        }

    files = list(export.files.order_by("pk"))
    return {
        "transactionTime": export.transaction_time.isoformat(),
        "request": export.request_url,
        "requiresAccessToken": True,
        "output": [item(f) for f in files if f.resource_type != bulk.ERRORS],
        "error": [item(f) for f in files if f.resource_type == bulk.ERRORS],
    }


@require_http_methods(["GET", "HEAD", "DELETE"])
def bulk_status(request: HttpRequest, export_id: str) -> HttpResponse:
    """The status address: 202 with `X-Progress` while the work runs, 200 with the
    completion manifest (and `Expires`, when its files go) when done, 500 with an
    OperationOutcome when it failed or its work died, 410 once its files are gone; DELETE
    cancels it and drops its files (202)."""
    if not request.user.is_authenticated:
        return _outcome(401, "login", "Sign in first.")
    if not uses_staff_pages(request.user):
        # Refused by its kind, as `fhir_read` refuses one on every other FHIR address.
        record_event(
            actor=request.user,
            event_type="fhir.bulk_export_cancelled"
            if request.method == "DELETE"
            else access_event_type(Action.VIEW, Scope.DEMOGRAPHICS),
            outcome=Outcome.REFUSED,
            details={"api": True, "fhir": "bulk-status", "why": "staff API"},
        )
        return _outcome(403, "forbidden", STAFF_ONLY)
    export = _own_export(request, export_id)
    if export is None:
        return _outcome(404, "not-found", NO_EXPORT)
    if request.method == "DELETE":
        bulk.cancel_export(export, by=request.user)
        return HttpResponse(status=202)
    now = timezone.now()
    if bulk.has_expired(export, now):
        return _gone()
    if bulk.has_stalled(export, now):
        return _outcome(500, "exception", bulk.STALLED)
    if export.is_running():
        response = HttpResponse(status=202)
        response["X-Progress"] = f"{round(export.progress * 100)}% of the types written"
        response["Retry-After"] = "5"
        return response
    if export.is_failed():
        return _outcome(500, "exception", export.message or "The export could not be written.")
    response = HttpResponse(
        json.dumps(_manifest(request, export)), content_type="application/json", status=200
    )
    expires = bulk.expires_at(export)
    if expires is not None:
        response["Expires"] = http_date(expires.timestamp())
    return response


@fhir_read
def bulk_file(request: HttpRequest, file_id: str) -> HttpResponse:
    """One NDJSON file of a finished export (an output or an error file), to the person who
    started it; audited with every participant in it. 410 once the files are gone."""
    public_id = read_public_id(file_id)
    found = (
        BulkExportFile.objects.select_related("export__program__organization")
        .filter(
            public_id=public_id,
            export__requested_by_id=request.user.pk,
            export__status__in=(BulkExport.Status.DONE, BulkExport.Status.EXPIRED),
        )
        .first()
        if public_id
        else None
    )
    if found is None or not bulk.may_export(request.user, found.export.program):
        return _outcome(404, "not-found", "No file with that id is available to you.")
    if bulk.has_expired(found.export, timezone.now()):
        return _gone()
    bulk.downloaded(found, by=request.user)
    return HttpResponse(found.content, content_type=bulk.NDJSON)
