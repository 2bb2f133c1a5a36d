"""The JSON API (django-ninja): one NinjaAPI, a router per domain module."""

import json
from collections.abc import Callable
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
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
api.add_router("/participants", "consent.api.router")
api.add_router("/", "consent.api.lists_router")
api.add_router("/participants", "screens.api.router")
api.add_router("/", "screens.api.panels_router")
api.add_router("/", "plans.api.router")
api.add_router("/", "checkins.api.router")
api.add_router("/", "measurement.api.router")
api.add_router("/participants", "discharge.api.router")
api.add_router("/", "notes.api.router")
api.add_router("/", "outcomes.api.router")
api.add_router("/participants", "casemanagement.api.router")
api.add_router("/participants", "placement.api.router")


class NullCharacterMiddleware:
    """A JSON API body carrying a null character is refused beside its field, as the pages'
    forms refuse one, before any view reads it: PostgreSQL cannot store one in text, and
    SQLite would keep what no page lets anyone type."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith("/api/")
            and request.method in ("POST", "PUT", "PATCH")
            and request.user.is_authenticated
            and b"\\u0000" in request.body
        ):
            try:
                field = _null_at(json.loads(request.body))
            except ValueError:
                field = None  # not JSON: the API's own parser answers
            if field is not None:
                message = str(ProhibitNullCharactersValidator.message)
                return JsonResponse(field_errors((field or None, message)), status=422)
        return self.get_response(request)


def _null_at(value: Any, path: tuple[str, ...] = ()) -> str | None:
    """Where the first null character is, as the API's refusals name a field ("items.0.text";
    "" for the body itself); None when there is none."""
    if isinstance(value, str):
        return ".".join(path) if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, inner in items:
        if "\x00" in str(key):
            return ".".join((*path, str(key)))
        if (found := _null_at(inner, (*path, str(key)))) is not None:
            return found
    return None
