from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from django.urls import reverse

        from monitoring import home, selectors, services, views
        from monitoring.models import Severity
        from participants import home as home_page
        from participants.access import Scope, register_page
        from participants.chart import FLAGS, TABS, ChartTab, FlagSource, HeaderFlag
        from participants.services import MEMBER_ENDED, PRIMARY_CHANGE
        from tandem import navigation
        from tandem.lifecycle import WITHDRAWN

        TABS.register(
            ChartTab("alerts", "Alerts", "monitoring:participant_alerts", Scope.CLINICAL, 90)
        )

        def alert_flags(participant, values) -> list[HeaderFlag]:
            count = values["count"]
            if not count:
                return []
            worst = values["worst"]
            tone = "danger" if worst in ("critical", "high") else "warning"
            url = reverse("monitoring:participant_alerts", args=[participant.public_id])
            # The worst one's severity, so a critical alert does not read like any other.
            label = f"{count} open alert{'s' if count > 1 else ''}"
            if worst in Severity.values:
                label += f" ({'worst: ' if count > 1 else ''}{Severity(worst).label.lower()})"
            return [HeaderFlag(label, tone, url)]

        FLAGS.register(
            FlagSource("monitoring", Scope.CLINICAL, selectors.open_alert_values, alert_flags)
        )
        # The critical-alerts slot of the director's and supervisor's home.
        home_page.PANELS.register(
            home_page.Panel(home_page.CRITICAL_ALERTS, 10, home.critical_alerts_panel)
        )
        home_page.COLUMNS.register(
            home_page.Column("alerts", "Open alerts", 20, home.alerts_column, home.alerts_cell)
        )
        PRIMARY_CHANGE.register(services.follow_primary_change)
        MEMBER_ENDED.register(services.return_alerts_of_ended_member)
        WITHDRAWN.register(services.close_alerts_of_withdrawn_source)
        register_page(
            "monitoring:critical_board", lambda user: bool(selectors.overseen_organizations(user))
        )
        navigation.ITEMS.register(
            navigation.NavItem("Critical alerts", "monitoring:critical_board", 25)
        )
        home_page.PANELS.register(home_page.Panel(home_page.EVERY_HOME, 50, views.home_panel))
        from monitoring import summary
        from participants.chart import RISK, SUMMARY, SummarySection

        SUMMARY.register(SummarySection("alerts", RISK, Scope.CLINICAL, 10, summary.open_alerts))
