from django.apps import AppConfig


class AudittrailConfig(AppConfig):
    """The auditor's pages (the trail, its export, the break-the-glass review).

    They read the access policy (who may audit which organization) and its break-the-glass
    grants, so they sit above participants; the trail itself (`audit`) sits below it. The
    URL names keep the `audit:` namespace.
    """

    name = "audittrail"

    def ready(self) -> None:
        from audittrail.views import reads_audit_trail
        from participants.access import register_page
        from tandem.navigation import ITEMS, MORE, NavItem

        register_page("audit:trail", reads_audit_trail)
        ITEMS.register(NavItem("Audit", "audit:trail", order=95, menu=MORE))
