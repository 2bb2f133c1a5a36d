"""Background work of the worklist: the daily return of tasks whose owner lost the record."""

from django_tasks import task

from tandem.tasks import again_tomorrow


@task()
def return_tasks_out_of_reach(then: str = "") -> int:
    """Hand back the open tasks whose owner can no longer open the record, tomorrow's run
    queued first (a daily job: `manage.py start_daily_jobs` starts it): an account closed or a
    role ended is written outside any service that could hand the tasks back at once."""
    from worklist import services

    again_tomorrow(return_tasks_out_of_reach, then)
    return len(services.return_tasks_out_of_reach())
