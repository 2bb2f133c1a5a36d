"""Property tests (Hypothesis) over every instrument.

Ranges, monotonicity, band partitions, skip logic (CRAFFT, C-SSRS, AUDIT, MDQ) and
validation. Valid answer sets come from ``scoring_helpers.valid_answers``, which reads
the declared skip rules with its own evaluator; the skip-logic properties check the
rules against hand-written oracles taken from the clinical reference.
"""

import itertools
from collections.abc import Iterable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.instruments import all_instruments, get
from assessments.instruments.types import Band
from assessments.scoring import ScoringError, score, validate
from assessments.tests.scoring_helpers import valid_answers

SETTINGS = settings(max_examples=100, deadline=None, database=None)
CODES = [instrument.code for instrument in all_instruments()]
TOTALLED = [i.code for i in all_instruments() if i.scoring.total_range is not None]
RANGE_BANDED = [i.code for i in all_instruments() if any(b.low is not None for b in i.bands)]
SUBSCALE_RANGES = {
    "audit": {"consumption": (0, 12), "dependence": (0, 12), "harm": (0, 16)},
    "pcl-5": {"b": (0, 20), "c": (0, 8), "d": (0, 28), "e": (0, 24)},
    "bam": {"use": (0, 12), "risk": (0, 24), "protective": (0, 24)},
    "who-5": {"percentage": (0, 100)},
}
BAD_VALUES = st.one_of(
    st.integers().filter(lambda v: v < -1 or v > 400),
    st.just(-1),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.none(),
)


@pytest.mark.parametrize("code", CODES)
@SETTINGS
@given(data=st.data())
def test_valid_answers_score_completely(code, data):
    instrument = get(code)
    answers = data.draw(valid_answers(instrument))
    assert validate(code, answers) == []
    result = score(code, answers)
    assert result.complete is True
    if instrument.scoring.total_range is not None:
        low, high = instrument.scoring.total_range
        assert result.total is not None
        assert low <= result.total <= high
    else:
        assert result.total is None
    for key, (low, high) in SUBSCALE_RANGES.get(code, {}).items():
        assert low <= result.subscales[key] <= high
    assert (result.band is None) is (not instrument.bands)
    assert (result.positive is None) is (instrument.positive is None)
    critical = {flag.code for flag in result.flags if flag.critical}
    assert critical <= {"suicide-risk"}


@pytest.mark.parametrize("code", TOTALLED)
@SETTINGS
@given(data=st.data())
def test_raising_an_item_never_lowers_the_total(code, data):
    instrument = get(code)
    answers = data.draw(valid_answers(instrument))
    scored = [
        i for i in instrument.items if i.id in answers and i.id in instrument.scoring.total_items
    ]
    assume(scored)
    item = data.draw(st.sampled_from(scored))
    higher = [v for v in item.allowed_values if v > answers[item.id]]
    assume(higher)
    raised = answers | {item.id: data.draw(st.sampled_from(higher))}
    assume(validate(code, raised) == [])
    before, after = score(code, answers).total, score(code, raised).total
    assert before is not None and after is not None
    if item.reverse:
        assert after < before
    else:
        assert after > before


@SETTINGS
@given(data=st.data())
def test_dast10_item_3_is_the_only_reversed_item(data):
    answers = data.draw(valid_answers(get("dast-10")))
    yes_count = sum(answers[str(n)] for n in range(1, 11) if n != 3)
    assert score("dast-10", answers).total == yes_count + (1 - answers["3"])


@pytest.mark.parametrize("code", RANGE_BANDED)
def test_range_bands_partition_the_total_range(code):
    instrument = get(code)
    assert instrument.scoring.total_range is not None
    low, high = instrument.scoring.total_range
    ranged = sorted(_ranges(instrument.bands))
    assert ranged[0][0] == low
    assert ranged[-1][1] == high
    for previous, following in itertools.pairwise(ranged):
        assert following[0] == previous[1] + 1
    for total in range(low, high + 1):
        assert sum(1 for b_low, b_high in ranged if b_low <= total <= b_high) == 1


def _ranges(bands: Iterable[Band]) -> list[tuple[int, int]]:
    """The (low, high) of each range band; a range band has both ends."""
    ranged = [b for b in bands if b.low is not None]
    assert all(b.high is not None for b in ranged)
    return [(b.low, b.high) for b in ranged if b.low is not None and b.high is not None]


@pytest.mark.parametrize("code", RANGE_BANDED)
@SETTINGS
@given(data=st.data())
def test_band_matches_its_range(code, data):
    instrument = get(code)
    result = score(code, data.draw(valid_answers(instrument)))
    band = next(b for b in instrument.bands if b.key == result.band)
    if band.low is not None:
        assert band.high is not None and result.total is not None
        assert band.low <= result.total <= band.high


@pytest.mark.parametrize(
    ("code", "bands"),
    [
        ("audit-c", ("negative", "positive")),
        ("mdq", ("negative", "positive")),
        ("pcl-5", ("below-threshold", "probable-ptsd")),
    ],
)
@SETTINGS
@given(data=st.data())
def test_threshold_bands_follow_positive(code, bands, data):
    result = score(code, data.draw(valid_answers(get(code))))
    assert result.band == bands[result.positive]


@SETTINGS
@given(total=st.integers(0, 12), sex=st.sampled_from(["male", "female", "unknown", None]))
def test_auditc_threshold_by_sex(total, sex):
    answers = {"1": min(total, 4), "2": min(max(total - 4, 0), 4), "3": max(total - 8, 0)}
    context = {} if sex is None else {"sex": sex}
    result = score("audit-c", answers, context)
    assert result.positive is (total >= (4 if sex == "male" else 3))
    assert ("threshold-assumed" in [f.code for f in result.flags]) is (sex in (None, "unknown"))


# --- skip logic against the reference's rules --------------------------------------


@SETTINGS
@given(
    days=st.tuples(*[st.one_of(st.just(0), st.integers(0, 365))] * 3),
    part_b=st.lists(st.sampled_from([0, 1]), min_size=6, max_size=6),
    keep=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_crafft_skip_rule(days, part_b, keep):
    answers = dict(zip(["a1", "a2", "a3"], days, strict=True)) | {"b1": part_b[0]}
    extra = {f"b{n}": part_b[n - 1] for n in range(2, 7) if keep[n - 2]}
    answers |= extra
    errors = validate("crafft", answers)
    if sum(days) == 0:
        assert [e["item"] for e in errors] == sorted(extra)
        if not extra:
            result = score("crafft", answers)
            assert result.band == "no-use"
            assert ("car-risk" in [f.code for f in result.flags]) is (part_b[0] == 1)
    else:
        missing = [f"b{n}" for n in range(2, 7) if not keep[n - 2]]
        assert [e["item"] for e in errors] == missing
        if not missing:
            total = sum(part_b)
            result = score("crafft", answers)
            assert (result.total, result.band) == (total, "high-risk" if total >= 2 else "low-risk")


@SETTINGS
@given(
    answers=st.fixed_dictionaries(
        {}, optional={k: st.sampled_from([0, 1]) for k in ["1", "2", "3", "4", "5", "6", "6a"]}
    )
)
def test_cssrs_skip_rules_and_risk(answers):
    errors = {e["item"] for e in validate("cssrs-screener", answers)}
    expected = {k for k in ("1", "2", "6") if k not in answers}
    if answers.get("2") == 1:
        expected |= {k for k in ("3", "4", "5") if k not in answers}
    elif answers.get("2") == 0:
        expected |= {k for k in ("3", "4", "5") if answers.get(k) == 1}
    if answers.get("6") == 1 and "6a" not in answers:
        expected.add("6a")
    if answers.get("6") == 0 and answers.get("6a") == 1:
        expected.add("6a")
    assert errors == expected
    if not expected:
        yes = {k for k, v in answers.items() if v == 1}
        if yes & {"4", "5"} or {"6", "6a"} <= yes:
            level = "high"
        elif "3" in yes or ("6" in yes and answers.get("6a") == 0):
            level = "moderate"
        elif yes & {"1", "2"}:
            level = "low"
        else:
            level = "none"
        result = score("cssrs-screener", answers)
        assert result.band == level
        assert result.positive is bool(yes)
        assert [(f.code, f.critical) for f in result.flags] == (
            [("suicide-risk", True)] if yes else []
        )


@SETTINGS
@given(data=st.data())
def test_audit_skip_rules(data):
    item1 = data.draw(st.sampled_from([0, 1, 2, 3, 4]))
    answers = {"1": item1, "9": data.draw(st.sampled_from([0, 2, 4])), "10": 0}
    for item in ("2", "3"):
        if item1 > 0 or data.draw(st.booleans()):
            answers[item] = data.draw(st.integers(0, 4))
    omitted = [str(n) for n in range(4, 9) if not data.draw(st.booleans())]
    answers |= {str(n): data.draw(st.integers(0, 4)) for n in range(4, 9) if str(n) not in omitted}
    may_omit_4_to_8 = item1 == 0 or answers.get("2", 0) + answers.get("3", 0) == 0
    errors = [e["item"] for e in validate("audit", answers)]
    assert errors == ([] if may_omit_4_to_8 else omitted)
    if not errors:
        assert score("audit", answers).total == sum(answers.values())


@SETTINGS
@given(
    part1=st.lists(st.sampled_from([0, 1]), min_size=13, max_size=13),
    item2=st.sampled_from([None, 0, 1]),
    item3=st.sampled_from([0, 1, 2, 3]),
)
def test_mdq_skip_rule_and_positive(part1, item2, item3):
    answers = {f"1{c}": v for c, v in zip("abcdefghijklm", part1, strict=True)} | {"3": item3}
    if item2 is not None:
        answers["2"] = item2
    errors = [e["item"] for e in validate("mdq", answers)]
    yes = sum(part1)
    assert errors == (["2"] if item2 is None and yes >= 2 else [])
    if not errors:
        result = score("mdq", answers)
        assert result.total == yes
        assert result.positive is (yes >= 7 and item2 == 1 and item3 >= 2)


# --- validation --------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
@SETTINGS
@given(data=st.data(), unknown=st.text(min_size=1, max_size=4))
def test_unknown_item_is_named(code, data, unknown):
    instrument = get(code)
    assume(unknown not in instrument.item_ids)
    answers = data.draw(valid_answers(instrument)) | {unknown: 0}
    with pytest.raises(ScoringError) as info:
        score(code, answers)
    assert info.value.errors == [
        {
            "item": unknown,
            "message": f"unknown item {unknown!r} for {instrument.short_name}",
            "kind": "",
        }
    ]


@pytest.mark.parametrize("code", CODES)
@SETTINGS
@given(data=st.data())
def test_bad_value_is_named(code, data):
    instrument = get(code)
    answers = data.draw(valid_answers(instrument))
    item = data.draw(st.sampled_from(instrument.items))
    bad = data.draw(BAD_VALUES.filter(lambda v: type(v) is not int or v not in item.allowed_values))
    with pytest.raises(ScoringError) as info:
        score(code, answers | {item.id: bad}, allow_incomplete=True)
    named = [e["item"] for e in info.value.errors]
    assert named.count(item.id) == 1
    assert item.id in named
