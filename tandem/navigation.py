"""Top-bar links that modules add for the roles that use them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    shown_to: Callable[[object], bool]
    order: int = 50


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def items_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in sorted(_items, key=lambda i: i.order)
        if item.shown_to(user)
    ]
