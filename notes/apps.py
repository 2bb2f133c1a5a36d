from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"

    def ready(self) -> None:
        from notes import views
        from notes.demo import seed_notes
        from notes.export import notes_section
        from participants import home as home_page
        from participants.access import Scope, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from plans.views import OBJECTIVE_SECTIONS
        from tandem import navigation

        TABS.register(ChartTab("notes", "Notes", "notes:tab", Scope.CLINICAL, 35))
        SECTIONS.register(Section("notes", "Progress notes", notes_section))
        register_page("notes:due", views.opens_notes_due)
        register_page("notes:board", views.opens_board)
        register_page("notes:settings", views.opens_settings)
        navigation.ITEMS.register(
            navigation.NavItem("Note settings", "notes:settings", 91, navigation.SETTINGS)
        )
        home_page.PANELS.register(home_page.Panel(home_page.EVERY_HOME, 50, views.home_panel))
        from notes import summary
        from participants.chart import DUE, SUMMARY, SummarySection

        SUMMARY.register(
            SummarySection("unsigned_notes", DUE, Scope.CLINICAL, 30, summary.unsigned_notes)
        )
        OBJECTIVE_SECTIONS.register(views.objective_section)
        SEEDERS.register(Seeder(80, "progress and group notes", seed_notes))
