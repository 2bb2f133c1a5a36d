"""The top bar's layout: the less daily pages go under "More" only for a role whose bar
would not fit one line, so a clinician's bar stays as it was."""

from tandem.navigation import MORE, ROOM, SETTINGS, Menu, NavItem, arrange


def _items(count: int, *, more: int = 0) -> list[NavItem]:
    plain = [NavItem(f"Page {n}", f"page:{n}", n) for n in range(count - more)]
    return plain + [NavItem(f"Report {n}", f"report:{n}", 100 + n, MORE) for n in range(more)]


def test_a_bar_with_room_keeps_the_more_pages_as_links():
    shown = _items(ROOM, more=3)
    assert arrange(shown) == shown


def test_a_bar_without_room_gathers_the_more_pages_at_its_end():
    shown = _items(ROOM + 1, more=3)

    bar = arrange(shown)

    assert bar[:-1] == shown[:-3]
    assert bar[-1] == Menu(MORE, shown[-3:])
    assert len(bar) <= ROOM


def test_the_more_menu_stands_where_its_last_page_would():
    settings = [NavItem("Staff", "staff", 90, SETTINGS), NavItem("Plans", "plans", 91, SETTINGS)]
    audit = NavItem("Audit", "audit", 95, MORE)
    shown = [*_items(ROOM, more=2)[:-1], *settings, audit]

    bar = arrange(shown)

    assert [e.name for e in bar if isinstance(e, Menu)] == [SETTINGS, MORE]
    assert bar[-1] == Menu(MORE, [shown[ROOM - 2], audit])


def test_a_menu_of_one_page_is_that_pages_link():
    staff = NavItem("Staff", "staff", 90, SETTINGS)
    assert arrange([NavItem("Home", "home", 0), staff]) == [NavItem("Home", "home", 0), staff]
