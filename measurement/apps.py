from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "measurement"
    verbose_name = "Measurement-based care"

    def ready(self) -> None:
        from assessments.services import register_changed_hook
        from checkins.services import register_safety_yes_hook
        from measurement import home, next_due, services
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.services import register_status_change_hook

        register_changed_hook(next_due.refresh_participant)
        register_safety_yes_hook(next_due.refresh_participant)
        register_status_change_hook(next_due.refresh_episode)
        register_tab(ChartTab("measures", "Measures", "measurement:tab", Scope.CLINICAL, 35))
        register_kind(services.NOT_ON_TRACK, "Not on track: continued-stay review")
        home_page.register_panel(home_page.CENSUS, 40, home.completion_panel)
        from measurement import demo
        from participants.demo import SEEDERS, Seeder

        SEEDERS.register(Seeder(75, "measurement schedule and reminder choices", demo.seed))
        SEEDERS.register(Seeder(99, "stored due moments", demo.seed_next_due))
