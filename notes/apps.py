from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"

    def ready(self) -> None:
        from notes import views
        from notes.demo import seed_notes
        from notes.export import notes_section
        from participants import views as participant_views
        from participants.access import Scope, register_page
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder
        from participants.export import register_section
        from plans.views import register_objective_section
        from tandem import navigation

        register_tab(ChartTab("notes", "Notes", "notes:tab", Scope.CLINICAL, 35))
        register_section("notes", "Progress notes", notes_section)
        register_page("notes:due", views.opens_notes_due)
        register_page("notes:board", views.opens_board)
        register_page("notes:settings", views.opens_settings)
        navigation.ITEMS.register(navigation.NavItem("Note settings", "notes:settings", 91))
        for panel in (views.home_panel,):
            if panel not in participant_views.home_panels:
                participant_views.home_panels.append(panel)
        register_objective_section(views.objective_section)
        SEEDERS.register(Seeder(80, "progress and group notes", seed_notes))
