from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = "Single-use links"

    def ready(self) -> None:
        from links import questionnaire

        questionnaire.register()
