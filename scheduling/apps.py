from django.apps import AppConfig


def _seed_schedule(context) -> None:
    """The demo's schedule, imported when the demo is seeded: it solves a week with OR-Tools,
    whose import (with pandas) took 0.4 s of every process's start, commands and workers too."""
    from scheduling import demo

    demo.seed_schedule(context)


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from participants.access import Scope, page_rule, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.selectors import CASELOAD_VALUES, CaseloadValue
        from participants.services import LEAVING_CARE
        from scheduling import selectors, services
        from tandem import navigation

        TABS.register(
            ChartTab("schedule", "Schedule", "scheduling:participant", Scope.SCHEDULE, 40)
        )
        register_page("scheduling:home", page_rule("calendar.read"))
        navigation.ITEMS.register(navigation.NavItem("Schedule", "scheduling:home", 30))
        SEEDERS.register(Seeder(50, "program schedule", _seed_schedule))
        LEAVING_CARE.register(services.end_future_sessions)
        LEAVING_CARE.register(services.clear_scheduling_profile)
        CASELOAD_VALUES.register(CaseloadValue("next_session_at", selectors.next_session_start))
