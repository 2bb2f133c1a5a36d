from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from participants.access import Scope, page_rule, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.selectors import CASELOAD_VALUES, CaseloadValue
        from participants.services import LEAVING_CARE
        from scheduling import demo, selectors, services
        from tandem import navigation

        TABS.register(
            ChartTab("schedule", "Schedule", "scheduling:participant", Scope.SCHEDULE, 40)
        )
        register_page("scheduling:home", page_rule("calendar.read"))
        navigation.ITEMS.register(navigation.NavItem("Schedule", "scheduling:home", 30))
        SEEDERS.register(Seeder(50, "program schedule", demo.seed_schedule))
        LEAVING_CARE.register(services.end_future_sessions)
        LEAVING_CARE.register(services.clear_scheduling_profile)
        CASELOAD_VALUES.register(CaseloadValue("next_session_at", selectors.next_session_start))
