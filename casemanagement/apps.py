from django.apps import AppConfig


class CasemanagementConfig(AppConfig):
    name = "casemanagement"

    def ready(self) -> None:
        from casemanagement import demo, views
        from participants.access import Scope, register_page, staff_roles
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from scheduling import notices
        from tandem import navigation

        TABS.register(
            ChartTab("casemanagement", "Case management", "casemanagement:tab", Scope.CLINICAL, 85)
        )
        register_page("casemanagement:directory", lambda user: bool(staff_roles(user)))
        navigation.ITEMS.register(
            navigation.NavItem("Resources", "casemanagement:directory", 40, navigation.MORE)
        )
        notices.NOTICES.register(views.schedule_notice)
        SEEDERS.register(Seeder(75, "case management", demo.seed))
