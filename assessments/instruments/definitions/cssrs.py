"""C-SSRS Screener (Columbia-Suicide Severity Rating Scale, screen version; Posner et al.).

Wording: none. The reference marks the licence for software use as unverified (❓), so
item texts are Tandem's neutral labels naming each item's domain; the screener is
administered from the licensed form and only yes/no answers are entered. Structure,
skip rules, risk levels and flags: clinical reference sections 0 and 1a/1b.
"""

from assessments.instruments.definitions.common import LABEL_NOTE, YES_NO
from assessments.instruments.types import (
    AllOf,
    AnyOf,
    Band,
    FlagSpec,
    Instrument,
    Item,
    ItemIn,
    Licence,
    LoincCode,
    PositiveRule,
    ScoringSpec,
    SkipRule,
    Source,
    any_yes,
)

IDEATION = "Ideation (past month)"
BEHAVIOUR = "Behaviour"
ALL_ITEMS = ("1", "2", "3", "4", "5", "6", "6a")

AFTER_ITEM_2 = SkipRule(
    when=ItemIn("2", (0,)),
    effect="absent-or-zero",
    reason="items 3-5 are asked only when item 2 is yes; with item 2 = no they must be absent or no",
)
AFTER_ITEM_6 = SkipRule(
    when=ItemIn("6", (0,)),
    effect="absent-or-zero",
    reason="6a follows up a yes to item 6; with item 6 = no it must be absent or no",
)


def _label(item_id: str, domain: str) -> str:
    return f"Item {item_id} \u2014 (see published form): {domain}"


def _item(item_id: str, domain: str, section: str, skip: SkipRule | None = None) -> Item:
    return Item(
        id=item_id,
        text=_label(item_id, domain),
        options=YES_NO,
        answer_list="yes-no",
        skip=skip,
        critical=True,
        section=section,
        is_label=True,
    )


def _yes(item_id: str) -> ItemIn:
    return ItemIn(item_id, (1,))


CSSRS = Instrument(
    code="cssrs-screener",
    name="Columbia-Suicide Severity Rating Scale, Screener",
    short_name="C-SSRS Screener",
    description="Suicide risk screen: ideation in the past month, suicidal behaviour.",
    recall_period="ideation: past month; behaviour: lifetime and past 3 months",
    instructions="",
    items=(
        _item("1", "wish to be dead", IDEATION),
        _item("2", "non-specific active suicidal thoughts", IDEATION),
        _item("3", "suicidal thoughts with method, without intent", IDEATION, AFTER_ITEM_2),
        _item("4", "suicidal intent, without specific plan", IDEATION, AFTER_ITEM_2),
        _item("5", "suicidal intent with specific plan", IDEATION, AFTER_ITEM_2),
        _item("6", "suicidal behaviour (lifetime)", BEHAVIOUR),
        _item("6a", "suicidal behaviour within the past 3 months", BEHAVIOUR, AFTER_ITEM_6),
    ),
    scoring=ScoringSpec(),
    bands=(
        Band(
            "high",
            "High risk",
            when=AnyOf((_yes("4"), _yes("5"), AllOf((_yes("6"), _yes("6a"))))),
        ),
        Band(
            "moderate",
            "Moderate risk",
            when=AnyOf((_yes("3"), AllOf((_yes("6"), ItemIn("6a", (0,)))))),
        ),
        Band("low", "Low risk", when=AnyOf((_yes("1"), _yes("2")))),
        Band("none", "No risk identified"),
    ),
    positive=PositiveRule(condition=any_yes(ALL_ITEMS)),
    flags=(
        FlagSpec(
            code="suicide-risk",
            label="Suicide risk",
            message=(
                "C-SSRS screener: yes to item(s) {yes_items}. {band}. Every yes is actionable."
            ),
            when=any_yes(ALL_ITEMS),
            critical=True,
        ),
    ),
    source=Source(
        citation=(
            "Posner K, Brown GK, Stanley B, et al. The Columbia-Suicide Severity Rating Scale. "
            "Am J Psychiatry. 2011;168(12):1266-1277."
        ),
        url="https://cssrs.columbia.edu",
    ),
    licence=Licence(
        text=(
            "\u00a9 Research Foundation for Mental Hygiene (⚠️); free for clinical and "
            "non-profit use, commercial/EHR licensing may apply (❓ unverified)."
        ),
        status="unverified-use-paper-form",
    ),
    wording="labels-only",
    loinc_status=(
        LoincCode("panel", "93373-9", "secondary-source", "screener, recent"),
        LoincCode("panel", "93245-9", "secondary-source", "full C-SSRS, not this screener"),
    ),
    notes=(
        LABEL_NOTE,
        "Not summed: total is None; the band is the risk level (none / low / moderate / "
        "high) and positive means any yes.",
        "The risk triage (low / moderate / high) is marked ⚠️ (a common triage) in the reference.",
        "6a is required when item 6 is yes. With item 6 = no, 6a must be absent or no: "
        "Tandem's reading of 6a as a follow-up of 6 (the reference only states the "
        "requirement when 6 is yes).",
        "On a saved partial form the critical suicide-risk flag is still raised for any yes "
        "already given; its message then reads 'Risk level undetermined'.",
    ),
)
