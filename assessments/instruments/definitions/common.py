"""Answer lists and source references shared by several instrument definitions.

Sources: the PHQ/GAD frequency labels and LOINC answer codes (LL358-3: LA6568-5,
LA6569-3, LA6570-1, LA6571-9) as in ``LHNCBC/lforms-fhir-app``
``e2e-tests/data/R4/phq9.json``; the yes/no coding (1 = yes, 0 = no) is Tandem's
convention from section 0 of the clinical reference.
"""

from assessments.instruments.types import Option, SourceRef

YES_NO = (Option(0, "No"), Option(1, "Yes"))

FREQUENCY_2_WEEKS = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

LFORMS_PHQ9 = SourceRef(
    repository="LHNCBC/lforms-fhir-app",
    path="e2e-tests/data/R4/phq9.json",
    commit="00585d0ce7d77751010a7dcc81684a32ae95ad99",
    used_for="answer labels with LOINC answer codes; item LOINC codes",
)

LABEL_NOTE = (
    "Item texts are Tandem's short neutral labels, not the published wording: the "
    "reference does not confirm that this instrument's licence allows its wording in "
    "software, so it is administered from the licensed paper form and only the answers "
    "are entered here."
)

CAMCOPS_GAD7_DOC = SourceRef(
    repository="ucam-department-of-psychiatry/camcops",
    path="docs/source/tasks/gad7.rst",
    commit="0309dd1f6504ef62090c5eb1781780794a9346f3",
    used_for="phqscreeners permission statement (copyright notice)",
)

PFIZER_NOTICE = (
    "PHQ and GAD-7 screeners \u00a9 Pfizer Inc. \u201cAll PHQ, GAD-7 screeners and "
    "translations are downloadable from this website and no permission is required to "
    "reproduce, translate, display or distribute them.\u201d (phqscreeners.com)"
)
