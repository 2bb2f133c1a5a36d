from django.apps import AppConfig


class FhirApiConfig(AppConfig):
    """The read-only FHIR R4 API (`/fhir/R4/`); named `fhirapi` because a top-level `fhir`
    package would hide the `fhir.resources` models it validates every resource with."""

    name = "fhirapi"

    def ready(self) -> None:
        from fhirapi import tasks
        from tandem.tasks import DAILY_JOBS, DailyJob

        DAILY_JOBS.register(
            DailyJob(
                tasks.drop_expired_exports, "The data export sweep (stalled exports, expired files)"
            )
        )
