from django.urls import path

from fhirapi import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:participant_id>", views.patient, name="patient"),
    path("EpisodeOfCare", views.episodes, name="episodes"),
    path("Condition", views.conditions, name="conditions"),
    path("Observation", views.observations, name="observations"),
    path("MedicationStatement", views.medication_statements, name="medication_statements"),
    path("Consent", views.consents, name="consents"),
]
