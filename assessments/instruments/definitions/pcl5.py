"""PCL-5 (PTSD Checklist for DSM-5; Weathers et al. 2013, National Center for PTSD).

Wording: ``ucam-department-of-psychiatry/camcops``
``server/camcops_server/extra_strings/pcl5.xml`` (stem, items 1-20 without their
numbering, answer labels). Licence: camcops ``docs/source/tasks/pcl5.rst`` (a work of
the US Government). Scoring, clusters, the provisional-diagnosis rule and the
overridable cut-off: clinical reference sections 0 and 1a.
"""

from assessments.instruments.types import (
    AllOf,
    Band,
    Count,
    FlagSpec,
    Instrument,
    Item,
    Licence,
    LoincCode,
    Option,
    PositiveIs,
    PositiveRule,
    ScoringSpec,
    Source,
    SourceRef,
    Subscale,
)

CAMCOPS_PCL5 = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="server/camcops_server/extra_strings/pcl5.xml",
    commit="b546e37636b4af8b08e778437a7017fdf0452c8c",
    used_for="stem, item wording 1-20 and answer labels",
)
CAMCOPS_PCL5_DOC = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="docs/source/tasks/pcl5.rst",
    commit="267c0f654dc0650aea15e4031778cae7b28c1cd4",
    used_for="licence statement (US Government work)",
)

OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)

PCL5_TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    "Being \u201csuperalert\u201d or watchful or on guard?",
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

CLUSTERS = (
    ("b", "Cluster B", tuple(str(n) for n in range(1, 6)), 1),
    ("c", "Cluster C", ("6", "7"), 1),
    ("d", "Cluster D", tuple(str(n) for n in range(8, 15)), 2),
    ("e", "Cluster E", tuple(str(n) for n in range(15, 21)), 2),
)
CLUSTER_OF = {item: label for _, label, items, _ in CLUSTERS for item in items}

PCL5 = Instrument(
    code="pcl-5",
    name="PTSD Checklist for DSM-5",
    short_name="PCL-5",
    description="PTSD symptoms.",
    recall_period="past month",
    instructions="In the past month, how much were you bothered by:",
    items=tuple(
        Item(
            id=str(number),
            text=text,
            options=OPTIONS,
            answer_list="pcl5-bother",
            section=CLUSTER_OF[str(number)],
        )
        for number, text in enumerate(PCL5_TEXTS, start=1)
    ),
    scoring=ScoringSpec(
        total_items=tuple(str(n) for n in range(1, 21)),
        total_range=(0, 80),
        subscales=tuple(
            Subscale(key, items, label=f"{label} (items {items[0]}-{items[-1]})")
            for key, label, items, _ in CLUSTERS
        ),
    ),
    bands=(
        Band("below-threshold", "Below threshold", when=PositiveIs(False)),
        Band("probable-ptsd", "Probable PTSD", when=PositiveIs(True)),
    ),
    positive=PositiveRule(threshold=33, overridable=(31, 32, 33)),
    flags=(
        FlagSpec(
            code="provisional-ptsd",
            label="Provisional PTSD",
            message=(
                "Provisional PTSD diagnosis pattern: at least 1 B, 1 C, 2 D and 2 E items "
                "rated 2 (Moderately) or higher."
            ),
            when=AllOf(
                tuple(
                    Count(items, low=2, high=4, at_least=needed) for _, _, items, needed in CLUSTERS
                )
            ),
        ),
    ),
    source=Source(
        citation=(
            "Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD "
            "Checklist for DSM-5 (PCL-5). National Center for PTSD; 2013. Blevins CA et al. "
            "J Trauma Stress. 2015;28(6):489-498."
        ),
        wording_from=(CAMCOPS_PCL5, CAMCOPS_PCL5_DOC),
        url="https://www.ptsd.va.gov/professional/assessment/adult-sr/ptsd-checklist.asp",
    ),
    licence=Licence(
        text="A work of the US Government (National Center for PTSD); public domain.",
        status="public-domain",
    ),
    wording="published",
    copyright_notice="PCL-5: Weathers et al. (2013), National Center for PTSD (US Government work).",
    loinc_status=(
        LoincCode("panel", "101697-1", "unverified", "seen in one repository only"),
        LoincCode("total", "101698-9", "unverified", "seen in one repository only"),
    ),
    notes=(
        "Probable PTSD at >= 33 by Tandem's default; sources give 31-33, so a program may "
        "override it to 31, 32 or 33 (overrides={'positive_threshold': 31}). The bands "
        "below-threshold / probable-ptsd follow the threshold in use.",
        "Item 10 has no closing question mark in the wording source; kept as stored.",
        "LOINC 101697-1 / 101698-9 are ❓ unverified (one repository only).",
    ),
    sections_are_scoring=True,
)
