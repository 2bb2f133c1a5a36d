from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Daily check-in"

    def ready(self) -> None:
        from checkins import measures, rules, views
        from monitoring.kinds import register_kind

        for rule in rules.RULES:
            register_kind(rule.alert_kind, rule.label)
        views.register_link_target()
        measures.register()
        from checkins import demo
        from tandem.demo import register_seeder

        register_seeder(70, "daily check-ins", demo.seed)
