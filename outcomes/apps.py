from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self) -> None:
        from assessments.services import CHANGED
        from attendance.weekly import WEEKS_CHANGED
        from checkins.services import RECORDED as CHECKIN_RECORDED
        from discharge.followups import CHANGED as DISCHARGE_CHANGED
        from monitoring.services import CHANGED as ALERTS_CHANGED
        from notes.services import CHANGED as NOTES_CHANGED
        from outcomes import access, demo, freshness
        from participants.access import Scope, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.services import CHANGED as PARTICIPANT_CHANGED
        from participants.services import STATUS_CHANGE
        from screens.services import CHANGED as SCREENS_CHANGED
        from tandem import lifecycle, navigation

        register_page("outcomes:board", access.reads_outcomes)
        navigation.ITEMS.register(
            navigation.NavItem("Outcomes", "outcomes:board", 30, navigation.MORE)
        )
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
        STATUS_CHANGE.register(freshness.on_status_change)
        PARTICIPANT_CHANGED.register(freshness.on_participant_changed)
        NOTES_CHANGED.register(freshness.on_participant_changed)
        CHANGED.register(freshness.on_participant_changed)
        DISCHARGE_CHANGED.register(freshness.on_participant_changed)
        SCREENS_CHANGED.register(freshness.on_participant_changed)
        CHECKIN_RECORDED.register(freshness.on_participant_changed)
        lifecycle.WITHDRAWN.register(freshness.on_withdrawn)
        WEEKS_CHANGED.register(freshness.on_weeks_changed)
        ALERTS_CHANGED.register(freshness.on_alerts_changed)
