from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Program
        from plans import assessment_measures, modalities

        assessment_measures.register_all()
        post_save.connect(modalities.seed_new_program, sender=Program, dispatch_uid="plans.seed")
