"""Top-bar links that modules add (`ITEMS.register(NavItem(...))` from `AppConfig.ready()`).

Each is shown only to those the access policy lets open it; the context processor
(`composition.context_processors`) asks it and lays the bar out with `arrange`. Items given
a `menu` are gathered under one button of that name, so the director's many settings pages
do not push the bar onto a second line of a laptop screen. Items of the `MORE` menu are the
pages some roles open less often than daily; they are gathered only for a role whose bar
would not fit one line otherwise, so a clinician keeps them in view.
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
MORE = "More"
# How many links and menus one line of the top bar holds on a 1280-px screen, beside the
# signed-in person's name (tests/browser/test_top_bar_fits.py measures every role's bar).
ROOM = 9


@dataclass(frozen=True)
class Menu:
    name: str
    items: list[NavItem]


ITEMS: Hook[NavItem] = Hook("tandem.navigation", sort=lambda item: item.order)

ITEMS.register(NavItem("Home", "home", 0))
ITEMS.register(NavItem("Find a participant", "participants:search", 10))
ITEMS.register(NavItem("New referral", "participants:new", 20, MORE))


def arrange(shown: list[NavItem]) -> list[NavItem | Menu]:
    """The bar in order, each menu where its last item stands (so "More" ends the bar).
    The `MORE` items stay links while the bar has room for them; a menu of one is just
    its link."""
    entries = _gathered(shown, gather_more=False)
    if len(entries) > ROOM:
        entries = _gathered(shown, gather_more=True)
    return [e.items[0] if isinstance(e, Menu) and len(e.items) == 1 else e for e in entries]


def _gathered(shown: list[NavItem], *, gather_more: bool) -> list[NavItem | Menu]:
    entries: list[NavItem | Menu] = []
    menus: dict[str, Menu] = {}
    for item in reversed(shown):
        if not item.menu or (item.menu == MORE and not gather_more):
            entries.append(item)
        elif item.menu in menus:
            menus[item.menu].items.insert(0, item)
        else:
            menus[item.menu] = Menu(item.menu, [item])
            entries.append(menus[item.menu])
    return entries[::-1]
