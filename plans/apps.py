from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Program
        from participants import views as participant_views
        from participants.access import Scope, may, organizations_of, register_page
        from participants.chart import ChartTab, register_tab
        from participants.demo import SEEDERS, Seeder
        from participants.export import register_section
        from participants.models import EpisodeStatus
        from participants.services import register_transition_guard
        from placement.services import register_after_decision
        from plans import assessment_measures, demo, export, modalities, services, views
        from scheduling import eligibility
        from tandem import navigation

        assessment_measures.register_all()
        post_save.connect(modalities.seed_new_program, sender=Program, dispatch_uid="plans.seed")
        register_tab(ChartTab("plan", "Plan", "plans:plan", Scope.CLINICAL, 45))
        register_section("treatment_plan", "Treatment plan in force", export.plan_section)
        register_section(
            "treatment_plan_versions", "Treatment plan versions", export.versions_section
        )
        register_transition_guard(EpisodeStatus.ACTIVE, services.scheduling_guard)
        eligibility.register(services.held_back_from_scheduling)
        register_after_decision(services.review_schedule_after_decision)
        register_page("plans:reviews_due", views.oversees)
        register_page(
            "plans:settings",
            lambda user: any(may(user, "plan.settings", o) for o in organizations_of(user)),
        )
        navigation.ITEMS.register(navigation.NavItem("Plan reviews", "plans:reviews_due", 35))
        navigation.ITEMS.register(navigation.NavItem("Plan settings", "plans:settings", 90))
        if views.home_panel not in participant_views.home_panels:
            participant_views.home_panels.append(views.home_panel)
        SEEDERS.register(Seeder(55, "treatment plans", demo.seed))
