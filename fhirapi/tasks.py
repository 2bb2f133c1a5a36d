"""The FHIR bulk export's background work: the export itself, the drop of its files when their
retention period ends, and the daily sweep behind both."""

from django.utils import timezone
from django_tasks import task

from fhirapi import bulk
from tandem.tasks import again_tomorrow


@task()
def run_bulk_export(export_id: int) -> None:
    """Write an export's files; progress and the outcome are kept on its record, a failure
    too (its error stays in the queue's table and the worker's log, which carry ids only)."""
    try:
        bulk.write_export(export_id, clock=timezone.now)
    except Exception:
        bulk.mark_failed(export_id, "The export could not be written. Please start it again.")
        raise


@task()
def drop_export_files(export_id: int) -> int:
    """Queued when an export finishes, to run as its retention period ends: its files go
    then, not at the next daily sweep."""
    return bulk.expire_exports(timezone.now(), export_id=export_id)


@task()
def drop_expired_exports(then: str = "") -> int:
    """Once a day: fail the exports whose work stopped moving (`bulk.STALLED_AFTER`) and drop
    what they wrote, and drop the files kept longer than `TANDEM_FHIR_EXPORT_HOURS` that no
    `drop_export_files` dropped (a cancelled export's, one whose task was lost). `then` (ISO;
    now when empty) keeps tests off the clock."""
    now = again_tomorrow(drop_expired_exports, then)
    bulk.fail_stalled(now)
    return bulk.expire_exports(now)
