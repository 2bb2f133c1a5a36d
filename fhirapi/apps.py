from django.apps import AppConfig


class FhirApiConfig(AppConfig):
    """The read-only FHIR R4 API (`/fhir/R4/`); named `fhirapi` because a top-level `fhir`
    package would hide the `fhir.resources` models it validates every resource with."""

    name = "fhirapi"
