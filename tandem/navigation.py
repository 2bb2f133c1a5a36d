"""Top-bar links that modules add; each is shown only to those the access policy lets open it."""

from dataclasses import dataclass

from django.urls import reverse

from participants.access import may_open


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str  # a page registered with participants.access.register_page
    order: int = 50


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def items_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in sorted(_items, key=lambda i: i.order)
        if may_open(user, item.url_name)
    ]


register(NavItem("Home", "home", 0))
register(NavItem("Find a participant", "participants:search", 10))
register(NavItem("New referral", "participants:new", 20))
