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
        navigation.ITEMS.register(navigation.NavItem("Follow-up calls", "discharge:call_list", 60))
        from discharge import demo
        from participants.demo import SEEDERS, Seeder

        SEEDERS.register(Seeder(90, "discharges and follow-ups", demo.seed_discharges))
        from django.db.models.signals import post_save

        from discharge import signals
        from participants.chart import FLAGS, FlagSource
        from participants.models import Episode

        FLAGS.register(
            FlagSource("discharge", Scope.AFTERCARE, signals.header_values, signals.header_flags)
        )
        post_save.connect(signals.re_referral, sender=Episode, dispatch_uid="discharge.re_referral")
