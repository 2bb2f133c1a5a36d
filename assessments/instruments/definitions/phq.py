"""PHQ-9 and PHQ-2 (Patient Health Questionnaire; Kroenke, Spitzer & Williams).

Wording: ``ucam-department-of-psychiatry/camcops``
``server/camcops_server/extra_strings/phq9.xml`` (stem, items 1-9 without their
numbering, the difficulty question and its answers). Answer LOINC codes and item LOINC
codes: ``LHNCBC/lforms-fhir-app`` ``e2e-tests/data/R4/phq9.json``. Copyright notice:
HL7 SDC IG example ``HL7/sdc`` ``input/fsh/examples/questionnaire-sdc-profile-example-PHQ9.fsh``
(PHQ-9) and the phqscreeners statement quoted in camcops ``docs/source/tasks/gad7.rst``
(PHQ-2).
Scoring, bands, flags: clinical reference sections 0, 1a and 1b.
"""

from assessments.instruments.definitions.common import (
    CAMCOPS_GAD7_DOC,
    FREQUENCY_2_WEEKS,
    LFORMS_PHQ9,
    PFIZER_NOTICE,
)
from assessments.instruments.types import (
    Band,
    FlagSpec,
    Instrument,
    Item,
    ItemAtLeast,
    Licence,
    LoincCode,
    Option,
    PositiveIs,
    PositiveRule,
    ScoringSpec,
    Source,
    SourceRef,
)

CAMCOPS_PHQ9 = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="server/camcops_server/extra_strings/phq9.xml",
    commit="b7d36c87091911de83a199e362ff98cfe186afb7",
    used_for="stem, item wording 1-9 and the difficulty question",
)
SDC_PHQ9 = SourceRef(
    repository="HL7/sdc",
    path="input/fsh/examples/questionnaire-sdc-profile-example-PHQ9.fsh",
    commit="11f050cb801b6602ab9acb8c5bce72e56a256849",
    used_for="copyright notice",
)

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
COPYRIGHT = (
    "This content is an unaltered digital reproduction of the PHQ-9 which is copyrighted "
    "by Pfizer Inc., which states that no permission is required to reproduce, translate, "
    "display or distribute the PHQ-9."
)
LICENCE = Licence(
    text=(
        "Public domain; \u201cno permission required to reproduce, translate, display or "
        "distribute\u201d (Pfizer / phqscreeners)."
    ),
    status="free-no-permission",
)
CITATION = (
    "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
    "severity measure. J Gen Intern Med. 2001;16(9):606-613. Kroenke K, Spitzer RL, "
    "Williams JBW. The Patient Health Questionnaire-2. Med Care. 2003;41(11):1284-1292."
)
URL = "https://www.phqscreeners.com"

PHQ_ITEMS = (
    ("1", "Little interest or pleasure in doing things", "44250-9"),
    ("2", "Feeling down, depressed, or hopeless", "44255-8"),
    ("3", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("4", "Feeling tired or having little energy", "44254-1"),
    ("5", "Poor appetite or overeating", "44251-7"),
    (
        "6",
        "Feeling bad about yourself \u2014 or that you are a failure or have let yourself "
        "or your family down",
        "44258-2",
    ),
    (
        "7",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "8",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite "
        "\u2014 being so fidgety or restless that you have been moving around a lot more "
        "than usual",
        "44253-3",
    ),
    (
        "9",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

DIFFICULTY = Item(
    id="difficulty",
    text=(
        "If you checked off any problems, how difficult have these problems made it for you "
        "to do your work, take care of things at home, or get along with other people?"
    ),
    options=(
        Option(0, "Not difficult at all", "LA6572-7"),
        Option(1, "Somewhat difficult", "LA6573-5"),
        Option(2, "Very difficult", "LA6575-0"),
        Option(3, "Extremely difficult", "LA6574-3"),
    ),
    required=False,
    scored=False,
    loinc="69722-7",
)


def _phq_item(item_id: str, text: str, loinc: str) -> Item:
    return Item(
        id=item_id,
        text=text,
        options=FREQUENCY_2_WEEKS,
        answer_list="frequency-2-weeks",
        critical=item_id == "9",
        loinc=loinc,
    )


PHQ9 = Instrument(
    code="phq-9",
    name="Patient Health Questionnaire-9",
    short_name="PHQ-9",
    description="Depression severity.",
    recall_period="2 weeks",
    instructions=STEM,
    items=(*(_phq_item(*row) for row in PHQ_ITEMS), DIFFICULTY),
    scoring=ScoringSpec(total_items=tuple(str(n) for n in range(1, 10)), total_range=(0, 27)),
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("moderately-severe", "Moderately severe", 15, 19),
        Band("severe", "Severe", 20, 27),
    ),
    positive=PositiveRule(threshold=10),
    flags=(
        FlagSpec(
            code="suicide-risk",
            label="Suicide risk",
            message=(
                "PHQ-9 item 9 (thoughts of death or self-harm) is above 0: same-day suicide "
                "risk assessment, whatever the total."
            ),
            when=ItemAtLeast("9", 1),
            item="9",
            critical=True,
        ),
    ),
    source=Source(citation=CITATION, wording_from=(CAMCOPS_PHQ9, LFORMS_PHQ9, SDC_PHQ9), url=URL),
    licence=LICENCE,
    wording="published",
    copyright_notice=COPYRIGHT,
    loinc_panel="44249-1",
    loinc_total="44261-6",
    loinc_status=(
        LoincCode("panel", "44249-1", "confirmed"),
        LoincCode("total", "44261-6", "confirmed", "US Core STU7 examples"),
    ),
    notes=(
        "The unnumbered difficulty question is recorded as item 'difficulty' (0-3) and is "
        "not scored.",
        "Item 9 is required like items 1-8 (Tandem convention); LHNCBC's phq9.json marks "
        "it optional, which Tandem does not follow.",
        "LHNCBC's phq9.json help text says '1-4 = Minimal'; Tandem uses the reference's 0-4.",
    ),
)

PHQ2 = Instrument(
    code="phq-2",
    name="Patient Health Questionnaire-2",
    short_name="PHQ-2",
    description="Depression pre-screen: PHQ-9 items 1 and 2.",
    recall_period="2 weeks",
    instructions=STEM,
    items=tuple(_phq_item(*row) for row in PHQ_ITEMS[:2]),
    scoring=ScoringSpec(total_items=("1", "2"), total_range=(0, 6)),
    bands=(Band("negative", "Negative", 0, 2), Band("positive", "Positive", 3, 6)),
    positive=PositiveRule(threshold=3),
    flags=(
        FlagSpec(
            code="offer-phq-9",
            label="Offer the full PHQ-9",
            message="PHQ-2 is positive (3 or more): offer the full PHQ-9.",
            when=PositiveIs(True),
        ),
    ),
    source=Source(
        citation=CITATION, wording_from=(CAMCOPS_PHQ9, LFORMS_PHQ9, CAMCOPS_GAD7_DOC), url=URL
    ),
    licence=LICENCE,
    wording="published",
    copyright_notice=PFIZER_NOTICE,
    loinc_status=(
        LoincCode("panel", "55757-9", "secondary-source"),
        LoincCode("total", "55758-7", "secondary-source"),
    ),
    prescreen_for="phq-9",
    notes=("PHQ-2 LOINC codes are from a secondary source only (reference: ⚠️).",),
)
