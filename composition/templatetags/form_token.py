"""`{% form_token %}`: a fresh one-time token in every form that writes."""

from django import template
from django.utils.safestring import SafeString

from tandem.form_token import token_input

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return token_input()
