from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from safety import demo
        from tandem.demo import register_seeder

        register_tab(ChartTab("safety", "Safety plan", "safety:tab", Scope.CLINICAL, 85))
        register_seeder(80, "safety plans", demo.seed)
