from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        # Each module declares its event types in audit_events.py (audit/event_types.py).
        autodiscover_modules("audit_events")
        from audit.views import reads_audit_trail
        from participants.access import register_page
        from tandem.navigation import NavItem, register

        register_page("audit:trail", reads_audit_trail)
        register(NavItem("Audit", "audit:trail", order=95))
