"""One way to run a record's own rules before it is written, for forms and the API alike.

Each model states its rules once — field limits and choices, and cross-field dates in its
`clean()` — and every service calls `validate(record)` before saving, so a page, the API and
any future importer refuse the same input with the same message.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model

from tandem.errors import InvalidInput

# The code of a model's own ValidationError whose message already names the field ("The
# discharge date cannot be before the admission date."): it is shown as written.
NAMES_ITS_FIELD = "names_its_field"


def validate(
    record: Model, *, exclude: Iterable[str] = (), names: Mapping[str, str] | None = None
) -> None:
    """Raise InvalidInput naming the first offending field; nothing has been written yet.

    `names` maps a model field to the input that set it (an episode's `discharged_on` comes
    from a transition's `on`), so the refusal points at what the person typed.
    """
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        message = " ".join(m for error in errors for m in error.messages)
        if field == NON_FIELD_ERRORS:
            raise InvalidInput(message) from None
        if not all(error.code == NAMES_ITS_FIELD for error in errors):
            label = str(getattr(record._meta.get_field(field), "verbose_name", field))
            message = f"{label[:1].upper()}{label[1:]}: {message}"
        raise InvalidInput(message, field=(names or {}).get(field, field)) from None
