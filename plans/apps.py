from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        from accounts.services import PROGRAM_CREATED
        from participants import home as home_page
        from participants.access import Scope, may, organizations_of, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from participants.models import EpisodeStatus
        from participants.services import STATUS_CHANGE, TRANSITION_GUARDS, TransitionGuard
        from placement.services import AFTER_DECISION
        from plans import assessment_measures, demo, export, modalities, services, views
        from scheduling import eligibility
        from tandem import navigation

        assessment_measures.register_all()
        PROGRAM_CREATED.register(modalities.seed)
        TABS.register(ChartTab("plan", "Plan", "plans:plan", Scope.CLINICAL, 45))
        SECTIONS.register(Section("treatment_plan", "Treatment plan in force", export.plan_section))
        SECTIONS.register(
            Section("treatment_plan_versions", "Treatment plan versions", export.versions_section)
        )
        SECTIONS.register(
            Section(
                "treatment_plan_reviews",
                "Treatment plan reviews without changes",
                export.reviews_section,
            )
        )
        TRANSITION_GUARDS.register(TransitionGuard(EpisodeStatus.ACTIVE, services.scheduling_guard))
        eligibility.RULES.register(services.held_back_from_scheduling)
        AFTER_DECISION.register(services.review_schedule_after_decision)
        STATUS_CHANGE.register(services.review_schedule_after_status_change)
        register_page("plans:reviews_due", views.oversees)
        register_page(
            "plans:settings",
            lambda user: any(may(user, "plan.settings", o) for o in organizations_of(user)),
        )
        navigation.ITEMS.register(
            navigation.NavItem("Plan reviews", "plans:reviews_due", 35, navigation.MORE)
        )
        navigation.ITEMS.register(
            navigation.NavItem("Plan settings", "plans:settings", 90, navigation.SETTINGS)
        )
        home_page.PANELS.register(home_page.Panel(home_page.EVERY_HOME, 50, views.home_panel))
        from participants.chart import DUE, SUMMARY, SummarySection
        from plans import summary

        SUMMARY.register(SummarySection("plan_review", DUE, Scope.CLINICAL, 20, summary.review_due))
        SEEDERS.register(Seeder(55, "treatment plans", demo.seed))
