from django.urls import path

from fhirapi import bulk_views, views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:participant_id>", views.patient, name="patient"),
    path("EpisodeOfCare", views.episodes, name="episodes"),
    path("EpisodeOfCare/<str:resource_id>", views.episode, name="episode"),
    path("Condition/<str:resource_id>", views.condition, name="condition"),
    path("Observation/<str:resource_id>", views.observation, name="observation"),
    path(
        "DiagnosticReport/<str:resource_id>",
        views.diagnostic_report,
        name="diagnostic_report",
    ),
    path("CarePlan/<str:resource_id>", views.care_plan, name="care_plan"),
    path("Goal/<str:resource_id>", views.goal, name="goal"),
    path("CareTeam/<str:resource_id>", views.care_team, name="care_team"),
    path(
        "MedicationStatement/<str:resource_id>",
        views.medication_statement,
        name="medication_statement",
    ),
    path("Consent/<str:resource_id>", views.consent, name="consent"),
    path("Condition", views.conditions, name="conditions"),
    path("Observation", views.observations, name="observations"),
    path("DiagnosticReport", views.diagnostic_reports, name="diagnostic_reports"),
    path("CarePlan", views.care_plans, name="care_plans"),
    path("Goal", views.goals, name="goals"),
    path("CareTeam", views.care_teams, name="care_teams"),
    path("MedicationStatement", views.medication_statements, name="medication_statements"),
    path("Consent", views.consents, name="consents"),
    path("Encounter", views.encounters, name="encounters"),
    path("Coverage", views.coverages, name="coverages"),
    path("Coverage/<str:resource_id>", views.coverage, name="coverage"),
    path("Encounter/<str:resource_id>", views.encounter, name="encounter"),
    path("Practitioner", views.practitioners, name="practitioners"),
    path("Practitioner/<str:resource_id>", views.practitioner, name="practitioner"),
    path("Group/<str:group_id>", bulk_views.group, name="group"),
    path("Group/<str:group_id>/$export", bulk_views.group_export, name="group_export"),
    path("bulk-status/<str:export_id>", bulk_views.bulk_status, name="bulk_status"),
    path("bulk-files/<str:file_id>", bulk_views.bulk_file, name="bulk_file"),
]
