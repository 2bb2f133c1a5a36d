from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from django.urls import reverse

        from monitoring import home, selectors, services, views
        from participants import home as home_page
        from participants import views as participant_views
        from participants.access import Scope, decide, register_page
        from participants.chart import ChartTab, HeaderFlag, register_flags, register_tab
        from participants.services import register_primary_change_hook
        from tandem import navigation

        register_tab(
            ChartTab("alerts", "Alerts", "monitoring:participant_alerts", Scope.CLINICAL, 90)
        )

        def alert_flags(participant, user) -> list[HeaderFlag]:
            if not decide(user, participant, "view", Scope.CLINICAL).allowed:
                return []
            count, worst = selectors.open_summary(participant)
            if not count:
                return []
            tone = "danger" if worst in ("critical", "high") else "warning"
            url = reverse("monitoring:participant_alerts", args=[participant.public_id])
            return [HeaderFlag(f"{count} open alert{'s' if count > 1 else ''}", tone, url)]

        register_flags(alert_flags)
        # The critical-alerts slot of the director's and supervisor's home.
        home_page.register_panel(home_page.CRITICAL_ALERTS, 10, home.critical_alerts_panel)
        home_page.register_column(
            home_page.Column(
                "alerts", "Open alerts", 20, home.alerts_column, "monitoring/_alerts_cell.html"
            )
        )
        register_primary_change_hook(services.follow_primary_change)
        register_page(
            "monitoring:critical_board", lambda user: bool(selectors.overseen_organizations(user))
        )
        navigation.ITEMS.register(
            navigation.NavItem("Critical alerts", "monitoring:critical_board", 25)
        )
        if views.home_panel not in participant_views.home_panels:
            participant_views.home_panels.append(views.home_panel)
