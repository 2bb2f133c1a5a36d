"""A daily job that failed this week is named on the home of those who oversee a program, with
whether it has finished since, never with its message; `failed_daily_work` gives the rest."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from measurement import tasks as measurement_tasks
from worklist import tasks as worklist_tasks

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
# Before the suite's clock (Tue 1 Dec 2026, 09:00 in Chicago): the week the home looks back on.
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=CHICAGO)
SECRET = "Casey Newcomer's phone 555-0100 bounced"


def _run(job, at: datetime, *args, fails: bool) -> DBTaskResult:
    """A run of `job` queued and finished at `at` (with `args`; a daily job's is the time it
    works as of), stored as the database queue's worker stores it: the exception's class,
    message and traceback on a failed row."""
    with time_machine.travel(at, tick=False):
        queued = job.using(run_after=at).enqueue(*(args or (at.isoformat(),)))
        row = DBTaskResult.objects.get(id=queued.id)
        if fails:
            try:
                raise ConnectionError(SECRET)
            except ConnectionError as exc:
                row.set_failed(exc)
        else:
            row.set_successful(None)
    return row


def _panel(page: str) -> str:
    start = page.index('id="failed-daily-work-heading"')
    return page[start : page.index("</section>", start)]


def test_the_director_sees_each_failed_job_and_whether_it_finished_since(world, login):
    _run(measurement_tasks.daily, MONDAY, fails=True)
    _run(worklist_tasks.return_tasks_out_of_reach, MONDAY - timedelta(hours=1), fails=True)
    _run(worklist_tasks.return_tasks_out_of_reach, MONDAY + timedelta(hours=1), fails=False)

    page = login(world.director).get("/").content.decode()
    panel = _panel(page)

    assert "Daily work that did not finish" in panel
    assert (
        "Questionnaire reminders and the not-on-track review: failed Mon 30 Nov 2026, "
        "07:00 CST; <strong>not finished since</strong>"
    ) in panel
    assert (
        "Returning tasks out of reach: failed Mon 30 Nov 2026, 06:00 CST; "
        "finished successfully since"
    ) in panel
    assert panel.index("Questionnaire reminders") < panel.index("Returning tasks")  # newest first
    assert "manage.py failed_daily_work" in panel
    assert "555-0100" not in page and "ConnectionError" not in page and "Traceback" not in page


def test_a_reminder_sent_again_that_failed_is_listed_as_a_job_s_run_is(world, login):
    """A reminder that reached nobody is sent again by its own task. Each attempt that failed,
    the last one included, is listed; it has finished since only when a later attempt of the
    same reminder did, since another reminder's attempt says nothing of this one."""
    again = measurement_tasks.retry_reminder
    _run(again, MONDAY + timedelta(hours=1), 41, fails=True)
    _run(again, MONDAY + timedelta(hours=2), 41, fails=False)  # its next attempt reached them
    _run(again, MONDAY + timedelta(hours=3), 42, fails=True)  # another reminder's last attempt
    _run(again, MONDAY + timedelta(hours=4), 43, fails=False)  # a third reminder's, delivered

    page = login(world.director).get("/").content.decode()
    panel = _panel(page)

    assert (
        "A questionnaire reminder sent again: failed Mon 30 Nov 2026, 10:00 CST; "
        "<strong>not finished since</strong>"
    ) in panel
    assert (
        "A questionnaire reminder sent again: failed Mon 30 Nov 2026, 08:00 CST; "
        "finished successfully since"
    ) in panel
    assert panel.count("<li>") == 2
    assert "555-0100" not in page and "ConnectionError" not in page and "Traceback" not in page

    out = StringIO()
    call_command("failed_daily_work", stdout=out)
    printed = out.getvalue()
    assert printed.count("measurement.tasks.retry_reminder") == 2 and SECRET not in printed


def test_a_therapist_does_not_see_the_panel(world, login):
    _run(measurement_tasks.daily, MONDAY, fails=True)

    page = login(world.therapist).get("/").content.decode()

    assert "Daily work that did not finish" not in page


def test_no_panel_when_nothing_failed_this_week(world, login):
    _run(measurement_tasks.daily, MONDAY - timedelta(days=8), fails=True)
    _run(worklist_tasks.return_tasks_out_of_reach, MONDAY, fails=False)

    page = login(world.director).get("/").content.decode()

    assert "Daily work that did not finish" not in page


def test_failures_older_than_the_week_are_not_listed(world, login):
    _run(measurement_tasks.daily, MONDAY - timedelta(days=8), fails=True)
    _run(worklist_tasks.return_tasks_out_of_reach, MONDAY, fails=True)

    panel = _panel(login(world.director).get("/").content.decode())

    assert "Returning tasks out of reach" in panel
    assert "Questionnaire reminders" not in panel


def test_the_command_prints_each_failed_run_with_its_class_and_row():
    failed = _run(measurement_tasks.daily, MONDAY, fails=True)
    old = _run(worklist_tasks.return_tasks_out_of_reach, MONDAY - timedelta(days=8), fails=True)
    out = StringIO()

    call_command("failed_daily_work", stdout=out)

    printed = out.getvalue()
    assert "measurement.tasks.daily" in printed and "builtins.ConnectionError" in printed
    assert str(failed.id) in printed and "not finished since" in printed
    assert f"failed {failed.finished_at.isoformat()}" in printed
    assert str(old.id) not in printed
    assert SECRET not in printed

    out = StringIO()
    call_command("failed_daily_work", "--days", "10", stdout=out)
    assert str(old.id) in out.getvalue()


def test_on_the_redis_queue_there_is_no_panel_and_the_command_says_why(world, login, settings):
    _run(measurement_tasks.daily, MONDAY, fails=True)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    out = StringIO()

    call_command("failed_daily_work", stdout=out)
    page = login(world.director).get("/").content.decode()

    assert "not the database's" in out.getvalue()
    assert "Daily work that did not finish" not in page
