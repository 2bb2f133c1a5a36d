from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "discharge"

    def ready(self) -> None:
        from discharge import services
        from monitoring.kinds import register_kind
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.models import EpisodeStatus
        from participants.services import register_transition_guard

        register_transition_guard(EpisodeStatus.DISCHARGED, services.guard_discharge)
        register_transition_guard(EpisodeStatus.TRANSFERRED_OUT, services.guard_discharge)
        register_kind("aftercare_first_appointment", "First aftercare appointment")
        register_tab(ChartTab("discharge", "Discharge", "discharge:tab", Scope.AFTERCARE, 95))
