from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self) -> None:
        from outcomes import access, demo
        from participants.access import Scope, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from tandem import navigation

        register_page("outcomes:board", access.reads_outcomes)
        navigation.ITEMS.register(navigation.NavItem("Outcomes", "outcomes:board", 30))
        TABS.register(
            ChartTab(
                "race_ethnicity",
                "Race and ethnicity",
                "outcomes:race_ethnicity",
                Scope.DEMOGRAPHICS,
                97,
            )
        )
        SEEDERS.register(Seeder(95, "program history", demo.seed_history))
