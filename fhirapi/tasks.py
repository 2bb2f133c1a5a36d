"""The FHIR bulk export's background work: the export itself, and the daily drop of files
past their retention period."""

from django.utils import timezone
from django_tasks import task

from fhirapi import bulk
from tandem.tasks import again_tomorrow


@task()
def run_bulk_export(export_id: int) -> None:
    """Write an export's files; progress and the outcome are kept on its record, a failure
    too (its error stays in the queue's table and the worker's log, which carry ids only)."""
    try:
        bulk.write_export(export_id, now=timezone.now())
    except Exception:
        bulk.mark_failed(export_id, "The export could not be written. Please start it again.")
        raise


@task()
def drop_expired_exports(then: str = "") -> int:
    """Once a day: drop the files kept longer than `TANDEM_FHIR_EXPORT_HOURS`. `then` (ISO;
    now when empty) keeps tests off the clock."""
    now = again_tomorrow(drop_expired_exports, then)
    return bulk.expire_exports(now)
