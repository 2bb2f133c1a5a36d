"""Top-bar links that modules add (`ITEMS.register(NavItem(...))` from `AppConfig.ready()`).

Each is shown only to those the access policy lets open it; the context processor
(`composition.context_processors`) asks it. Items given a `menu` are gathered under one
button of that name, so the director's many settings pages do not push the bar onto a
third line of a laptop screen.
"""

from dataclasses import dataclass

from tandem.hooks import Hook


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str  # a page registered with participants.access.register_page
    order: int = 50
    menu: str = ""  # gathered with the other items of this menu under one button


SETTINGS = "Settings"


ITEMS: Hook[NavItem] = Hook("tandem.navigation", sort=lambda item: item.order)

ITEMS.register(NavItem("Home", "home", 0))
ITEMS.register(NavItem("Find a participant", "participants:search", 10))
ITEMS.register(NavItem("New referral", "participants:new", 20))
