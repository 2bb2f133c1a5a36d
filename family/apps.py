from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "family"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import TABS, ChartTab

        TABS.register(ChartTab("support", "Support people", "family:tab", Scope.CLINICAL, 16))
