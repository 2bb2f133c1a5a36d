"""Hooks for the synthetic demo: each module adds its own part of the demo program."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Organization, Program, Site, User


@dataclass
class DemoContext:
    """What the foundation seeder made, for later seeders to build on."""

    organization: Organization
    program: Program
    sites: list[Site]
    staff: dict[str, User]  # login name -> User
    rng_seed: int
    stdout: Callable[[str], None] = print
    extras: dict[str, Any] = field(default_factory=dict)


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _, existing, _ in _seeders):
        _seeders.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, fn) for _, name, fn in sorted(_seeders, key=lambda s: (s[0], s[1]))]
