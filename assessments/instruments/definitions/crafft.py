"""CRAFFT 2.1 (Car, Relax, Alone, Forget, Friends/Family, Trouble; Boston Children's Hospital).

Wording: none. The reference marks the licence as secondary-source only (⚠️ free for
clinical use, registration requested) and it names no source of the wording, so item
texts are Tandem's neutral labels naming each item's domain; the CRAFFT is administered
from the registered form and only the answers are entered. Parts, skip rule, bands and
the car-risk flag: clinical reference sections 0 and 1a.
"""

from assessments.instruments.definitions.common import LABEL_NOTE, YES_NO
from assessments.instruments.types import (
    AllOf,
    Band,
    FlagSpec,
    Instrument,
    Item,
    ItemIn,
    Licence,
    PositiveRule,
    ScoringSpec,
    SkipRule,
    Source,
    all_zero,
)

PART_A = ("a1", "a2", "a3")
PART_B = ("b1", "b2", "b3", "b4", "b5", "b6")
NO_USE = all_zero(PART_A)

PART_A_DOMAINS = (
    ("a1", "days drank alcohol, past 12 months"),
    ("a2", "days used marijuana or cannabis, past 12 months"),
    ("a3", "days used anything else to get high, past 12 months"),
)
PART_B_DOMAINS = (
    ("b1", "Car"),
    ("b2", "Relax"),
    ("b3", "Alone"),
    ("b4", "Forget"),
    ("b5", "Family/Friends"),
    ("b6", "Trouble"),
)
ONLY_CAR_ASKED = SkipRule(
    when=NO_USE,
    effect="must-omit",
    reason="part A is all 0, so only b1 (Car) is asked: b2-b6 must be absent",
)


def _label(item_id: str, domain: str) -> str:
    return f"{item_id} \u2014 (see published form): {domain}"


CRAFFT = Instrument(
    code="crafft",
    name="CRAFFT 2.1",
    short_name="CRAFFT",
    description="Substance use risk screen for adolescents aged 12-21.",
    recall_period="12 months",
    instructions="",
    items=(
        *(
            Item(
                id=item_id,
                text=_label(item_id, domain),
                value_range=(0, 365),
                scored=False,
                section="Part A",
                is_label=True,
            )
            for item_id, domain in PART_A_DOMAINS
        ),
        *(
            Item(
                id=item_id,
                text=_label(item_id, domain),
                options=YES_NO,
                answer_list="yes-no",
                skip=None if item_id == "b1" else ONLY_CAR_ASKED,
                section="Part B",
                is_label=True,
            )
            for item_id, domain in PART_B_DOMAINS
        ),
    ),
    scoring=ScoringSpec(total_items=PART_B, total_range=(0, 6)),
    bands=(
        Band("no-use", "No use reported", when=NO_USE),
        Band("low-risk", "Low risk", 0, 1),
        Band("high-risk", "High risk", 2, 6),
    ),
    positive=PositiveRule(threshold=2),
    flags=(
        FlagSpec(
            code="car-risk",
            label="Car risk",
            message="No use reported in part A, but b1 (Car) is yes.",
            when=AllOf((NO_USE, ItemIn("b1", (1,)))),
            item="b1",
        ),
    ),
    source=Source(
        citation=(
            "Knight JR, Sherritt L, Shrier LA, Harris SK, Chang G. Validity of the CRAFFT "
            "substance abuse screening test among adolescent clinic patients. Arch Pediatr "
            "Adolesc Med. 2002;156(6):607-614. CRAFFT 2.1, Boston Children's Hospital."
        ),
        url="https://crafft.org",
    ),
    licence=Licence(
        text=(
            "\u00a9 Boston Children's Hospital (CRAFFT.org): free for clinical use, "
            "registration requested (⚠️ secondary source)."
        ),
        status="unverified-use-paper-form",
    ),
    wording="labels-only",
    notes=(
        LABEL_NOTE,
        "Part A (a1-a3) is days of use in the past 12 months (0-365), not scored. Total is "
        "the part B yes count (0-6).",
        "When a1-a3 are all 0 only b1 is asked: b2-b6 must be absent, the band is no-use "
        "and b1 = yes raises car-risk. The reference ties car-risk to this no-use path "
        "only; when part A shows use, b1 counts toward the part B score and no car-risk "
        "flag is raised.",
        "The CRAFFT licence is ⚠️ (secondary source) and no LOINC code was found (❓).",
    ),
)
