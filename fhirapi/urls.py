from django.urls import path

from fhirapi import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:participant_id>", views.patient, name="patient"),
    path("EpisodeOfCare", views.episodes, name="episodes"),
    path("EpisodeOfCare/<str:resource_id>", views.episode, name="episode"),
    path("Condition/<str:resource_id>", views.condition, name="condition"),
    path("Observation/<str:resource_id>", views.observation, name="observation"),
    path(
        "MedicationStatement/<str:resource_id>",
        views.medication_statement,
        name="medication_statement",
    ),
    path("Consent/<str:resource_id>", views.consent, name="consent"),
    path("Condition", views.conditions, name="conditions"),
    path("Observation", views.observations, name="observations"),
    path("MedicationStatement", views.medication_statements, name="medication_statements"),
    path("Consent", views.consents, name="consents"),
]
