from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from billing import demo, home, selectors, services, tasks, views
        from billing.export import certification_section, coverage_section
        from consent.recipients import LISTS, RecipientList
        from participants import home as home_page
        from participants.access import Scope, page_rule, register_page
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from placement.cards import CARDS, Card
        from tandem import navigation
        from tandem.tasks import DAILY_JOBS, DailyJob

        TABS.register(ChartTab("billing", "Billing", "billing:tab", Scope.BILLING, 95))
        SECTIONS.register(Section("coverage", "Coverage", coverage_section, Scope.BILLING))
        SECTIONS.register(
            Section(
                "iop_certifications",
                "Medicare IOP certifications",
                certification_section,
                Scope.BILLING,
            )
        )
        # Where the signer works: the Medicare IOP certification card on the Level of care tab,
        # and each morning a task when a certification is about to end.
        CARDS.register(Card(views.CARD, 10, views.certification_card))
        DAILY_JOBS.register(DailyJob(tasks.recertifications_due, "Recertification tasks"))
        register_page("billing:service_days", page_rule("billing.read"))
        register_page("billing:payers", page_rule("billing.write"))
        navigation.ITEMS.register(
            navigation.NavItem("Service days", "billing:service_days", 45, navigation.MORE)
        )
        navigation.ITEMS.register(
            navigation.NavItem("Payers", "billing:payers", 93, navigation.SETTINGS)
        )
        home_page.PANELS.register(home_page.Panel(home_page.BILLING, 10, home.service_days_panel))
        SEEDERS.register(Seeder(95, "billing", demo.seed))
        LISTS.register(
            RecipientList(
                "payers",
                "Payers named",
                "The program's payers this consent names among its recipients: the service "
                "days to bill match on these, not on the words above.",
                selectors.payer_choices,
                services.name_payers,
                selectors.payers_named,
            )
        )
