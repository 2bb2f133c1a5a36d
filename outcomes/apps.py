from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self) -> None:
        from outcomes import access, demo
        from participants.access import Scope, register_page
        from participants.chart import ChartTab, register_tab
        from tandem import navigation
        from tandem.demo import register_seeder

        register_page("outcomes:board", access.reads_outcomes)
        navigation.register(navigation.NavItem("Outcomes", "outcomes:board", 30))
        register_tab(
            ChartTab(
                "race_ethnicity",
                "Race and ethnicity",
                "outcomes:race_ethnicity",
                Scope.DEMOGRAPHICS,
                97,
            )
        )
        register_seeder(95, "program history", demo.seed_history)
