from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "medications"

    def ready(self) -> None:
        from medications import demo
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder

        TABS.register(ChartTab("medications", "Medications", "medications:tab", Scope.CLINICAL, 70))
        SEEDERS.register(Seeder(70, "medications", demo.seed))
