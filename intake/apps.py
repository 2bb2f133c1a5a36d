from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        from django.urls import reverse

        from intake import demo, selectors
        from intake.export import diagnoses_section, intake_section
        from participants.access import Scope
        from participants.chart import FLAGS, TABS, ChartTab, FlagSource, HeaderFlag
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section

        TABS.register(ChartTab("intake", "Intake", "intake:intake", Scope.CLINICAL, 20))
        TABS.register(ChartTab("diagnoses", "Diagnoses", "intake:diagnoses", Scope.CLINICAL, 30))

        def co_occurring_flag(participant, values) -> list[HeaderFlag]:
            if not (values.get("sud") and values.get("mh")):
                return []
            url = reverse("intake:diagnoses", args=[participant.public_id])
            return [HeaderFlag("Co-occurring", "info", url)]

        FLAGS.register(
            FlagSource("intake", Scope.CLINICAL, selectors.co_occurring_values, co_occurring_flag)
        )
        SEEDERS.register(Seeder(20, "intakes and diagnoses", demo.seed))
        SECTIONS.register(Section("intake", "Intake", intake_section))
        SECTIONS.register(Section("diagnoses", "Diagnoses", diagnoses_section))
