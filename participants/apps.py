from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab

        register_tab(ChartTab("overview", "Overview", "participants:chart", Scope.DEMOGRAPHICS, 0))
        register_tab(ChartTab("history", "History", "participants:history", Scope.CLINICAL, 99))
