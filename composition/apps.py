from typing import Any

from django.apps import AppConfig


def _connected(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new database connection's own settings; the driver's module is imported only for
    PostgreSQL, so an installation on SQLite never loads it."""
    if connection.vendor == "postgresql":
        from tandem.database import read_timestamps_with_driver

        read_timestamps_with_driver(connection)


class CompositionConfig(AppConfig):
    name = "composition"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.backends.signals import connection_created

        connection_created.connect(_connected, dispatch_uid="composition.connected")
        from composition.daily_work import failed_work_panel
        from participants import home as home_page

        # A daily job that failed this week, on the homes of those who oversee a program.
        home_page.PANELS.register(home_page.Panel(home_page.CRITICAL_ALERTS, 40, failed_work_panel))
        if settings.TANDEM_TASK_QUEUE == "database":
            from composition import tasks
            from tandem.tasks import DAILY_JOBS, DailyJob

            DAILY_JOBS.register(DailyJob(tasks.prune_task_results, "Pruning the task queue"))
