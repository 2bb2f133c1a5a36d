"""BAM (Brief Addiction Monitor; VA / VISN 4 MIRECC; Cacciola et al. 2013).

Wording: none. The reference leaves the BAM's licence unstated (❓ "likely public
domain"), so item texts are Tandem's neutral labels naming each item's domain; the BAM
is administered from the VA form and only the answers are entered. Answer coding
(every scored item 0-4; item 14 Yes = 4), subscales and flags: clinical reference
sections 0 and 1a (PMC3602977).
"""

from assessments.instruments.definitions.common import LABEL_NOTE
from assessments.instruments.types import (
    FlagSpec,
    Instrument,
    Item,
    Licence,
    Option,
    ScoringSpec,
    Source,
    Subscale,
    SubscaleRange,
)

DAY_COUNTS = (
    Option(0, "0 days"),
    Option(1, "1-3 days"),
    Option(2, "4-8 days"),
    Option(3, "9-15 days"),
    Option(4, "16-30 days"),
)
HEALTH = (
    Option(0, "Excellent"),
    Option(1, "Very good"),
    Option(2, "Good"),
    Option(3, "Fair"),
    Option(4, "Poor"),
)
EXTENT = (
    Option(0, "Not at all"),
    Option(1, "Slightly"),
    Option(2, "Moderately"),
    Option(3, "Considerably"),
    Option(4, "Extremely"),
)
INCOME = (Option(0, "No"), Option(4, "Yes"))

LISTS = {"day-count": DAY_COUNTS, "health": HEALTH, "extent": EXTENT, "income": INCOME}

# (id, domain, answer list, scored)
BAM_ITEMS = (
    ("1", "physical health", "health", True),
    ("2", "nights with trouble falling or staying asleep", "day-count", True),
    ("3", "days feeling depressed, anxious, angry or very upset", "day-count", True),
    ("4", "days drinking any alcohol", "day-count", True),
    ("5", "days of heavy drinking", "day-count", True),
    ("6", "days using illegal drugs or misusing prescription medication", "day-count", True),
    ("7a", "days using marijuana", "day-count", False),
    ("7b", "days using sedatives or tranquilizers", "day-count", False),
    ("7c", "days using cocaine or crack", "day-count", False),
    ("7d", "days using other stimulants", "day-count", False),
    ("7e", "days using opiates", "day-count", False),
    ("7f", "days using inhalants", "day-count", False),
    ("7g", "days using other drugs", "day-count", False),
    ("8", "cravings or urges to drink or use drugs", "extent", True),
    ("9", "confidence in staying abstinent over the next 30 days", "extent", True),
    ("10", "days attending self-help meetings", "day-count", True),
    ("11", "days in risky situations or with people that raise the risk of use", "day-count", True),
    ("12", "religion or spirituality supports recovery", "extent", True),
    ("13", "days spent at work, school or volunteer work", "day-count", True),
    ("14", "enough income from legal sources for necessities", "income", True),
    ("15", "bothered by arguments or problems with family or friends", "extent", True),
    ("16", "days in contact with family or friends supportive of recovery", "day-count", True),
    ("17", "satisfaction with progress toward recovery goals", "extent", False),
)

BAM = Instrument(
    code="bam",
    name="Brief Addiction Monitor",
    short_name="BAM",
    description="Substance use monitoring: use, risk factors and protective factors.",
    recall_period="past 30 days",
    instructions="",
    items=tuple(
        Item(
            id=item_id,
            text=f"Item {item_id} \u2014 (see published form): {domain}",
            options=LISTS[list_name],
            answer_list=f"bam-{list_name}",
            required=scored,
            scored=scored,
            is_label=True,
        )
        for item_id, domain, list_name, scored in BAM_ITEMS
    ),
    scoring=ScoringSpec(
        subscales=(
            Subscale("use", ("4", "5", "6"), label="Use (items 4+5+6, 0-12)"),
            Subscale(
                "risk", ("1", "2", "3", "8", "11", "15"), label="Risk (items 1+2+3+8+11+15, 0-24)"
            ),
            Subscale(
                "protective",
                ("9", "10", "12", "13", "14", "16"),
                label="Protective (items 9+10+12+13+14+16, 0-24)",
            ),
        ),
    ),
    bands=(),
    positive=None,
    flags=(
        FlagSpec(
            code="use",
            label="Use ≥ 1",
            message="Use subscale is 1 or more: alcohol or drug use reported in the past 30 days.",
            when=SubscaleRange("use", at_least=1),
        ),
        FlagSpec(
            code="risk-high",
            label="Risk ≥ 12",
            message="Risk subscale is 12 or more.",
            when=SubscaleRange("risk", at_least=12),
        ),
        FlagSpec(
            code="protective-low",
            label="Protective ≤ 12",
            message="Protective subscale is 12 or less.",
            when=SubscaleRange("protective", at_most=12),
        ),
    ),
    source=Source(
        citation=(
            "Cacciola JS, Alterman AI, DePhilippis D, et al. Development and initial "
            "evaluation of the Brief Addiction Monitor (BAM). J Subst Abuse Treat. "
            "2013;44(3):256-263. PMC3602977."
        ),
        url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3602977/",
    ),
    licence=Licence(
        text="VA / VISN 4 MIRECC product; licence not stated (likely public domain, ❓).",
        status="unverified-use-paper-form",
    ),
    wording="labels-only",
    notes=(
        LABEL_NOTE,
        "No total, band or positive result: the BAM is read as subscales use / risk / "
        "protective and item-level answers (the developers advise reading item-level "
        "answers).",
        "Day-count coding 0 = 0 days, 1 = 1-3, 2 = 4-8, 3 = 9-15, 4 = 16-30 is marked ⚠️ "
        "(confirm against the VA form); this is not the continuous day-count BAM-R.",
        "Items 8, 9, 12, 15 are coded Not at all 0 ... Extremely 4; the middle labels "
        "(Slightly, Moderately, Considerably) and the item 17 scale are Tandem's, pending the "
        "VA form.",
        "Items 7a-7g and 17 are recorded, not scored, and optional. The reference states no "
        "skip rule for item 7, so none is applied.",
        "Item 14 (income): No = 0, Yes = 4.",
        "The flag thresholds (use >= 1, risk >= 12, protective <= 12) are marked ⚠️ in the "
        "reference.",
        "No LOINC code was found (❓).",
    ),
)
