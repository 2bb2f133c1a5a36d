from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "family"

    def ready(self) -> None:
        from family import demo, sharing
        from participants.access import SUPPORT_SHARES, Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder

        TABS.register(ChartTab("support", "Support people", "family:tab", Scope.CLINICAL, 16))
        SUPPORT_SHARES.register(sharing.shares)
        SEEDERS.register(Seeder(86, "support people", demo.seed, logins=demo.LOGINS))
