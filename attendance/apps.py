from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from attendance import demo, home, hooks, views
        from attendance.export import attendance_section
        from attendance.services import MISSED_KIND
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants import views as participant_views
        from participants.access import Scope, register_page
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder
        from participants.export import register_section
        from scheduling.services import register_attendance_probe, register_cancellation_hook
        from tandem.navigation import ITEMS, NavItem

        register_tab(
            ChartTab(
                "attendance",
                "Attendance",
                "attendance:participant_attendance",
                Scope.SCHEDULE,
                40,
            )
        )
        register_kind(MISSED_KIND, "Missed sessions")
        if views.home_panel not in participant_views.home_panels:
            participant_views.home_panels.append(views.home_panel)
        register_page("attendance:today", hooks.shows_sessions)
        register_page("attendance:dose_this_week", hooks.shows_dose)
        ITEMS.register(NavItem("Sessions today", "attendance:today", 40))
        ITEMS.register(NavItem("Dose this week", "attendance:dose_this_week", 41))
        home_page.register_panel(home_page.TODAY, 10, home.today_panel)
        home_page.register_panel(home_page.UNDER_DOSED, 10, home.under_dosed_panel)
        home_page.register_column(
            home_page.Column(
                "dose", "This week", 10, home.dose_column, "attendance/_dose_cell.html"
            )
        )
        register_cancellation_hook(hooks.on_cancellation)
        register_attendance_probe(hooks.sessions_with_attendance)
        SEEDERS.register(Seeder(60, "attendance history", demo.seed_attendance))
        register_section("attendance", "Attendance", attendance_section)
