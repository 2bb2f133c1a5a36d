from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from participants.access import Scope, page_rule, register_page
        from participants.chart import ChartTab, register_tab
        from participants.services import register_leaving_care_hook
        from scheduling import demo, services
        from tandem import navigation
        from tandem.demo import register_seeder

        register_tab(ChartTab("schedule", "Schedule", "scheduling:participant", Scope.SCHEDULE, 40))
        register_page("scheduling:home", page_rule("calendar.read"))
        navigation.register(navigation.NavItem("Schedule", "scheduling:home", 30))
        register_seeder(50, "program schedule", demo.seed_schedule)
        register_leaving_care_hook(services.end_future_sessions)
        register_leaving_care_hook(services.clear_scheduling_profile)
