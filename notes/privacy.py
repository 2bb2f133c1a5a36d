"""The name-leak check of a group note: each member's chart gets the shared narrative and
their own section, so neither may name another member of the session.

A name is matched as a whole word, as written (capitalised) or in capitals, so "Hope" the
member is found and "hope" the word is not. A member's own section may use their own name.
Record numbers of other members are matched as well.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from participants.models import Participant


@dataclass(frozen=True)
class Leak:
    field: str
    message: str


def _names(p: Participant) -> list[str]:
    names = [p.legal_first_name, p.legal_last_name, p.preferred_name]
    return [n.strip() for n in names if n and len(n.strip()) >= 2]


def _pattern(p: Participant) -> re.Pattern:
    words = set()
    for name in _names(p):
        words |= {name, name.upper(), name[:1].upper() + name[1:]}
    alternatives = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    if p.record_number:
        alternatives.append(re.escape(p.record_number))
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


def names_in(text: str, others: Sequence[Participant]) -> str | None:
    """The first name (or record number) of one of `others` found in `text`, if any."""
    for other in others:
        found = _pattern(other).search(text or "")
        if found:
            return found.group(1)
    return None


def first_leak(narrative: str, members: Sequence, roster: Sequence[Participant]) -> Leak | None:
    """Where the shared narrative or a member's section names another member, if anywhere.

    `members` are the member notes (participant + text); `roster` everyone on the session.
    """
    found = names_in(narrative, roster)
    if found:
        return Leak(
            "shared",
            f"The shared narrative names a member of this session (“{found}”). It goes into "
            "every member's chart: take the name out before signing.",
        )
    for member in members:
        others = [p for p in roster if p.pk != member.participant_id]
        found = names_in(member.text, others)
        if found:
            return Leak(
                f"members.{member.participant.public_id}.text",
                f"The section for {member.participant.display_name} names another member of "
                f"this session (“{found}”). It goes into their chart only: take the name out "
                "before signing.",
            )
    return None
