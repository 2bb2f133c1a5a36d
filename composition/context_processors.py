"""Values every template needs."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from participants.access import may_open
from tandem.navigation import ITEMS


def tandem(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "TANDEM_DEMO": settings.TANDEM_DEMO,
        "IDLE_TIMEOUT_SECONDS": settings.TANDEM_IDLE_TIMEOUT_SECONDS,
        "nav_items": items_for(user) if user is not None and user.is_authenticated else [],
    }


def items_for(user) -> list[dict]:
    """The top-bar links this user may open, in their order."""
    prefix = get_script_prefix()
    return [
        {"label": item.label, "url": _url(item.url_name, prefix), "url_name": item.url_name}
        for item in ITEMS.implementations()
        if may_open(user, item.url_name)
    ]


@cache
def _url(url_name: str, script_prefix: str) -> str:
    """A top-bar link's address, reversed once per process and script prefix (which
    `reverse` uses) rather than on every page."""
    return reverse(url_name)
