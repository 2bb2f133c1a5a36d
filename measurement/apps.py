from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "measurement"
    verbose_name = "Measurement-based care"

    def ready(self) -> None:
        from measurement import home, services
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab

        register_tab(ChartTab("measures", "Measures", "measurement:tab", Scope.CLINICAL, 35))
        register_kind(services.NOT_ON_TRACK, "Not on track: continued-stay review")
        home_page.register_panel(home_page.CENSUS, 40, home.completion_panel)
        from measurement import demo
        from tandem.demo import register_seeder

        register_seeder(75, "measurement schedule and reminder choices", demo.seed)
