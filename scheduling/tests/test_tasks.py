"""The background runner: a thread after commit by default, or a worker that claims runs."""

import time

import pytest
from django.core.management import call_command

from scheduling import publishing
from scheduling.models import ScheduleRun
from scheduling.tests.conftest import MONDAY


@pytest.mark.django_db(transaction=True)
def test_thread_runner_solves_after_the_request_commits(world, calendar, settings):
    settings.TANDEM_TASK_RUNNER = "thread"
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in (ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING):
            break
        time.sleep(0.2)
    assert run.status == ScheduleRun.Status.DONE, run.message
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert run.result["violations"] == []


def test_worker_mode_leaves_runs_queued_until_run_tasks(world, calendar, settings):
    settings.TANDEM_TASK_RUNNER = "worker"
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.QUEUED
    call_command("run_tasks", "--once")
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE
    call_command("run_tasks", "--once")  # nothing left: returns at once
