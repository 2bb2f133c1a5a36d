"""AUDIT and AUDIT-C (Alcohol Use Disorders Identification Test, WHO; AUDIT-C, Bush 1998).

Wording: ``ucam-department-of-psychiatry/camcops``
``server/camcops_server/extra_strings/audit.xml``: AUDIT items 1-10 and options as in
the WHO manual (WHO/MSD/MSB/01.6a); AUDIT-C instruction and items in the Bush et al.
(1998) / SAMHSA phrasing stored there as ``c_instruction`` and ``c_q1_question`` to
``c_q3_question``, with the AUDIT-C item 2 option "0, 1, or 2" (``c_q2_option0``).
Licence statements: camcops ``docs/source/tasks/audit.rst``. Scoring, zones, skip rules
and AUDIT-C thresholds: clinical reference sections 0 and 1a.
"""

from assessments.instruments.types import (
    AllOf,
    AnyOf,
    Band,
    FlagSpec,
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
    SexIs,
    SkipRule,
    Source,
    SourceRef,
    Subscale,
    all_zero,
)

CAMCOPS_AUDIT = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="server/camcops_server/extra_strings/audit.xml",
    commit="3718b0e64160c137f081314a18772c5d83be834f",
    used_for="item wording and answer labels (AUDIT and AUDIT-C)",
)
CAMCOPS_AUDIT_DOC = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="docs/source/tasks/audit.rst",
    commit="0daca0079b88bf2c601b3ac220b685c6ee78f481",
    used_for="licence statements (WHO 2001; SAMHSA for AUDIT-C)",
)

Q1_OPTIONS = (
    Option(0, "Never"),
    Option(1, "Monthly or less"),
    Option(2, "2 to 4 times a month"),
    Option(3, "2 to 3 times a week"),
    Option(4, "4 or more times a week"),
)
Q2_OPTIONS = (
    Option(0, "1 or 2"),
    Option(1, "3 or 4"),
    Option(2, "5 or 6"),
    Option(3, "7, 8, or 9"),
    Option(4, "10 or more"),
)
Q3_TO_8_OPTIONS = (
    Option(0, "Never"),
    Option(1, "Less than monthly"),
    Option(2, "Monthly"),
    Option(3, "Weekly"),
    Option(4, "Daily or almost daily"),
)
Q9_TO_10_OPTIONS = (
    Option(0, "No"),
    Option(2, "Yes, but not in the last year"),
    Option(4, "Yes, during the last year"),
)

SKIP_AFTER_NEVER = SkipRule(
    when=ItemIn("1", (0,)),
    effect="may-omit",
    reason="item 1 is 'Never', so items 2-8 may be omitted",
)
SKIP_DEPENDENCE_HARM = SkipRule(
    when=AnyOf((ItemIn("1", (0,)), all_zero(("2", "3")))),
    effect="may-omit",
    reason="item 1 is 'Never' or items 2 + 3 score 0, so items 4-8 may be omitted",
)

AUDIT_TEXTS = (
    ("1", "How often do you have a drink containing alcohol?", Q1_OPTIONS, None),
    (
        "2",
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        Q2_OPTIONS,
        SKIP_AFTER_NEVER,
    ),
    (
        "3",
        "How often do you have six or more drinks on one occasion?",
        Q3_TO_8_OPTIONS,
        SKIP_AFTER_NEVER,
    ),
    (
        "4",
        "How often during the last year have you found that you were not able to stop "
        "drinking once you had started?",
        Q3_TO_8_OPTIONS,
        SKIP_DEPENDENCE_HARM,
    ),
    (
        "5",
        "How often during the last year have you failed to do what was normally expected "
        "from you because of drinking?",
        Q3_TO_8_OPTIONS,
        SKIP_DEPENDENCE_HARM,
    ),
    (
        "6",
        "How often during the last year have you needed a first drink in the morning to get "
        "yourself going after a heavy drinking session?",
        Q3_TO_8_OPTIONS,
        SKIP_DEPENDENCE_HARM,
    ),
    (
        "7",
        "How often during the last year have you had a feeling of guilt or remorse after drinking?",
        Q3_TO_8_OPTIONS,
        SKIP_DEPENDENCE_HARM,
    ),
    (
        "8",
        "How often during the last year have you been unable to remember what happened the "
        "night before because you had been drinking?",
        Q3_TO_8_OPTIONS,
        SKIP_DEPENDENCE_HARM,
    ),
    (
        "9",
        "Have you or someone else been injured as a result of your drinking?",
        Q9_TO_10_OPTIONS,
        None,
    ),
    (
        "10",
        "Has a relative or friend or a doctor or another health worker been concerned about "
        "your drinking or suggested you cut down?",
        Q9_TO_10_OPTIONS,
        None,
    ),
)

SECTIONS = {
    **dict.fromkeys(("1", "2", "3"), "consumption"),
    **dict.fromkeys(("4", "5", "6"), "dependence"),
    **dict.fromkeys(("7", "8", "9", "10"), "harm"),
}
ANSWER_LISTS = {
    "1": "audit-frequency",
    "2": "audit-quantity",
    **dict.fromkeys(("3", "4", "5", "6", "7", "8"), "audit-how-often"),
    **dict.fromkeys(("9", "10"), "audit-yes-when"),
}

AUDIT = Instrument(
    code="audit",
    name="Alcohol Use Disorders Identification Test",
    short_name="AUDIT",
    description="Hazardous and harmful alcohol use.",
    recall_period="past year",
    instructions=(
        "Now I am going to ask you some questions about your use of alcoholic beverages "
        "during this past year."
    ),
    items=tuple(
        Item(
            id=item_id,
            text=text,
            options=options,
            skip=skip,
            section=SECTIONS[item_id],
            answer_list=ANSWER_LISTS[item_id],
        )
        for item_id, text, options, skip in AUDIT_TEXTS
    ),
    scoring=ScoringSpec(
        total_items=tuple(str(n) for n in range(1, 11)),
        total_range=(0, 40),
        subscales=(
            Subscale("consumption", ("1", "2", "3"), label="Consumption (items 1-3)"),
            Subscale("dependence", ("4", "5", "6"), label="Dependence (items 4-6)"),
            Subscale("harm", ("7", "8", "9", "10"), label="Harm (items 7-10)"),
        ),
    ),
    bands=(
        Band("zone-1", "Zone I", 0, 7),
        Band("zone-2", "Zone II", 8, 15),
        Band("zone-3", "Zone III", 16, 19),
        Band("zone-4", "Zone IV", 20, 40),
    ),
    positive=PositiveRule(threshold=8),
    flags=(),
    source=Source(
        citation=(
            "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
            "Disorders Identification Test. Guidelines for Use in Primary Care. 2nd ed. "
            "WHO/MSD/MSB/01.6a. World Health Organization; 2001."
        ),
        wording_from=(CAMCOPS_AUDIT, CAMCOPS_AUDIT_DOC),
        url="https://iris.who.int/handle/10665/67205",
    ),
    licence=Licence(
        text=(
            "\u00a9 World Health Organization 2001: \u201cmay, however, be freely reviewed, "
            "abstracted, reproduced, and translated, in part or in whole but not for sale or "
            "for use in conjunction with commercial purposes.\u201d"
        ),
        status="non-commercial-with-credit",
    ),
    wording="published",
    copyright_notice=(
        "AUDIT \u00a9 World Health Organization 2001. Reproduced for non-commercial use; not "
        "for sale or for use in conjunction with commercial purposes."
    ),
    loinc_status=(
        LoincCode("panel", "72110-0", "secondary-source"),
        LoincCode("total", "75624-7", "secondary-source"),
    ),
    notes=(
        "The zone cut-offs and the >= 8 positive rule are marked ⚠️ (partly confirmed) in "
        "the reference.",
        "Skip rules say items 2-8 'may be omitted' after item 1 = Never (and 4-8 when items "
        "2 + 3 = 0); the reference does not forbid answering them, so answers given anyway "
        "are accepted and scored.",
        "Items 9 and 10 take only 0, 2 or 4 and are always required.",
        "The WHO licence excludes commercial use; a commercial deployment needs WHO permission.",
        "LOINC panel and total codes are ⚠️ secondary-source only.",
    ),
    sections_are_scoring=True,
)

AUDITC = Instrument(
    code="audit-c",
    name="AUDIT Alcohol Consumption Questions",
    short_name="AUDIT-C",
    description="Alcohol consumption: AUDIT items 1-3.",
    recall_period="past year",
    instructions=(
        "Consider a \u201cdrink\u201d to be a can or bottle of beer, a glass of wine, a wine "
        "cooler, or one cocktail or a shot of hard liquor (like scotch, gin, or vodka)."
    ),
    items=(
        Item(
            id="1",
            text="How often did you have a drink containing alcohol in the past year?",
            options=Q1_OPTIONS,
        ),
        Item(
            id="2",
            text=(
                "How many drinks did you have on a typical day when you were drinking in the "
                "past year?"
            ),
            options=(Option(0, "0, 1, or 2"), *Q2_OPTIONS[1:]),
        ),
        Item(
            id="3",
            text="How often did you have 6 or more drinks on one occasion in the past year?",
            options=Q3_TO_8_OPTIONS,
        ),
    ),
    scoring=ScoringSpec(total_items=("1", "2", "3"), total_range=(0, 12)),
    bands=(
        Band("negative", "Negative", when=PositiveIs(False)),
        Band("positive", "Positive", when=PositiveIs(True)),
    ),
    positive=PositiveRule(by_sex=(("male", 4), ("female", 3), ("unknown", 3))),
    flags=(
        FlagSpec(
            code="threshold-assumed",
            label="Sex unknown: threshold assumed",
            message=(
                "Sex not recorded: the lower (female) threshold of 3 was used; confirm the "
                "client's sex to apply the correct threshold."
            ),
            when=SexIs(("unknown",)),
        ),
        FlagSpec(
            code="consumption-only-q1",
            label="All points from item 1",
            message=(
                "All points come from item 1 (frequency): drinking is likely under the "
                "recommended limits."
            ),
            when=AllOf((ItemAtLeast("1", 1), all_zero(("2", "3")))),
            item="1",
        ),
    ),
    source=Source(
        citation=(
            "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol "
            "consumption questions (AUDIT-C). Arch Intern Med. 1998;158(16):1789-1795."
        ),
        wording_from=(CAMCOPS_AUDIT, CAMCOPS_AUDIT_DOC),
        url="https://www.ncbi.nlm.nih.gov/pubmed/9738608",
    ),
    licence=Licence(
        text="\u201cAUDIT-C is available for use in the public domain\u201d (SAMHSA).",
        status="public-domain",
    ),
    wording="published",
    loinc_panel="72109-2",
    loinc_total="75626-2",
    loinc_status=(
        LoincCode("panel", "72109-2", "confirmed"),
        LoincCode("total", "75626-2", "confirmed", "US Core"),
    ),
    notes=(
        "Positive at >= 4 for men and >= 3 for women; when sex is absent or 'unknown' the "
        "scorer uses >= 3 and raises threshold-assumed.",
        "consumption-only-q1 is raised when item 1 scores above 0 and items 2 and 3 score "
        "0; a total of 0 has no points to attribute and raises nothing.",
        "AUDIT-C has no skip rules: all three items are required.",
    ),
)
