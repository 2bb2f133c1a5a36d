from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Daily check-in"

    def ready(self) -> None:
        from django.apps import apps

        from checkins import measures, rules, selectors, tasks, views
        from monitoring.kinds import register_kind
        from tandem.tasks import DAILY_JOBS, DailyJob

        DAILY_JOBS.register(
            DailyJob(tasks.sweep_engagement, "The check-in sweep (engagement alerts)")
        )

        for rule in rules.RULES:
            register_kind(rule.alert_kind, rule.label)
        views.register_link_target()
        measures.register()
        if apps.is_installed("medications"):
            from checkins import adherence
            from medications.selectors import ADHERENCE

            ADHERENCE.register(adherence.reported)
        if apps.is_installed("plans") and selectors.plan_coping not in selectors.COPING_PROVIDERS:
            selectors.COPING_PROVIDERS.append(selectors.plan_coping)
        from checkins import demo
        from participants.demo import SEEDERS, Seeder

        SEEDERS.register(Seeder(70, "daily check-ins", demo.seed))
