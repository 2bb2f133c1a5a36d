"""Cards other modules show on the Level of care tab (billing's Medicare IOP certification).

A module registers `CARDS.register(Card(key, order, make))` from its `AppConfig.ready()`.
`make(request, participant, episode, sent)` returns the card's data with the `template` that
renders it, or None when this reader has nothing to see there; it decides its reader through
the access policy itself. `sent` is the card's own form when its write was refused, so the
tab comes back with what was typed and why (`placement.views.tab_page`); None otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.hooks import Hook


@dataclass(frozen=True)
class Card:
    key: str
    order: int
    make: Callable[[Any, Any, Any, Any], dict | None]


CARDS: Hook[Card] = Hook(
    "placement.cards", key=lambda card: card.key, sort=lambda card: (card.order, card.key)
)


def cards_for(request: Any, participant: Any, episode: Any, sent: dict[str, Any]) -> list[dict]:
    """The cards this reader sees on the participant's tab, in order."""
    return [
        made
        for card in CARDS.implementations()
        if (made := card.make(request, participant, episode, sent.get(card.key))) is not None
    ]
