"""DAST-10 (Drug Abuse Screening Test, 10-item; Skinner 1982).

Wording: ``awell-health/awell-score``
``src/calculation_suite/calculations/dast_10/definition/dast_10_inputs.ts`` (items 1-10
exactly as stored there, including its answer hints on items 3 and 5). Licence
statement: camcops ``documentation/source/tasks/dast.rst``. Scoring, bands, reverse
item 3 and the overridable positive threshold: clinical reference sections 0 and 1a.
"""

from assessments.instruments.definitions.common import YES_NO
from assessments.instruments.types import (
    Band,
    Instrument,
    Item,
    Licence,
    LoincCode,
    PositiveRule,
    ScoringSpec,
    Source,
    SourceRef,
)

AWELL_DAST10 = SourceRef(
    repository="awell-health/awell-score",
    path="src/calculation_suite/calculations/dast_10/definition/dast_10_inputs.ts",
    commit="70bece934711e39eb32dd5e7c121ab7381ede4ae",
    used_for="item wording 1-10",
)
CAMCOPS_DAST_DOC = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="documentation/source/tasks/dast.rst",
    commit="c9206f6b144ba0f58cb993680bf752d5f288c675",
    used_for="licence statement (Skinner / CAMH)",
)

DAST_TEXTS = (
    ("1", "Have you used drugs other than those required for medical reasons?"),
    ("2", "Do you abuse more than one drug at a time?"),
    (
        "3",
        "Are you always able to stop using drugs when you want to? (If never use drugs, "
        "answer \u201cYes.\u201d)",
    ),
    ("4", 'Have you had "blackouts" or "flashbacks" as a result of drug use?'),
    (
        "5",
        "Do you ever feel bad or guilty about your drug use? If never use drugs, choose "
        "\u201cNo.\u201d",
    ),
    ("6", "Does your spouse (or parents) ever complain about your involvement with drugs?"),
    ("7", "Have you neglected your family because of your use of drugs?"),
    ("8", "Have you engaged in illegal activities in order to obtain drugs?"),
    (
        "9",
        "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    ),
    (
        "10",
        "Have you had medical problems as a result of your drug use (e.g., memory loss, "
        "hepatitis, convulsions, bleeding, etc.)?",
    ),
)

DAST10 = Instrument(
    code="dast-10",
    name="Drug Abuse Screening Test, 10-item",
    short_name="DAST-10",
    description="Drug problems, excluding alcohol and tobacco.",
    recall_period="12 months",
    instructions="",
    items=tuple(
        Item(
            id=item_id,
            text=text,
            options=YES_NO,
            answer_list="yes-no",
            reverse=item_id == "3",
        )
        for item_id, text in DAST_TEXTS
    ),
    scoring=ScoringSpec(total_items=tuple(str(n) for n in range(1, 11)), total_range=(0, 10)),
    bands=(
        Band("none", "No problems reported", 0, 0),
        Band("low", "Low", 1, 2),
        Band("moderate", "Moderate", 3, 5),
        Band("substantial", "Substantial", 6, 8),
        Band("severe", "Severe", 9, 10),
    ),
    positive=PositiveRule(threshold=3, overridable=(3, 4)),
    flags=(),
    source=Source(
        citation="Skinner HA. The Drug Abuse Screening Test. Addict Behav. 1982;7(4):363-371.",
        wording_from=(AWELL_DAST10, CAMCOPS_DAST_DOC),
        url="https://www.ncbi.nlm.nih.gov/pubmed/7183189",
    ),
    licence=Licence(
        text=(
            "\u00a9 1982 Harvey A. Skinner, PhD, and the Centre for Addiction and Mental "
            "Health, Toronto: may be reproduced for non-commercial use (clinical, research, "
            "training) with credit to the author."
        ),
        status="non-commercial-with-credit",
    ),
    wording="published",
    copyright_notice=(
        "Copyright 1982 by Harvey A. Skinner, PhD, and the Centre for Addiction and Mental "
        "Health, Toronto, Canada. You may reproduce this instrument for non-commercial use "
        "(clinical, research, training purposes) as long as you credit the author Dr. Harvey "
        "A. Skinner, Dean, Faculty of Health, York University, Toronto, Canada."
    ),
    loinc_status=(
        LoincCode("panel", "82666-9", "secondary-source"),
        LoincCode(
            "total", "82667-7", "confirmed", "Synthea output, display 'Total score [DAST-10]'"
        ),
    ),
    loinc_total="82667-7",
    notes=(
        "Item 3 is reverse-scored: the answer value is 1 = yes, 0 = no as for every item, "
        "and the scorer gives a point for 'no'.",
        "Positive at >= 3 by Tandem's default; sources range up to >= 4, so a program may "
        "override the threshold to 3 or 4 (overrides={'positive_threshold': 4}). The bands "
        "do not move with the threshold.",
        "The wording source (awell-score) adds answer hints to items 3 and 5 ('If never use "
        "drugs, ...'); they are kept as stored. The published stem (12-month recall, "
        "excluding alcohol) was not found in a reference-named source, so no stem text is "
        "given.",
        "LOINC panel 82666-9 is ⚠️ secondary-source; total 82667-7 is ✅.",
    ),
)
