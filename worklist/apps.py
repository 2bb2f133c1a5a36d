from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "worklist"

    def ready(self) -> None:
        from participants import home as home_page
        from participants.access import register_page
        from participants.demo import SEEDERS, Seeder
        from participants.services import MEMBER_ENDED, PRIMARY_CHANGE
        from tandem import navigation
        from tandem.lifecycle import WITHDRAWN
        from tandem.tasks import DAILY_JOBS, DailyJob
        from worklist import demo, selectors, services, tasks, views

        SEEDERS.register(Seeder(70, "worklist tasks", demo.seed_tasks))
        # Once a day, tasks whose owner lost the record go back to someone who can act on them.
        DAILY_JOBS.register(
            DailyJob(tasks.return_tasks_out_of_reach, "Returning tasks out of reach")
        )

        register_page("worklist:mine", selectors.is_staff_member)
        register_page("worklist:overdue", lambda user: bool(selectors.overseen_organizations(user)))
        navigation.ITEMS.register(navigation.NavItem("My tasks", "worklist:mine", 30))
        navigation.ITEMS.register(
            navigation.NavItem("Overdue tasks", "worklist:overdue", 26, navigation.MORE)
        )
        # The supervisor's and director's board: overdue tasks of everyone they oversee.
        home_page.PANELS.register(
            home_page.Panel(home_page.CRITICAL_ALERTS, 30, views.overdue_panel)
        )
        home_page.PANELS.register(home_page.Panel(home_page.EVERY_HOME, 50, views.home_panel))
        # A record entered in error takes its open tasks with it.
        WITHDRAWN.register(services.cancel_tasks_of_withdrawn)
        # A replaced primary clinician's tasks follow the case to the new one.
        PRIMARY_CHANGE.register(services.follow_primary_change)
        # Someone taken off the care team hands their tasks about the participant back.
        MEMBER_ENDED.register(services.return_tasks_of_ended_member)
        from participants.access import Scope
        from participants.chart import DUE, SUMMARY, SummarySection
        from worklist import summary

        SUMMARY.register(SummarySection("tasks", DUE, Scope.CLINICAL, 40, summary.open_tasks))
