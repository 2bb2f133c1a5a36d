"""The one extension-point mechanism: declared once, one implementation per key, in order."""

from dataclasses import dataclass

import pytest

from tandem.hooks import Hook, declared


@dataclass(frozen=True)
class Item:
    key: str
    order: int


def test_a_name_is_declared_once():
    Hook("tests.declared_once")
    with pytest.raises(ValueError, match="declared twice"):
        Hook("tests.declared_once")


def test_registering_the_same_implementation_again_adds_nothing():
    hook: Hook[object] = Hook("tests.same_again")
    first, second = (lambda: 1), (lambda: 2)
    for implementation in (first, second, first):
        hook.register(implementation)
    assert hook.implementations() == [first, second]


def test_a_key_keeps_one_implementation_the_last_registered_in_the_first_place():
    hook: Hook[Item] = Hook("tests.keyed", key=lambda item: item.key)
    hook.register(Item("a", 1))
    hook.register(Item("b", 2))
    hook.register(Item("a", 3))
    assert hook.implementations() == [Item("a", 3), Item("b", 2)]


def test_sort_orders_and_ties_keep_registration_order():
    hook: Hook[Item] = Hook("tests.sorted", key=lambda item: item.key, sort=lambda i: i.order)
    for item in (Item("late", 9), Item("early", 1), Item("tie-first", 5), Item("tie-second", 5)):
        hook.register(item)
    assert [i.key for i in hook.implementations()] == ["early", "tie-first", "tie-second", "late"]


def test_on_register_sees_each_registration_and_unregister_takes_one_out():
    seen: list[Item] = []
    hook: Hook[Item] = Hook("tests.seen", key=lambda item: item.key, on_register=seen.append)
    hook.register(Item("a", 1))
    hook.register(Item("b", 1))
    hook.unregister(Item("a", 1))
    assert seen == [Item("a", 1), Item("b", 1)]
    assert hook.implementations() == [Item("b", 1)]


def test_each_registration_shows_in_the_next_answer_and_only_undoes_itself():
    hook: Hook[Item] = Hook("tests.asked_again", key=lambda item: item.key, sort=lambda i: i.order)
    hook.register(Item("b", 2))
    assert hook.implementations() == [Item("b", 2)]
    hook.register(Item("a", 1))
    assert hook.implementations() == [Item("a", 1), Item("b", 2)]
    hook.unregister(Item("b", 2))
    assert hook.implementations() == [Item("a", 1)]
    with hook.only(Item("z", 0)):
        assert hook.implementations() == [Item("z", 0)]
    assert hook.implementations() == [Item("a", 1)]
    hook.implementations().append(Item("x", 5))  # a caller's own copy
    assert hook.implementations() == [Item("a", 1)]


def test_the_project_s_extension_points_are_declared_at_start_up():
    names = set(declared())
    assert {
        "participants.chart_tabs",
        "participants.transition_guards",
        "participants.demo_seeders",
        "tandem.navigation",
        "tandem.lifecycle_trail",
    } <= names
    assert all("." in name for name in names)
