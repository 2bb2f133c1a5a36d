"""Hooks for the synthetic demo: each module adds its own part of the demo program."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """What the foundation seeder made, for later seeders to build on."""

    organization: object
    program: object
    sites: list
    staff: dict  # login name -> User
    rng_seed: int
    stdout: Callable[[str], None] = print
    extras: dict = field(default_factory=dict)


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _, existing, _ in _seeders):
        _seeders.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, fn) for _, name, fn in sorted(_seeders, key=lambda s: (s[0], s[1]))]
