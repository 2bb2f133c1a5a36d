"""Rules other modules add for who the scheduler may place (a program that waits for a signed
treatment plan, for one).

A rule is `callable(program, episodes) -> {episode pk: why it is left out}`, answering for the
whole list in a fixed number of queries. Registered from the module's AppConfig.ready().
"""

from collections.abc import Callable, Sequence

from accounts.models import Program
from participants.models import Episode
from tandem.hooks import Hook

Rule = Callable[[Program, Sequence[Episode]], dict[int, str]]
RULES: Hook[Rule] = Hook("scheduling.eligibility")


def held_back(program: Program, episodes: Sequence[Episode]) -> dict[int, str]:
    """The episodes no rule lets the scheduler place, each with the first rule's reason."""
    held: dict[int, str] = {}
    if not episodes:
        return held
    for rule in RULES.implementations():
        for pk, why in rule(program, episodes).items():
            held.setdefault(pk, why)
    return held
