"""The FHIR Bulk Data exports of a program's participants (docs/fhir.md, "Bulk export")."""

from django.conf import settings
from django.db import models

from tandem.models import TimeStamped


class BulkExport(TimeStamped):
    """One `Group/{id}/$export`: who asked, for what, how far the task got, and when its
    files go. Polled at its status address; only the person who started it reads it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="bulk_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_url = models.CharField(max_length=500)
    types = models.JSONField(help_text="The resource types asked for, in the server's order.")
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    transaction_time = models.DateTimeField(
        help_text="When the export was started: resources changed later may be left out."
    )
    progressed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the work last moved (kick-off, start, each file): a run that stops "
        "moving is failed as dead.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED


class BulkExportFile(TimeStamped):
    """One NDJSON file of an export: every resource of one type, one per line, or (of type
    OperationOutcome) what the export left out, listed under the manifest's `error`. Emptied,
    not deleted, when the export expires."""

    export = models.ForeignKey(BulkExport, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=40)
    content = models.TextField()
    count = models.PositiveIntegerField()
    participants = models.JSONField(
        help_text="The pks of the participants whose data is in the file, for the audit trail."
    )
