"""Background tasks of the schedule: solving a week and placing a mid-week admission.

Both are django-tasks tasks, queued when the request that created their run commits
(`tandem.tasks.enqueue_after_commit`) and run by a worker (`manage.py db_worker`). The run is
their record: they mark it running, write the solver's progress on it and finish it with a
result or a plain message. The solver itself runs in a helper thread that never touches the
database; the task's own thread copies its progress onto the run at most every
PROGRESS_INTERVAL seconds, so no extra database connections are opened.
"""

import logging
import threading
import time
import uuid

from django.db import OperationalError
from django.utils import timezone
from django_tasks import task

from accounts.models import Program
from scheduling import proposal as proposals
from scheduling.admission import schedule_new_admission
from scheduling.models import Group, ScheduleRun
from scheduling.problem_builder import build_week_problem
from scheduling.review import group_label
from scheduling.solver import ProblemError, Progress, check, parse_problem, solve, to_json
from tandem.errors import TandemError

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.5
WRITE_ATTEMPTS = 5
PHASES = {
    "analysis": "Checking everyone's availability and pins",
    "model": "Setting up the schedule",
    "full_dose": "Giving as many participants as possible their full weekly dose",
    "shortfall": "Closing the remaining gaps in minutes",
    "individuals": "Placing the individual sessions",
    "changes": "Keeping people in the groups they already know",
    "balance": "Balancing the group sizes",
    "travel_days": "Cutting down trips to the clinic",
    "done": "Finishing",
}
CRASHED = "The schedule could not be built because of an unexpected error. Nothing was changed."


def _update(run_id: int, *, only_if: str | None = None, **fields) -> int:
    """One small write to the run, retried briefly while SQLite reports a lock.

    The polling page reads the run while this writes; PostgreSQL and SQLite's WAL mode let
    them overlap, an in-memory SQLite database (the test suite's) may refuse for a moment.
    """
    rows = ScheduleRun.objects.filter(pk=run_id)
    if only_if is not None:
        rows = rows.filter(status=only_if)
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return rows.update(**fields)
        except OperationalError:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    return 0


def _claim(run_id: int) -> bool:
    """Mark a queued run as running; False if another worker took it first."""
    return bool(
        _update(
            run_id,
            only_if=ScheduleRun.Status.QUEUED,
            status=ScheduleRun.Status.RUNNING,
            started_at=timezone.now(),
            progress=0.0,
            message="Gathering groups, staff hours and participants",
        )
    )


def _report(run_id: int, progress: Progress) -> None:
    _update(
        run_id,
        only_if=ScheduleRun.Status.RUNNING,
        progress=round(progress.fraction, 3),
        message=PHASES.get(progress.phase, "Working")[:300],
    )


def _finish(run_id: int, status: str, message: str, **fields) -> None:
    _update(run_id, status=status, message=message[:300], finished_at=timezone.now(), **fields)


def solve_reporting(run_id: int, problem, **options):
    """Solve in a helper thread while this thread copies its progress onto the run."""
    latest: list[Progress] = []
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = solve(problem, progress=latest.append, **options)
        except Exception as exc:  # re-raised in the task's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="tandem-solver", daemon=True)
    worker.start()
    written = None
    while worker.is_alive() or written is not (latest[-1] if latest else None):
        worker.join(PROGRESS_INTERVAL)
        if latest and latest[-1] is not written:
            written = latest[-1]
            _report(run_id, written)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _pins_message(program: Program, reasons: list[str]) -> str:
    """What a coordinator can do when no week keeps every "Keep in" group, naming the groups."""
    named = {sid for text in reasons for sid in proposals.QUOTED.findall(text)}
    groups = Group.objects.filter(program=program, public_id__in=_uuids(named)).order_by(
        "weekday", "start_time", "title"
    )
    where = "; ".join(group_label(g) for g in groups) or "the groups named below"
    return (
        'No week can keep everyone in their "Keep in" groups. On the participants\' Schedule '
        f'tabs, take "Keep in" off for {where}, or move the group on the program calendar, '
        "then build the week again. The reasons are below."
    )


def _uuids(texts: set[str]) -> list[uuid.UUID]:
    out = []
    for text in texts:
        try:
            out.append(uuid.UUID(text))
        except ValueError:
            continue
    return out


@task()
def run_week(run_id: int) -> None:
    """Build the week's problem from the database, solve it and store the proposal."""
    if not _claim(run_id):
        return
    run = ScheduleRun.objects.select_related("program", "based_on").get(pk=run_id)
    try:
        current = None
        if run.based_on is not None:
            seed = run.based_on
            current = proposals.assignments(
                proposals.apply_edits(seed.problem, seed.result, seed.edits)
            )
        problem = build_week_problem(run.program, run.week_start, current=current)
        _update(run_id, problem=problem)
        try:
            parsed = parse_problem(problem)
        except ProblemError as exc:
            _finish(
                run_id,
                ScheduleRun.Status.FAILED,
                f"The week's data has {_count(len(exc.messages), 'problem')} to fix first; "
                "see below.",
                result={"errors": exc.messages},
            )
            return
        result = solve_reporting(
            run_id, parsed, time_limit=run.time_limit, workers=run.workers, seed=run.seed
        )
        payload = to_json(result)
        payload["violations"] = check(parsed, result)
        people = len(payload["participants"])
        message = (
            f"Proposal ready: {payload['full_dose']} of {people} participants at full dose."
            if result.status != "infeasible"
            else _pins_message(run.program, payload["infeasible_reasons"])
        )
        _finish(run_id, ScheduleRun.Status.DONE, message, result=payload, progress=1.0)
    except Exception:
        logger.exception("schedule run %s failed", run_id)
        _finish(run_id, ScheduleRun.Status.FAILED, CRASHED)


@task()
def run_admission(run_id: int) -> None:
    """Place a mid-week admission and publish their enrolments."""
    if not _claim(run_id):
        return
    run = ScheduleRun.objects.select_related("episode__program", "episode__participant").get(
        pk=run_id
    )
    if run.episode is None:
        logger.error("mid-week admission run %s names no episode", run_id)
        _finish(run_id, ScheduleRun.Status.FAILED, CRASHED)
        return
    try:
        admission = schedule_new_admission(run.episode, by=run.created_by)
    except TandemError as exc:
        _finish(run_id, ScheduleRun.Status.FAILED, exc.message)
        return
    except Exception:
        logger.exception("mid-week admission run %s failed", run_id)
        _finish(run_id, ScheduleRun.Status.FAILED, CRASHED)
        return
    summary = admission.summary
    already = (
        f", counting the {summary['already']} already attended or booked"
        if summary["already"]
        else ""
    )
    individual = (
        ["Their individual session this week is already booked, so no other was added."]
        if admission.problem.get("week_so_far", {}).get("individual")
        else []
    )
    _finish(
        run_id,
        ScheduleRun.Status.PUBLISHED,
        " ".join(
            [
                f"Placed in {_count(summary['sessions'], 'session')}: {summary['minutes']} of "
                f"{summary['required']} minutes this week{already}.",
                *individual,
                *summary["notes"],
            ]
        ),
        problem=admission.problem,
        result=admission.result,
        progress=1.0,
    )
