"""`{% form_token %}`: a fresh one-time token in every form that writes."""

import uuid

from django import template
from django.utils.html import format_html

from composition.once import FIELD

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
