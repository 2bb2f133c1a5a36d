"""The JSON API (django-ninja): one NinjaAPI, a router per domain module."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from tandem.api_errors import field_errors, from_ninja
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Tandem's JSON API. Participant endpoints use the staff session (sign in first) and "
        "go through the same access policy and audit trail as the web pages."
    ),
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(AccessDenied)
def _access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return api.create_response(request, field_errors((exc.field, exc.message)), status=422)


@api.exception_handler(ValidationError)
def _unreadable(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters and bodies that do not fit their schema: the same shape as our refusals."""
    return api.create_response(request, from_ninja(exc.errors), status=422)


@api.exception_handler(ConcurrentEdit)
def _conflict(request: HttpRequest, exc: ConcurrentEdit) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Sign in first."}, status=401)


api.add_router("/participants", "participants.api.router")
api.add_router("/", "assessments.api.router")
api.add_router("/schedule", "scheduling.api.router")
api.add_router("/attendance", "attendance.api.router")
api.add_router("/participants", "medications.api.router")
api.add_router("/participants", "screens.api.router")
api.add_router("/", "plans.api.router")
api.add_router("/", "checkins.api.router")
api.add_router("/", "measurement.api.router")
api.add_router("/participants", "discharge.api.router")
api.add_router("/", "notes.api.router")
api.add_router("/", "outcomes.api.router")
api.add_router("/participants", "casemanagement.api.router")
