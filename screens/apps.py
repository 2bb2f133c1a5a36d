from django.apps import AppConfig, apps


class ScreensConfig(AppConfig):
    name = "screens"

    def ready(self) -> None:
        from participants import home
        from participants.access import Scope, page_rule, register_page
        from participants.chart import FLAGS, TABS, ChartTab, FlagSource
        from participants.demo import SEEDERS, Seeder
        from screens import demo, measures, selectors, views
        from screens.models import KEEPS_PANELS
        from tandem import navigation

        TABS.register(ChartTab("screens", "Drug screens", "screens:tab", Scope.CLINICAL, 75))
        FLAGS.register(
            FlagSource("screens", Scope.CLINICAL, selectors.last_use_values, views.last_use_flag)
        )
        home.PANELS.register(home.Panel(home.EVERY_HOME, 55, views.home_panel))
        SEEDERS.register(Seeder(75, "drug screens", demo.seed))
        measures.register()
        register_page("screens:panels", page_rule(KEEPS_PANELS))
        navigation.ITEMS.register(
            navigation.NavItem("Drug-screen panels", "screens:panels", 92, navigation.SETTINGS)
        )
        if apps.is_installed("checkins"):
            from screens import checkin_sources

            checkin_sources.register()
        if apps.is_installed("measurement"):
            from measurement.trajectory import SERIES_PROVIDERS
            from screens.trajectory import weekly_series

            SERIES_PROVIDERS.register(weekly_series)
