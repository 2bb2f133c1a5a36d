from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import TABS, ChartTab

        TABS.register(ChartTab("portal", "Portal", "portal:access", Scope.DEMOGRAPHICS, 17))
