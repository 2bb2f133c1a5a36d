from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.services import register_leaving_care_hook
        from scheduling import demo, publishing, roles, services
        from tandem import navigation, tasks
        from tandem.demo import register_seeder

        register_tab(ChartTab("schedule", "Schedule", "scheduling:participant", Scope.SCHEDULE, 40))
        navigation.register(
            navigation.NavItem("Schedule", "scheduling:home", roles.reads_any_calendar, 30)
        )
        tasks.register_claimer(publishing.claim_next_run)
        register_seeder(50, "program schedule", demo.seed_schedule)
        register_leaving_care_hook(services.end_future_sessions)
