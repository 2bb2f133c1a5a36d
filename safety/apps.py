from django.apps import AppConfig, apps


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from safety import demo, display
        from tandem.demo import register_seeder

        register_tab(ChartTab("safety", "Safety plan", "safety:tab", Scope.CLINICAL, 85))
        register_seeder(80, "safety plans", demo.seed)
        if apps.is_installed("checkins"):
            from checkins.crisis import SAFETY_PLAN_PROVIDERS

            if display.checkin_provider not in SAFETY_PLAN_PROVIDERS:
                SAFETY_PLAN_PROVIDERS.append(display.checkin_provider)
