from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        from audit.views import reads_audit_trail
        from participants.access import register_page
        from tandem.navigation import NavItem, register

        register_page("audit:trail", reads_audit_trail)
        register(NavItem("Audit", "audit:trail", order=95))
