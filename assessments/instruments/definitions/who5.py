"""WHO-5 Well-Being Index (WHO Regional Office for Europe, 1998; revised WHO 2024).

Wording: ``nivlab/jspsych-demos`` ``tasks/self-report/surveys/who5.js`` (items 1-5 and
the answer labels, with its HTML line breaks and numeric prefixes removed; its
instruction sentence as stored). This is not one of the repositories the clinical
reference names: no reference-named source stores the WHO-5. Scoring, bands, the
percentage and the depression-screen flag: clinical reference sections 0 and 1a.
"""

from assessments.instruments.types import (
    AnyOf,
    Band,
    Count,
    FlagSpec,
    Instrument,
    Item,
    Licence,
    Option,
    PositiveRule,
    ScoringSpec,
    Source,
    SourceRef,
    Subscale,
    Total,
)

NIVLAB_WHO5 = SourceRef(
    repository="nivlab/jspsych-demos",
    path="tasks/self-report/surveys/who5.js",
    commit="461298628d1a8d3ce2f4500019e878be0bdea7bc",
    used_for="instruction, item wording 1-5 and answer labels",
)

OPTIONS = (
    Option(0, "At no time"),
    Option(1, "Some of the time"),
    Option(2, "Less than half of the time"),
    Option(3, "More than half of the time"),
    Option(4, "Most of the time"),
    Option(5, "All the time"),
)
TEXTS = (
    "I have felt cheerful and in good spirits.",
    "I have felt calm and relaxed.",
    "I have felt active and vigorous.",
    "I woke up feeling fresh and rested.",
    "My daily life has been filled with things that interest me.",
)
ITEM_IDS = ("1", "2", "3", "4", "5")

WHO5 = Instrument(
    code="who-5",
    name="WHO-5 Well-Being Index",
    short_name="WHO-5",
    description="Well-being / quality of life.",
    recall_period="2 weeks",
    instructions=(
        "Please indicate for each of the 5 statements which is closest to how you have been "
        "feeling over the past 2 weeks."
    ),
    items=tuple(
        Item(id=item_id, text=text, options=OPTIONS, answer_list="who5-time")
        for item_id, text in zip(ITEM_IDS, TEXTS, strict=True)
    ),
    scoring=ScoringSpec(
        total_items=ITEM_IDS,
        total_range=(0, 25),
        subscales=(Subscale("percentage", (), multiplier=4, label="Percentage (raw x 4)"),),
    ),
    bands=(Band("poor", "Poor well-being", 0, 12), Band("adequate", "Adequate", 13, 25)),
    positive=PositiveRule(threshold=13, comparison="below"),
    flags=(
        FlagSpec(
            code="depression-screen-indicated",
            label="Assess for depression",
            message=("Raw score below 13 or an item answered 0 or 1: assess for depression."),
            when=AnyOf((Total(below=13), Count(ITEM_IDS, low=0, high=1, at_least=1))),
        ),
    ),
    source=Source(
        citation=(
            "WHO Regional Office for Europe. Wellbeing measures in primary health care: the "
            "DepCare project. 1998. Topp CW, \u00d8stergaard SD, S\u00f8ndergaard S, Bech P. "
            "The WHO-5 Well-Being Index: a systematic review of the literature. Psychother "
            "Psychosom. 2015;84(3):167-176."
        ),
        wording_from=(NIVLAB_WHO5,),
        url="https://www.who.int/publications/m/item/WHO-UCN-MSD-MHE-2024.01",
    ),
    licence=Licence(
        text=(
            "\u00a9 World Health Organization 2024, CC BY-NC-SA 3.0 IGO: non-commercial use; "
            "commercial use needs WHO permission."
        ),
        status="non-commercial-with-credit",
    ),
    wording="published",
    copyright_notice=(
        "WHO-5 Well-Being Index \u00a9 World Health Organization 2024. Some rights reserved. "
        "Licensed under CC BY-NC-SA 3.0 IGO "
        "(https://creativecommons.org/licenses/by-nc-sa/3.0/igo)."
    ),
    notes=(
        "'positive' means poor well-being (raw < 13); subscale 'percentage' = raw x 4 "
        "(0-100). A 10-point change in the percentage is significant.",
        "depression-screen-indicated is raised when raw < 13 or any item is 0 or 1 (1998 "
        "Psychiatric Research Unit guidance).",
        "Wording source is not a reference-named repository (none stores the WHO-5). Its "
        "top answer label reads 'All the time' and its instruction says 'past 2 weeks'; "
        "other public copies read 'All of the time' and 'last two weeks'. Confirm against "
        "WHO's 2024 publication before release.",
        "No LOINC code was found (❓).",
    ),
)
