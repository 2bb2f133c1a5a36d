"""Form fields shared by every module, the reading of a record named by its public id, and a
service's refusal shown on the form that asked for it."""

from typing import TypeVar
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from tandem.errors import ConcurrentEdit, InvalidInput, TandemError

M = TypeVar("M", bound=Model)

# The largest id a database integer column holds; SQLite raises OverflowError beyond it.
LARGEST_ID = 2**63 - 1


class RecordsField(forms.ModelMultipleChoiceField):
    """Several records chosen by id: an id no column can hold is refused like an unknown one.

    Django refuses an out-of-range id for one record, but a list of them reaches SQLite in an
    `IN (...)` and crashes the request.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue
            if abs(number) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs


def public_id(value: object) -> UUID | None:
    """A public id as posted or given in an address, or None when it is not one (nothing to
    look up: the caller answers as for an unknown one)."""
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


def chosen(rows: QuerySet[M], posted: object, *, refusal: str, field: str) -> M:
    """The row of `rows` a form names by its public id; no id, not an id and an id outside
    `rows` (another organization's) are refused alike, naming the field."""
    found = public_id(posted)
    row = rows.filter(public_id=found).first() if found is not None else None
    if row is None:
        raise InvalidInput(refusal, field=field)
    return row


def refusal_status(exc: TandemError) -> int:
    """The status a refused save answers with: 409 when someone else saved first, else 400."""
    return 409 if isinstance(exc, ConcurrentEdit) else 400


def refuse_on(form: forms.BaseForm, exc: TandemError, *, message: str | None = None) -> int:
    """Put a service's refusal on the form that was sent: beside the field it names when the
    form has that field, above the form otherwise (a rule across fields, a stale version).
    `message` replaces the refusal's own words (a participant's page says it in their
    language). Returns the refusal's status, for the answer that shows the form again."""
    form.add_error(exc.field if exc.field in form.fields else None, message or exc.message)
    return refusal_status(exc)
