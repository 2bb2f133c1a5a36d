from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        # Each module declares its event types in audit_events.py (audit/event_types.py).
        autodiscover_modules("audit_events")
        from audit.services import record_event
        from tandem import lifecycle

        lifecycle.TRAIL.register(record_event)
