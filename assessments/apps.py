from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from assessments.demo import seed_instrument_history
        from monitoring.kinds import register_kind
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from tandem.demo import register_seeder

        register_tab(ChartTab("assessments", "Assessments", "assessments:tab", Scope.CLINICAL, 25))
        register_kind("suicide-risk", "Suicide risk")
        register_seeder(30, "instrument history", seed_instrument_history)
