from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder
        from participants.export import register_section
        from participants.models import EpisodeStatus
        from participants.services import register_transition_guard
        from placement import demo, services
        from placement.export import level_of_care_section

        register_tab(
            ChartTab(
                "level_of_care", "Level of care", "placement:level_of_care", Scope.CLINICAL, 40
            )
        )
        register_transition_guard(EpisodeStatus.ADMITTED, services.admission_guard)
        SEEDERS.register(Seeder(40, "level-of-care decisions", demo.seed))
        register_section("level_of_care", "Level of care", level_of_care_section)
