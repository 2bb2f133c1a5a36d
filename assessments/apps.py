from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from assessments import home
        from assessments.demo import seed_instrument_history
        from assessments.export import assessments_section
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section

        TABS.register(ChartTab("assessments", "Assessments", "assessments:tab", Scope.CLINICAL, 25))
        register_kind("suicide-risk", "Suicide risk")
        SEEDERS.register(Seeder(30, "instrument history", seed_instrument_history))
        home_page.COLUMNS.register(
            home_page.Column(
                "scores",
                "Latest scores",
                30,
                home.latest_scores_column,
                home.latest_scores_cell,
            )
        )
        SECTIONS.register(Section("assessments", "Assessments", assessments_section))
        from assessments import summary
        from participants.chart import RISK, SUMMARY, SummarySection

        SUMMARY.register(SummarySection("cssrs", RISK, Scope.CLINICAL, 20, summary.latest_cssrs))
