from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from attendance import demo, home, hooks, views
        from attendance.export import attendance_section
        from attendance.services import MISSED_KIND
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants.access import Scope, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from scheduling.services import (
            ATTENDANCE_PROBES,
            ATTENDED_MINUTES,
            CANCELLATION,
            ENROLMENTS_CHANGED,
        )
        from scheduling.session_links import SESSION_LINKS
        from tandem.navigation import ITEMS, NavItem

        TABS.register(
            ChartTab(
                "attendance",
                "Attendance",
                "attendance:participant_attendance",
                Scope.SCHEDULE,
                40,
            )
        )
        register_kind(MISSED_KIND, "Missed sessions")
        home_page.PANELS.register(home_page.Panel(home_page.EVERY_HOME, 50, views.home_panel))
        register_page("attendance:today", hooks.shows_sessions)
        register_page("attendance:dose_this_week", hooks.shows_dose)
        ITEMS.register(NavItem("Sessions today", "attendance:today", 40))
        ITEMS.register(NavItem("Dose this week", "attendance:dose_this_week", 41))
        home_page.PANELS.register(home_page.Panel(home_page.TODAY, 10, home.today_panel))
        home_page.PANELS.register(
            home_page.Panel(home_page.UNDER_DOSED, 10, home.under_dosed_panel)
        )
        home_page.COLUMNS.register(
            home_page.Column("dose", "This week", 10, home.dose_column, home.dose_cell)
        )
        CANCELLATION.register(hooks.on_cancellation)
        ATTENDANCE_PROBES.register(hooks.sessions_with_attendance)
        ATTENDED_MINUTES.register(hooks.attended_minutes)
        ENROLMENTS_CHANGED.register(hooks.on_enrolments_changed)
        SESSION_LINKS.register(hooks.roll_call_link)
        SEEDERS.register(Seeder(60, "attendance history", demo.seed_attendance))
        SECTIONS.register(Section("attendance", "Attendance", attendance_section, Scope.SCHEDULE))
        from attendance import summary
        from participants.chart import SESSIONS, SUMMARY, SummarySection

        SUMMARY.register(SummarySection("sessions", SESSIONS, Scope.SCHEDULE, 10, summary.sessions))
