"""Dates people type or put in an address, checked against the range the program works in.

Python's `date` runs from year 1 to 9999, so `9999-12-31` in a week address used to crash the
page that adds seven days to it, and `0001-01-01` crashed the time-zone arithmetic. No record
of this program can sensibly fall outside 1900–2199 (the oldest living person was born after
1900; schedules are not built two centuries ahead), so every date that comes from outside —
a query parameter, a form field, an API body — is checked against that range here, once, and
refused with a message that names the field.
"""

from datetime import date
from typing import Annotated

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest
from pydantic import AfterValidator

from tandem.errors import InvalidInput

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
RANGE_MESSAGE = f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


class BadDateParameter(BadRequest):
    """A date in the address is not a date the program can show; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def check(day: date, *, field: str, label: str | None = None) -> date:
    """`day` itself, or InvalidInput naming the field when it falls outside the program range."""
    if not in_range(day):
        raise InvalidInput(
            f"{label or field.replace('_', ' ').capitalize()} {RANGE_MESSAGE}.", field=field
        )
    return day


def parse(value: str, *, field: str, label: str | None = None) -> date:
    """A `YYYY-MM-DD` string as a date in the program range, or InvalidInput naming the field."""
    name = label or field.replace("_", " ").capitalize()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a date written YYYY-MM-DD.", field=field) from None
    return check(day, field=field, label=label)


def query_date(request: HttpRequest, name: str) -> date | None:
    """The date in query parameter `name`; None when absent; a 400 when it is not usable."""
    value = request.GET.get(name, "")
    if not value.strip():
        return None
    try:
        return parse(value, field=name, label=f"The date in the address ({name})")
    except InvalidInput as exc:
        raise BadDateParameter(exc.message) from None


def validate_in_range(day: date) -> None:
    """A Django validator: the program range, for model and form fields."""
    if day is not None and not in_range(day):
        raise ValidationError(f"The date {RANGE_MESSAGE}.", code="date_out_of_range")


class DateField(forms.DateField):
    """A form date that must fall in the program range; the browser's picker is bounded too."""

    default_validators = [validate_in_range]

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())
        return attrs


def _api_check(day: date) -> date:
    if not in_range(day):
        raise ValueError(f"The date {RANGE_MESSAGE}.")
    return day


# A date in an API parameter or body: outside the program range it is a 422 like any other.
ProgramDate = Annotated[date, AfterValidator(_api_check)]
