from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self) -> None:
        from outcomes import access
        from participants.access import register_page
        from tandem import navigation

        register_page("outcomes:board", access.reads_outcomes)
        navigation.register(navigation.NavItem("Outcomes", "outcomes:board", 30))
