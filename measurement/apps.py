from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "measurement"
    verbose_name = "Measurement-based care"

    def ready(self) -> None:
        from assessments.services import CHANGED
        from checkins.services import SAFETY_YES
        from measurement import home, next_due, services, tasks
        from monitoring.kinds import register_kind
        from participants import home as home_page
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.services import STATUS_CHANGE
        from tandem.lifecycle import WITHDRAWN
        from tandem.tasks import DAILY_JOBS, DailyJob

        CHANGED.register(next_due.refresh_participant)
        SAFETY_YES.register(next_due.refresh_participant)
        STATUS_CHANGE.register(next_due.refresh_episode)
        WITHDRAWN.register(next_due.forget_withdrawn)
        TABS.register(ChartTab("measures", "Measures", "measurement:tab", Scope.CLINICAL, 35))
        register_kind(services.NOT_ON_TRACK, "Not on track: continued-stay review")
        home_page.PANELS.register(home_page.Panel(home_page.CENSUS, 40, home.completion_panel))
        DAILY_JOBS.register(
            DailyJob(
                tasks.daily,
                "Questionnaire reminders and the not-on-track review",
                retry=tasks.retry_reminder,
                retry_label="A questionnaire reminder sent again",
            )
        )
        from measurement import summary
        from participants.chart import DUE, SCORES, SUMMARY, SummarySection

        SUMMARY.register(
            SummarySection("scores", SCORES, Scope.CLINICAL, 10, summary.latest_scores)
        )
        SUMMARY.register(
            SummarySection("questionnaires", DUE, Scope.CLINICAL, 10, summary.questionnaires_due)
        )
        from measurement import demo
        from participants.demo import SEEDERS, Seeder

        SEEDERS.register(Seeder(75, "measurement schedule and reminder choices", demo.seed))
        SEEDERS.register(Seeder(99, "stored due moments", demo.seed_next_due))
