"""GAD-7 and GAD-2 (Generalized Anxiety Disorder scale; Spitzer, Kroenke, Williams, Löwe).

Wording: ``ucam-department-of-psychiatry/camcops``
``server/camcops_server/extra_strings/gad7.xml`` (stem, items 1-7 without their
numbering, answer labels; the lowest option is "Not at all", not the misprinted
"not at all sure", Zorowitz 2021). Licence statement: camcops ``docs/source/tasks/gad7.rst``.
Scoring, bands, flags and LOINC: clinical reference sections 0, 1a and 1b.
"""

from assessments.instruments.definitions.common import (
    CAMCOPS_GAD7_DOC,
    FREQUENCY_2_WEEKS,
    PFIZER_NOTICE,
)
from assessments.instruments.types import (
    Band,
    FlagSpec,
    Instrument,
    Item,
    Licence,
    LoincCode,
    PositiveIs,
    PositiveRule,
    ScoringSpec,
    Source,
    SourceRef,
)

CAMCOPS_GAD7 = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="server/camcops_server/extra_strings/gad7.xml",
    commit="bf41776c8940a7324568e91573bd32bd6c5ea09f",
    used_for="stem, item wording 1-7 and answer labels",
)

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
LICENCE = Licence(
    text=(
        "Public domain; \u201cno permission is required to reproduce, translate, display or "
        "distribute\u201d (phqscreeners.com)."
    ),
    status="free-no-permission",
)
CITATION = (
    "Spitzer RL, Kroenke K, Williams JBW, L\u00f6we B. A brief measure for assessing "
    "generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
)
URL = "https://www.phqscreeners.com"

GAD_ITEMS = (
    ("1", "Feeling nervous, anxious or on edge"),
    ("2", "Not being able to stop or control worrying"),
    ("3", "Worrying too much about different things"),
    ("4", "Trouble relaxing"),
    ("5", "Being so restless that it is hard to sit still"),
    ("6", "Becoming easily annoyed or irritable"),
    ("7", "Feeling afraid as if something awful might happen"),
)


def _gad_item(item_id: str, text: str) -> Item:
    return Item(id=item_id, text=text, options=FREQUENCY_2_WEEKS, answer_list="frequency-2-weeks")


SOURCE = Source(citation=CITATION, wording_from=(CAMCOPS_GAD7, CAMCOPS_GAD7_DOC), url=URL)

GAD7 = Instrument(
    code="gad-7",
    name="Generalized Anxiety Disorder 7-item scale",
    short_name="GAD-7",
    description="Anxiety severity.",
    recall_period="2 weeks",
    instructions=STEM,
    items=tuple(_gad_item(*row) for row in GAD_ITEMS),
    scoring=ScoringSpec(total_items=tuple(str(n) for n in range(1, 8)), total_range=(0, 21)),
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("severe", "Severe", 15, 21),
    ),
    positive=PositiveRule(threshold=10),
    flags=(),
    source=SOURCE,
    licence=LICENCE,
    wording="published",
    copyright_notice=PFIZER_NOTICE,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    loinc_status=(
        LoincCode("panel", "69737-5", "confirmed"),
        LoincCode("total", "70274-6", "confirmed", "HL7 PHR IG value set"),
    ),
)

GAD2 = Instrument(
    code="gad-2",
    name="Generalized Anxiety Disorder 2-item scale",
    short_name="GAD-2",
    description="Anxiety pre-screen: GAD-7 items 1 and 2.",
    recall_period="2 weeks",
    instructions=STEM,
    items=tuple(_gad_item(*row) for row in GAD_ITEMS[:2]),
    scoring=ScoringSpec(total_items=("1", "2"), total_range=(0, 6)),
    bands=(Band("negative", "Negative", 0, 2), Band("positive", "Positive", 3, 6)),
    positive=PositiveRule(threshold=3),
    flags=(
        FlagSpec(
            code="offer-gad-7",
            label="Offer the full GAD-7",
            message="GAD-2 is positive (3 or more): offer the full GAD-7.",
            when=PositiveIs(True),
        ),
    ),
    source=SOURCE,
    licence=LICENCE,
    wording="published",
    copyright_notice=PFIZER_NOTICE,
    loinc_status=(LoincCode("total", "70272-0", "secondary-source"),),
    prescreen_for="gad-7",
    notes=("No LOINC panel code was found for GAD-2; the total code is ⚠️ secondary.",),
)
