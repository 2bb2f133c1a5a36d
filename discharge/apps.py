from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "discharge"

    def ready(self) -> None:
        from discharge import questionnaire, services
        from participants.access import Scope, may, organizations_of, register_page
        from participants.chart import TABS, ChartTab
        from participants.models import EpisodeStatus
        from participants.services import TRANSITION_GUARDS, TransitionGuard
        from tandem import navigation

        TRANSITION_GUARDS.register(
            TransitionGuard(EpisodeStatus.DISCHARGED, services.guard_discharge)
        )
        TRANSITION_GUARDS.register(
            TransitionGuard(EpisodeStatus.TRANSFERRED_OUT, services.guard_discharge)
        )
        TABS.register(ChartTab("discharge", "Discharge", "discharge:tab", Scope.AFTERCARE, 95))
        questionnaire.register()
        register_page(
            "discharge:call_list",
            lambda user: any(may(user, "follow_up.call", org) for org in organizations_of(user)),
        )
        navigation.ITEMS.register(
            navigation.NavItem("Follow-up calls", "discharge:call_list", 60, navigation.MORE)
        )
        from discharge import demo
        from participants.demo import SEEDERS, Seeder

        SEEDERS.register(Seeder(90, "discharges and follow-ups", demo.seed_discharges))
        from discharge import followups, header
        from participants.chart import FLAGS, FlagSource
        from participants.services import EPISODE_OPENED

        FLAGS.register(
            FlagSource("discharge", Scope.AFTERCARE, header.header_values, header.header_flags)
        )
        EPISODE_OPENED.register(followups.re_referral)
