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
        if settings.TANDEM_TASK_QUEUE == "database":
            from composition import tasks
            from tandem.tasks import DAILY_JOBS

            DAILY_JOBS.register(tasks.prune_task_results)
