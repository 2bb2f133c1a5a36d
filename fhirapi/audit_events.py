"""Audit event types of the FHIR API's staff reads and of its bulk export (docs/fhir.md)."""

from audit.event_types import register
from audit.models import Action

register(
    "fhir.bulk_export_started",
    Action.EXPORT,
    "started a FHIR bulk export of a program",
    "start a FHIR bulk export of a program",
)
register(
    "fhir.bulk_export_written",
    Action.EXPORT,
    "exported participants' records into FHIR bulk export files",
    "export participants' records into FHIR bulk export files",
)
register(
    "fhir.bulk_export_cancelled",
    Action.EXPORT,
    "cancelled a FHIR bulk export",
    "cancel a FHIR bulk export",
)
register(
    "fhir.bulk_file_downloaded",
    Action.EXPORT,
    "downloaded a FHIR bulk export file",
    "download a FHIR bulk export file",
)
register(
    "fhir.staff_read",
    Action.VIEW,
    "read members of staff over FHIR (Practitioner)",
    "read members of staff over FHIR",
)
