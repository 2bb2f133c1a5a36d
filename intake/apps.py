from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        from django.urls import reverse

        from audit.models import Action
        from intake import demo, selectors
        from intake.export import diagnoses_section, intake_section
        from participants.access import Scope, decide
        from participants.chart import FLAGS, TABS, ChartTab, HeaderFlag
        from participants.demo import SEEDERS, Seeder
        from participants.export import SECTIONS, Section
        from participants.selectors import current_episode

        TABS.register(ChartTab("intake", "Intake", "intake:intake", Scope.CLINICAL, 20))
        TABS.register(ChartTab("diagnoses", "Diagnoses", "intake:diagnoses", Scope.CLINICAL, 30))

        def co_occurring_flag(participant, user) -> list[HeaderFlag]:
            if not decide(user, participant, Action.VIEW, Scope.CLINICAL).allowed:
                return []
            episode = current_episode(participant)
            if episode is None or not selectors.is_co_occurring(episode):
                return []
            url = reverse("intake:diagnoses", args=[participant.public_id])
            return [HeaderFlag("Co-occurring", "info", url)]

        FLAGS.register(co_occurring_flag)
        SEEDERS.register(Seeder(20, "intakes and diagnoses", demo.seed))
        SECTIONS.register(Section("intake", "Intake", intake_section))
        SECTIONS.register(Section("diagnoses", "Diagnoses", diagnoses_section))
