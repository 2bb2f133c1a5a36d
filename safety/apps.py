from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder
        from safety import demo

        register_tab(ChartTab("safety", "Safety plan", "safety:tab", Scope.CLINICAL, 85))
        SEEDERS.register(Seeder(80, "safety plans", demo.seed))
