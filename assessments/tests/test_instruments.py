"""The instrument library as data: codes, ids, band keys, flags, provenance, serialisation."""

import json

import pytest

from assessments.instruments import (
    CRITICAL_FLAG_CODES,
    UnknownInstrumentError,
    all_instruments,
    get,
)
from assessments.instruments.types import AllOf, AnyOf, Condition, Count, ItemAtLeast, ItemIn

CODES = [
    "phq-9",
    "phq-2",
    "gad-7",
    "gad-2",
    "audit",
    "audit-c",
    "dast-10",
    "pcl-5",
    "cssrs-screener",
    "mdq",
    "bam",
    "who-5",
    "crafft",
]
BAND_KEYS = {
    "phq-9": ["minimal", "mild", "moderate", "moderately-severe", "severe"],
    "phq-2": ["negative", "positive"],
    "gad-7": ["minimal", "mild", "moderate", "severe"],
    "gad-2": ["negative", "positive"],
    "audit": ["zone-1", "zone-2", "zone-3", "zone-4"],
    "audit-c": ["negative", "positive"],
    "dast-10": ["none", "low", "moderate", "substantial", "severe"],
    "pcl-5": ["below-threshold", "probable-ptsd"],
    "cssrs-screener": ["high", "moderate", "low", "none"],
    "mdq": ["negative", "positive"],
    "bam": [],
    "who-5": ["poor", "adequate"],
    "crafft": ["no-use", "low-risk", "high-risk"],
}
FLAG_CODES = {
    "phq-9": ["suicide-risk"],
    "phq-2": ["offer-phq-9"],
    "gad-7": [],
    "gad-2": ["offer-gad-7"],
    "audit": [],
    "audit-c": ["threshold-assumed", "consumption-only-q1"],
    "dast-10": [],
    "pcl-5": ["provisional-ptsd"],
    "cssrs-screener": ["suicide-risk"],
    "mdq": [],
    "bam": ["use", "risk-high", "protective-low"],
    "who-5": ["depression-screen-indicated"],
    "crafft": ["car-risk"],
}
NUMBERED = [str(n) for n in range(1, 100)]
ITEM_IDS = {
    "phq-9": [*NUMBERED[:9], "difficulty"],
    "phq-2": NUMBERED[:2],
    "gad-7": NUMBERED[:7],
    "gad-2": NUMBERED[:2],
    "audit": NUMBERED[:10],
    "audit-c": NUMBERED[:3],
    "dast-10": NUMBERED[:10],
    "pcl-5": NUMBERED[:20],
    "cssrs-screener": ["1", "2", "3", "4", "5", "6", "6a"],
    "mdq": [*(f"1{c}" for c in "abcdefghijklm"), "2", "3", "4", "5"],
    "bam": [*NUMBERED[:6], *(f"7{c}" for c in "abcdefg"), *NUMBERED[7:17]],
    "who-5": NUMBERED[:5],
    "crafft": ["a1", "a2", "a3", "b1", "b2", "b3", "b4", "b5", "b6"],
}
CONFIRMED_LOINC = {
    "phq-9": ("44249-1", "44261-6"),
    "gad-7": ("69737-5", "70274-6"),
    "audit-c": ("72109-2", "75626-2"),
    "dast-10": (None, "82667-7"),
}
LABELS_ONLY = {"cssrs-screener", "mdq", "bam", "crafft"}


def test_registry_codes_and_order():
    assert [instrument.code for instrument in all_instruments()] == CODES


def test_unknown_code():
    with pytest.raises(UnknownInstrumentError, match="phq-8"):
        get("phq-8")


@pytest.mark.parametrize("code", CODES)
def test_item_ids(code):
    assert list(get(code).item_ids) == ITEM_IDS[code]


@pytest.mark.parametrize("code", CODES)
def test_band_keys(code):
    assert [band.key for band in get(code).bands] == BAND_KEYS[code]


@pytest.mark.parametrize("code", CODES)
def test_flag_codes(code):
    assert [flag.code for flag in get(code).flags] == FLAG_CODES[code]


def test_only_suicide_risk_is_critical():
    assert {"suicide-risk"} == CRITICAL_FLAG_CODES
    critical = {i.code: i.critical_flag_codes for i in all_instruments() if i.critical_flag_codes}
    assert critical == {"phq-9": ("suicide-risk",), "cssrs-screener": ("suicide-risk",)}
    assert get("phq-9").critical_items == ("9",)
    assert get("cssrs-screener").critical_items == ("1", "2", "3", "4", "5", "6", "6a")


@pytest.mark.parametrize("code", CODES)
def test_loinc_fields_hold_only_confirmed_codes(code):
    instrument = get(code)
    assert (instrument.loinc_panel, instrument.loinc_total) == CONFIRMED_LOINC.get(
        code, (None, None)
    )
    confirmed = {(c.role, c.code) for c in instrument.loinc_status if c.status == "confirmed"}
    expected = {("panel", instrument.loinc_panel), ("total", instrument.loinc_total)}
    assert confirmed == {pair for pair in expected if pair[1] is not None}


@pytest.mark.parametrize("code", CODES)
def test_wording_provenance_and_licence(code):
    instrument = get(code)
    labels_only = code in LABELS_ONLY
    assert instrument.wording == ("labels-only" if labels_only else "published")
    assert instrument.licence.paper_form_only is labels_only
    assert all(item.is_label is labels_only for item in instrument.items)
    assert bool(instrument.source.wording_from) is not labels_only
    assert instrument.source.citation
    if labels_only:
        assert all("(see published form)" in item.text for item in instrument.items)


@pytest.mark.parametrize("code", ["phq-9", "phq-2", "gad-7", "gad-2", "audit", "dast-10", "who-5"])
def test_copyright_notice_where_the_licence_asks(code):
    assert get(code).copyright_notice


def test_prescreens():
    assert {i.code: i.prescreen_for for i in all_instruments() if i.prescreen_for} == {
        "phq-2": "phq-9",
        "gad-2": "gad-7",
    }


def test_published_wording_samples():
    assert get("phq-9").item("9").text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert get("phq-2").item("2").text == get("phq-9").item("2").text
    assert get("gad-2").item("1").text == "Feeling nervous, anxious or on edge"
    assert get("audit").item("10").text.startswith("Has a relative or friend or a doctor")
    assert get("pcl-5").item("4").text.startswith("Feeling very upset")
    assert [o.label for o in get("phq-9").item("1").options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]


def _items_in(condition: Condition) -> set[str]:
    match condition:
        case ItemIn(item=item) | ItemAtLeast(item=item):
            return {item}
        case Count(items=items):
            return set(items)
        case AllOf(conditions=subs) | AnyOf(conditions=subs):
            return set().union(*(_items_in(sub) for sub in subs))
    return set()


@pytest.mark.parametrize("code", CODES)
def test_rules_reference_existing_items_and_skips_look_back(code):
    instrument = get(code)
    ids = list(instrument.item_ids)
    referenced = set(instrument.scoring.total_items)
    for subscale in instrument.scoring.subscales:
        referenced |= set(subscale.items)
    for rule in [b.when for b in instrument.bands] + [f.when for f in instrument.flags]:
        referenced |= _items_in(rule) if rule else set()
    assert referenced <= set(ids)
    for position, item in enumerate(instrument.items):
        if item.skip:
            assert _items_in(item.skip.when) <= set(ids[:position])
        if item.options:
            assert item.value_range is None
            assert len({o.value for o in item.options}) == len(item.options)
        else:
            assert item.value_range is not None


@pytest.mark.parametrize("code", CODES)
def test_definition_serialises_to_json(code):
    data = get(code).to_dict()
    round_trip = json.loads(json.dumps(data))
    assert round_trip["code"] == code
    assert [item["id"] for item in round_trip["items"]] == ITEM_IDS[code]
    assert round_trip["paper_form_only"] is (code in LABELS_ONLY)
    assert {"licence", "source", "bands", "flags", "loinc_status", "notes"} <= set(round_trip)
    first = round_trip["items"][0]
    assert {"text", "options", "required", "skip", "is_label", "section"} <= set(first)


def test_serialised_skip_rule_names_its_condition():
    item = get("crafft").to_dict()["items"][4]
    assert item["id"] == "b2"
    assert item["skip"]["effect"] == "must-omit"
    assert item["skip"]["when"] == {
        "kind": "count",
        "items": ["a1", "a2", "a3"],
        "low": 0,
        "high": 0,
        "at_least": 3,
        "at_most": None,
    }


def test_answer_lists_for_rendering():
    assert list(get("audit").answer_lists) == [
        "audit-frequency",
        "audit-quantity",
        "audit-how-often",
        "audit-yes-when",
    ]
    assert [o.value for o in get("audit").answer_lists["audit-yes-when"]] == [0, 2, 4]
