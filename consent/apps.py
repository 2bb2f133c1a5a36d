from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"

    def ready(self) -> None:
        from audit.event_types import name_page
        from consent import demo, export
        from participants.access import Scope
        from participants.chart import TABS, ChartTab
        from participants.demo import SEEDERS, Seeder
        from participants.export import COPY_PAGES, SECTIONS, Section

        TABS.register(ChartTab("consents", "Consents", "consent:tab", Scope.CLINICAL, 15))
        TABS.register(
            ChartTab(
                "consents_on_file",
                "Consents on file",
                "consent:on_file",
                Scope.DEMOGRAPHICS,
                16,
                instead_of=Scope.CLINICAL,
            )
        )
        SECTIONS.register(Section("consents", "Consents", export.consents_section))
        SEEDERS.register(Seeder(85, "consents", demo.seed))
        SEEDERS.register(Seeder(87, "disclosures", demo.seed_disclosures))
        COPY_PAGES.register("consent:disclose")
        name_page("consent:disclose", "the form for a copy of the record")
        name_page("consent:disclose_under", "the form for a copy of the record under a consent")
        name_page("consent:on_file", "the consents on file")
        name_page("consent:accounting", "the accounting of disclosures")
        name_page("consent:form", "the Part 2 consent form to sign")
