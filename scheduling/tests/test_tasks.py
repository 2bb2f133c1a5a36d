"""Background work on django-tasks: queued at commit, delayed by `run_after`, run by db_worker."""

import signal
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from scheduling import publishing
from scheduling.models import ScheduleRun
from scheduling.tasks import run_week
from scheduling.tests.conftest import MONDAY
from tandem.tasks import enqueue_after_commit

RUN_WEEK = "scheduling.tasks.run_week"


def _db_worker_batch() -> None:
    """`manage.py db_worker --batch`, as an operator runs it; it installs its own signal
    handlers, which are put back afterwards so the test process still stops on Ctrl+C."""
    caught = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    handlers = {signum: signal.getsignal(signum) for signum in caught}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@pytest.mark.django_db(transaction=True)
def test_db_worker_solves_the_run_queued_by_a_committed_request(world, calendar):
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    # The world's own writes queued outcome-facts refreshes as they committed; the run is one task.
    queued = DBTaskResult.objects.get(task_path=RUN_WEEK)
    assert queued.args_kwargs["args"] == [run.pk]
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.QUEUED  # nothing runs in the web process

    _db_worker_batch()

    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE, run.message
    assert run.started_at is not None and run.finished_at is not None
    assert run.progress == 1.0 and run.finished_at >= run.started_at
    assert run.result["violations"] == []
    assert DBTaskResult.objects.get(task_path=RUN_WEEK).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_leaves_no_work_queued(world, calendar):
    def failing_request() -> None:
        with transaction.atomic():
            publishing.start_week_run(
                world.program, by=world.director, week_of=MONDAY, time_limit=5
            )
            raise RuntimeError("the request failed after queuing")

    with pytest.raises(RuntimeError):
        failing_request()
    assert not ScheduleRun.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=RUN_WEEK).exists()


def test_delayed_work_waits_until_its_time(world, calendar, run_tasks):
    run = ScheduleRun.objects.create(
        program=world.program, week_start=MONDAY, time_limit=5, created_by=world.director
    )
    later = timezone.now() + timedelta(days=3)
    enqueue_after_commit(run_week, run.pk, run_after=later)

    assert run_tasks() == 0
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.QUEUED
    with time_machine.travel(later + timedelta(minutes=1), tick=True):
        assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE


def test_only_tasks_can_be_queued(world):
    with pytest.raises(TypeError, match="not a task"):
        enqueue_after_commit("scheduling.publishing.start_week_run", 1)
    with pytest.raises(ImportError):
        enqueue_after_commit("scheduling.tasks.no_such_task", 1)
