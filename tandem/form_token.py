"""The one-time token every form that writes carries (`composition.once` claims it)."""

import uuid

from django.utils.safestring import SafeString

from tandem.escaping import format_html

FIELD = "form_token"


def token_input() -> SafeString:
    """A fresh token's hidden input, for a form written in a template (`{% form_token %}`)
    or in Python."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
