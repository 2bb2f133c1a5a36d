"""Values every template needs."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

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
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in ITEMS.implementations()
        if may_open(user, item.url_name)
    ]
