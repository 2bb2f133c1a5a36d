"""Form fields shared by every module."""

from django import forms
from django.core.exceptions import ValidationError

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
