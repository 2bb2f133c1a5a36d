"""Background work that must never run inside a web request (for example the weekly solver).

Two runners, chosen by ``settings.TANDEM_TASK_RUNNER``:

- ``"thread"`` (default): ``enqueue`` starts a daemon thread once the caller's transaction
  commits, so the task sees the rows the request just wrote.
- ``"worker"``: nothing starts in the web process. A task's own record (for example a queued
  ``ScheduleRun``) is its queue entry; modules register a *claimer* that turns one queued
  record into a call, and ``manage.py run_tasks`` keeps claiming and running them.

Task functions take plain ids (never model instances) and record their own success or
failure on their record; the runner only logs ids.
"""

import importlib
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

Job = tuple[str, tuple]
# A claimer marks one queued record as taken and returns the call to make, or None.
Claimer = Callable[[], Job | None]
_claimers: list[Claimer] = []


def register_claimer(claimer: Claimer) -> None:
    """Let `run_tasks` find this module's queued work."""
    if claimer not in _claimers:
        _claimers.append(claimer)


def resolve(callable_path: str) -> Callable:
    """Import "package.module.function" and return the function."""
    module_path, _, name = callable_path.rpartition(".")
    return getattr(importlib.import_module(module_path), name)


def run_now(callable_path: str, *args) -> None:
    """Run one task in this thread, with its own database connection, logging any crash."""
    close_old_connections()
    try:
        resolve(callable_path)(*args)
    except Exception:
        logger.exception("background task %s%r failed", callable_path, args)
    finally:
        connection.close()


def enqueue(callable_path: str, *args) -> None:
    """Run `callable_path(*args)` in the background after the current transaction commits."""
    resolve(callable_path)  # fail now, in the caller, on a typo
    if settings.TANDEM_TASK_RUNNER != "thread":
        return

    def start() -> None:
        threading.Thread(
            target=run_now, args=(callable_path, *args), name="tandem-task", daemon=True
        ).start()

    transaction.on_commit(start)


def run_pending(limit: int | None = None) -> int:
    """Claim and run queued tasks until none is left (or `limit` ran); returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = next((job for claim in _claimers if (job := claim()) is not None), None)
        if job is None:
            break
        callable_path, args = job
        try:
            resolve(callable_path)(*args)
        except Exception:
            logger.exception("background task %s%r failed", callable_path, args)
        ran += 1
    return ran
