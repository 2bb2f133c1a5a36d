"""ASAM 3rd-edition dimension ids and names, the 0–4 risk ratings and the levels' order, as data.

Only ids, names, ratings and level codes are stored (clinical reference, section 2): no ASAM
Criteria text and no ASAM decision rules are shipped. Dimension names: asam.org, 3rd edition
(2013), as in the reference's §2a table. The 0–4 scale is confirmed (§2a); its word labels are
the commonly used ones, marked ❓ in §2a and not confirmed against the book. Level codes and
names: `accounts.models.LevelOfCare` (§2b).
"""

from dataclasses import dataclass

from accounts.models import LevelOfCare


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("1", "Acute Intoxication and/or Withdrawal Potential"),
    Dimension("2", "Biomedical Conditions and Complications"),
    Dimension("3", "Emotional, Behavioral, or Cognitive Conditions and Complications"),
    Dimension("4", "Readiness to Change"),
    Dimension("5", "Relapse, Continued Use, or Continued Problem Potential"),
    Dimension("6", "Recovery/Living Environment"),
)
DIMENSION_IDS: tuple[str, ...] = tuple(d.id for d in DIMENSIONS)

RATINGS: tuple[tuple[int, str], ...] = (
    (0, "0 — None"),
    (1, "1 — Mild"),
    (2, "2 — Moderate"),
    (3, "3 — Significant"),
    (4, "4 — Severe"),
)

# Least to most intensive. Withdrawal management comes before any non-hospital level (it must
# happen first); medically managed inpatient care includes withdrawal management.
LEVEL_ORDER: tuple[str, ...] = (
    LevelOfCare.OUTPATIENT,
    LevelOfCare.IOP,
    LevelOfCare.PHP,
    LevelOfCare.RESIDENTIAL,
    LevelOfCare.WITHDRAWAL,
    LevelOfCare.INPATIENT,
)
# Levels where the participant goes home every day: a same-day safety step must come first.
OUTPATIENT_LEVELS = frozenset({LevelOfCare.OUTPATIENT, LevelOfCare.IOP, LevelOfCare.PHP})


def intensity(level: str) -> int:
    return LEVEL_ORDER.index(level)


def level_label(level: str) -> str:
    return LevelOfCare(level).label
