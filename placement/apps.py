from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"

    def ready(self) -> None:
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from participants.models import EpisodeStatus
        from participants.services import TRANSITION_GUARDS, TransitionGuard
        from placement import demo, services
        from placement.export import level_of_care_section

        TABS.register(
            ChartTab(
                "level_of_care", "Level of care", "placement:level_of_care", Scope.CLINICAL, 40
            )
        )
        TRANSITION_GUARDS.register(
            TransitionGuard(EpisodeStatus.ADMITTED, services.admission_guard)
        )
        SEEDERS.register(Seeder(15, "admissions", demo.admit_newest))
        SEEDERS.register(Seeder(40, "level-of-care decisions", demo.seed))
        SEEDERS.register(Seeder(45, "referral queue", demo.settle_waiting_referrals))
        SECTIONS.register(Section("level_of_care", "Level of care", level_of_care_section))
