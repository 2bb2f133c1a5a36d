from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "medications"

    def ready(self) -> None:
        from medications import demo
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder

        register_tab(ChartTab("medications", "Medications", "medications:tab", Scope.CLINICAL, 70))
        SEEDERS.register(Seeder(70, "medications", demo.seed))
