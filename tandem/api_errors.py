"""The one shape of a 422 across the API: `{"detail": [{"field": ..., "message": ...}]}`.

Our own refusals (InvalidInput, an instrument's item errors) and django-ninja's validation of
parameters and bodies all answer in it, so a client reads every refusal the same way.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from ninja import Field, Schema


class FieldError(Schema):
    field: str | None = Field(
        description="Dotted path of the offending input (`on`, `answers.9`, `entries.1.minutes`);"
        " null when the refusal is about the whole request."
    )
    message: str


class FieldErrors(Schema):
    detail: list[FieldError] = Field(description="One entry per problem.")


def field_errors(*errors: tuple[str | None, str]) -> dict[str, list[dict[str, Any]]]:
    """The 422 body for (field, message) pairs."""
    return {"detail": [{"field": field, "message": message} for field, message in errors]}


def from_ninja(errors: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """django-ninja's (pydantic's) validation errors in the API's shape.

    Their `loc` starts with where the value came from and, for a body, the body parameter's
    name (`["body", "body", "reason"]`); the field is the rest of the path.
    """
    return field_errors(*((_field(e.get("loc", ())), _message(e)) for e in errors))


def _field(loc: Sequence[Any]) -> str | None:
    path = list(loc)
    if path and path[0] in ("body", "query", "path", "form", "header", "cookie"):
        source = path.pop(0)
        if source == "body" and len(path) > 1:
            path.pop(0)
    return ".".join(str(part) for part in path) or None


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "Invalid value."))
    return message.removeprefix("Value error, ")


def from_form(form: forms.BaseForm) -> dict[str, list[dict[str, Any]]]:
    """A page's form errors in the API's shape, so a body checked by the page's form is
    refused with the page's messages; an error about the whole form has no field."""
    return field_errors(
        *(
            (None if name == NON_FIELD_ERRORS else name, str(message))
            for name, messages in form.errors.items()
            for message in messages
        )
    )
