"""The daily jobs: `start_daily_jobs` queues each registered one once, at every deploy, a run
that fails still leaves tomorrow's waiting (the next tick's, for a job that ticks hourly to work
at each program's morning), and a worker back after days away runs each once."""

import contextlib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django_tasks_db.models import DBTaskResult

from tandem.tasks import DAILY_JOBS, again_next_hour, again_tomorrow, enqueue_after_commit

pytestmark = pytest.mark.django_db

THEN = datetime(2026, 11, 16, 6, 0, tzinfo=ZoneInfo("America/Chicago"))
TASK_TABLE = DBTaskResult._meta.db_table
# The jobs that tick every hour and work at each program's morning; the others run a day apart.
AT_EACH_MORNING = {
    "measurement.tasks.daily",
    "checkins.tasks.sweep_engagement",
    "billing.tasks.recertifications_due",
}


def _next(path: str) -> timedelta:
    return timedelta(hours=1) if path in AT_EACH_MORNING else timedelta(days=1)


def _waiting() -> list[str]:
    return sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def test_each_daily_job_is_queued_once_however_often_the_command_runs():
    paths = sorted(job.path for job in DAILY_JOBS.implementations())
    assert {
        "composition.tasks.prune_task_results",
        "measurement.tasks.daily",
        "checkins.tasks.sweep_engagement",
        "worklist.tasks.return_tasks_out_of_reach",
    } <= set(paths)

    call_command("start_daily_jobs")
    assert _waiting() == paths
    call_command("start_daily_jobs")
    assert _waiting() == paths


@pytest.mark.django_db(transaction=True)
def test_two_deploy_steps_starting_the_jobs_at_once_queue_each_job_once():
    """Each command stops right after its first look for a waiting job until the other has
    looked too (or a moment has passed): without a lock both see nothing waiting and both
    queue every job, a second chain that would send every reminder twice."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    looked = threading.Barrier(2, timeout=2)
    failures: list[BaseException] = []

    def start() -> None:
        first_look = True

        def meet_after_the_first_look(execute, sql, params, many, context):
            nonlocal first_look
            result = execute(sql, params, many, context)
            if first_look and sql.startswith("SELECT") and TASK_TABLE in sql:
                first_look = False
                # Broken when the other command waits for this one's lock: go on alone.
                with contextlib.suppress(threading.BrokenBarrierError):
                    looked.wait()
            return result

        try:
            with connection.execute_wrapper(meet_after_the_first_look):
                call_command("start_daily_jobs")
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _waiting() == sorted(job.path for job in DAILY_JOBS.implementations())


def test_a_job_already_waiting_from_its_own_chain_is_not_queued_again(world, run_tasks):
    from measurement.tasks import daily

    with time_machine.travel(THEN, tick=False):
        enqueue_after_commit(daily, THEN.isoformat())
        run_tasks()  # today's run queued tomorrow's
    call_command("start_daily_jobs")
    assert _waiting().count("measurement.tasks.daily") == 1


def _job(path):
    [job] = [job.task for job in DAILY_JOBS.implementations() if job.path == path]
    return job


def _only_queueing(execute, sql, params, many, context):
    """A database that fails every statement but a task queued: the job's own work fails."""
    if not (sql.startswith("INSERT") and TASK_TABLE in sql):
        raise OperationalError("the database went away")
    return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", sorted(job.path for job in DAILY_JOBS.implementations()))
def test_a_run_that_fails_still_leaves_tomorrow_s_queued(path):
    """Run outside a transaction, as the worker runs it: the failed work rolls back alone."""
    job = _job(path)

    with (
        time_machine.travel(THEN, tick=False),
        connection.execute_wrapper(_only_queueing),
        pytest.raises(OperationalError),
    ):
        job.call(THEN.isoformat())

    tomorrow = DBTaskResult.objects.get(task_path=path, status="READY")
    assert tomorrow.run_after == THEN + _next(path)
    [then] = tomorrow.args_kwargs["args"]
    assert datetime.fromisoformat(then) == THEN + _next(path)


@pytest.mark.parametrize("path", sorted(job.path for job in DAILY_JOBS.implementations()))
def test_a_worker_back_after_days_away_runs_each_job_once_as_of_now(path, run_tasks):
    """The chain waited with a run due five days ago: it runs once, as of the worker's return,
    and the next waits a day after that, not one run for each day missed."""
    back = THEN + timedelta(days=5)
    enqueue_after_commit(_job(path), THEN.isoformat())

    with time_machine.travel(back, tick=False):
        assert run_tasks() == 1

    tomorrow = DBTaskResult.objects.get(task_path=path, status="READY")
    assert tomorrow.run_after == back + _next(path)
    [then] = tomorrow.args_kwargs["args"]
    assert datetime.fromisoformat(then) == back + _next(path)


@pytest.mark.parametrize("late", [timedelta(0), timedelta(hours=3), timedelta(days=1)])
def test_a_run_up_to_a_day_late_works_as_of_its_own_day(late):
    """A worker busy or stopped for up to a day keeps the chain's hour: the run works as of
    its own `then`, and the next is due a day after it."""
    from worklist.tasks import return_tasks_out_of_reach

    assert again_tomorrow(return_tasks_out_of_reach, THEN.isoformat(), now=THEN + late) == THEN
    tomorrow = DBTaskResult.objects.get(status="READY")
    assert tomorrow.run_after == THEN + timedelta(days=1)


@pytest.mark.parametrize(
    ("then", "late", "as_of", "next_tick"),
    [
        # On the hour, or late by up to an hour: as of its own time, the next on the hour.
        ("12:00", timedelta(0), "12:00", "13:00"),
        ("12:00", timedelta(minutes=59), "12:00", "13:00"),
        # Started by hand at 10:23 (no `then`): now, and then on the hour.
        ("", timedelta(0), "10:23", "11:00"),
        # Late by more than an hour: one tick as of now, not one for each hour missed.
        ("12:00", timedelta(hours=5, minutes=10), "17:10", "18:00"),
    ],
)
def test_a_job_at_each_morning_ticks_on_the_whole_hours(then, late, as_of, next_tick):
    from measurement.tasks import daily

    def at(hour: str) -> datetime:
        return datetime.fromisoformat(f"2026-11-16T{hour}:00+00:00")

    started = (at(then) if then else at("10:23")) + late
    assert again_next_hour(daily, then and at(then).isoformat(), now=started) == at(as_of)
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == at(next_tick)
    assert waiting.args_kwargs["args"] == [at(next_tick).isoformat()]


def test_the_queue_keeps_two_weeks_of_finished_tasks_and_every_waiting_one():
    from composition.tasks import prune_task_results

    for days in (15, 13):
        prune_task_results.enqueue()
        DBTaskResult.objects.filter(status="READY").update(
            status="SUCCESSFUL", finished_at=THEN - timedelta(days=days)
        )
    with time_machine.travel(THEN, tick=False):
        prune_task_results.call(THEN.isoformat())

    left = DBTaskResult.objects.order_by("status").values_list("status", "finished_at")
    assert list(left) == [("READY", None), ("SUCCESSFUL", THEN - timedelta(days=13))]


def test_a_run_that_starts_late_keeps_the_two_weeks_before_its_own_time():
    """The run due at THEN starts 20 hours late: a task finished 13 days and 14 hours before
    THEN is kept, though more than 14 days have passed by the clock."""
    from composition.tasks import prune_task_results

    for age in (timedelta(days=15), timedelta(days=13, hours=14)):
        prune_task_results.enqueue()
        DBTaskResult.objects.filter(status="READY").update(
            status="SUCCESSFUL", finished_at=THEN - age
        )
    with time_machine.travel(THEN + timedelta(hours=20), tick=False):
        prune_task_results.call(THEN.isoformat())

    left = DBTaskResult.objects.order_by("status").values_list("status", "finished_at")
    assert list(left) == [
        ("READY", None),
        ("SUCCESSFUL", THEN - timedelta(days=13, hours=14)),
    ]


def test_a_queue_whose_waiting_jobs_cannot_be_seen_is_refused_unless_told(settings):
    """On Redis the command cannot tell whether a job already waits, so it queues nothing
    unless told this is the first time (a second chain would send every reminder twice)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends
    from django_tasks.backends.dummy import DummyBackend

    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    with pytest.raises(CommandError, match="--unchecked"):
        call_command("start_daily_jobs")
    assert backend.results == []

    call_command("start_daily_jobs", "--unchecked")
    queued = sorted(result.task.module_path for result in backend.results)
    assert queued == sorted(job.path for job in DAILY_JOBS.implementations())
