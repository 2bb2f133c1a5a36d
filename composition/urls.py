from django.urls import include, path

from participants import views as participant_views
from tandem import views
from tandem.api import api

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("", participant_views.home, name="home"),
    path("self-check/", include("placement.public_urls")),
    path("programs/", include("outcomes.public_urls")),
    path("accounts/", include("signin.urls")),
    path("participants/", include("participants.urls")),
    path("audit/", include("audittrail.urls")),
    path("assessments/", include("assessments.urls")),
    path("intake/", include("intake.urls")),
    path("placement/", include("placement.urls")),
    path("plans/", include("plans.urls")),
    path("schedule/", include("scheduling.urls")),
    path("attendance/", include("attendance.urls")),
    path("notes/", include("notes.urls")),
    path("alerts/", include("monitoring.urls")),
    path("medications/", include("medications.urls")),
    path("consents/", include("consent.urls")),
    path("support-people/", include("family.urls")),
    path("drug-screens/", include("screens.urls")),
    path("safety-plan/", include("safety.urls")),
    path("discharge/", include("discharge.urls")),
    path("me/", include("portal.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("tasks/", include("worklist.urls")),
    path("casemanagement/", include("casemanagement.urls")),
    path("billing/", include("billing.urls")),
    path("l/", include("links.urls")),
    path("checkins/", include("checkins.urls")),
    path("measurement/", include("measurement.urls")),
    path("api/v1/", api.urls),
    path("fhir/R4/", include("fhirapi.urls")),
]

handler400 = "tandem.views.bad_request"
handler403 = "tandem.views.forbidden"
handler404 = "tandem.views.not_found"
handler500 = "tandem.views.server_error"
