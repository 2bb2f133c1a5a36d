from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from safety import demo

        TABS.register(ChartTab("safety", "Safety plan", "safety:tab", Scope.CLINICAL, 85))
        SEEDERS.register(Seeder(80, "safety plans", demo.seed))
        from participants.chart import RISK, SUMMARY, SummarySection
        from safety import summary

        SUMMARY.register(
            SummarySection("safety_plan", RISK, Scope.CLINICAL, 30, summary.plan_status)
        )
