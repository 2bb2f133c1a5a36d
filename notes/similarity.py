"""The copy-forward check's measure: how alike two notes' texts are.

Measure: `difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()` on normalised text
(lower case, punctuation dropped, runs of white space made one space), the larger of the two
directions so the measure is symmetric. 1.0 means the same words in the same order; payers
treat a note that repeats an earlier one as cloned, so a note at or above `THRESHOLD` of one
of the author's last five notes for the same participant is flagged before signing.
"""

import re
from difflib import SequenceMatcher

THRESHOLD = 0.9
COMPARED_NOTES = 5

_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: formatting alone never hides a copy."""
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", (text or "").lower())).strip()


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0.0 (nothing in common) to 1.0 (the same once normalised).

    Two empty texts are not a copy of each other (0.0): there is nothing to clone.
    """
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return max(
        SequenceMatcher(None, left, right, autojunk=False).ratio(),
        SequenceMatcher(None, right, left, autojunk=False).ratio(),
    )


def is_copied_forward(ratio: float) -> bool:
    return ratio >= THRESHOLD
