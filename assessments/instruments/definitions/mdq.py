"""MDQ (Mood Disorder Questionnaire; Hirschfeld et al. 2000).

Wording: none. The reference marks the licence as unverified (❓ © Hirschfeld / UTMB), so
item texts are Tandem's neutral labels naming each item's domain; the MDQ is
administered from the published form and only the answers are entered. Item ids, the
three-part positive rule and the skip rule for item 2: clinical reference sections 0 and 1a.
"""

from assessments.instruments.definitions.common import LABEL_NOTE, YES_NO
from assessments.instruments.types import (
    AllOf,
    Band,
    Count,
    Instrument,
    Item,
    ItemAtLeast,
    ItemIn,
    Licence,
    LoincCode,
    Option,
    PositiveIs,
    PositiveRule,
    ScoringSpec,
    SkipRule,
    Source,
)

PART_1_DOMAINS = (
    ("1a", "felt so good or hyper that others noticed"),
    ("1b", "irritability"),
    ("1c", "increased self-confidence"),
    ("1d", "less sleep, not missed"),
    ("1e", "more talkative or faster speech"),
    ("1f", "racing thoughts"),
    ("1g", "distractibility"),
    ("1h", "more energy"),
    ("1i", "more active"),
    ("1j", "more social or outgoing"),
    ("1k", "more interest in sex"),
    ("1l", "unusual, excessive or risky behaviour"),
    ("1m", "spending money caused trouble"),
)
PART_1 = tuple(item_id for item_id, _ in PART_1_DOMAINS)
PROBLEM_OPTIONS = (
    Option(0, "No problem"),
    Option(1, "Minor problem"),
    Option(2, "Moderate problem"),
    Option(3, "Serious problem"),
)


def _label(item_id: str, domain: str) -> str:
    return f"Question {item_id} \u2014 (see published form): {domain}"


MDQ = Instrument(
    code="mdq",
    name="Mood Disorder Questionnaire",
    short_name="MDQ",
    description="Bipolar-spectrum screen.",
    recall_period="lifetime",
    instructions="",
    items=(
        *(
            Item(
                id=item_id,
                text=_label(item_id, domain),
                options=YES_NO,
                answer_list="yes-no",
                section="Part 1",
                is_label=True,
            )
            for item_id, domain in PART_1_DOMAINS
        ),
        Item(
            id="2",
            text=_label("2", "several part-1 experiences in the same period of time"),
            options=YES_NO,
            answer_list="yes-no",
            skip=SkipRule(
                when=Count(PART_1, low=1, high=1, at_most=1),
                effect="may-omit",
                reason="at most one part-1 answer is yes, so item 2 may be omitted (counts as no)",
            ),
            section="Part 2",
            is_label=True,
        ),
        Item(
            id="3",
            text=_label("3", "how much of a problem these caused"),
            options=PROBLEM_OPTIONS,
            section="Part 3",
            is_label=True,
        ),
        Item(
            id="4",
            text=_label("4", "family history of manic-depressive illness or bipolar disorder"),
            options=YES_NO,
            answer_list="yes-no",
            required=False,
            scored=False,
            section="Part 4",
            is_label=True,
        ),
        Item(
            id="5",
            text=_label("5", "prior diagnosis of manic-depressive illness or bipolar disorder"),
            options=YES_NO,
            answer_list="yes-no",
            required=False,
            scored=False,
            section="Part 5",
            is_label=True,
        ),
    ),
    scoring=ScoringSpec(total_items=PART_1, total_range=(0, 13)),
    bands=(
        Band("negative", "Negative", when=PositiveIs(False)),
        Band("positive", "Positive", when=PositiveIs(True)),
    ),
    positive=PositiveRule(
        condition=AllOf(
            (
                Count(PART_1, low=1, high=1, at_least=7),
                ItemIn("2", (1,)),
                ItemAtLeast("3", 2),
            )
        )
    ),
    flags=(),
    source=Source(
        citation=(
            "Hirschfeld RMA, Williams JBW, Spitzer RL, et al. Development and validation of a "
            "screening instrument for bipolar spectrum disorder: the Mood Disorder "
            "Questionnaire. Am J Psychiatry. 2000;157(11):1873-1875."
        ),
    ),
    licence=Licence(
        text="\u00a9 Hirschfeld / UTMB (❓ unverified).", status="unverified-use-paper-form"
    ),
    wording="labels-only",
    loinc_status=(LoincCode("panel", "71354-5", "unverified"),),
    notes=(
        LABEL_NOTE,
        "Total is the number of part-1 yes answers (0-13). Positive needs all three: part 1 "
        ">= 7 yes, item 2 (same period) yes, and item 3 (problem) moderate or serious.",
        "Item 2 may be absent when at most one part-1 answer is yes (absent counts as no); "
        "item 3 is always required; items 4 and 5 are accepted and not scored.",
        "The part-1 domain labels are Tandem's summaries in the order of the published "
        "form; confirm them against the form in use.",
        "LOINC 71354-5 is ❓ unverified.",
    ),
)
