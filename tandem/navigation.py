"""Top-bar links that modules add (`ITEMS.register(NavItem(...))` from `AppConfig.ready()`).

Each is shown only to those the access policy lets open it; the context processor
(`composition.context_processors`) asks it.
"""

from dataclasses import dataclass

from tandem.hooks import Hook


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str  # a page registered with participants.access.register_page
    order: int = 50


ITEMS: Hook[NavItem] = Hook("tandem.navigation", sort=lambda item: item.order)

ITEMS.register(NavItem("Home", "home", 0))
ITEMS.register(NavItem("Find a participant", "participants:search", 10))
ITEMS.register(NavItem("New referral", "participants:new", 20))
