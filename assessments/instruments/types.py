"""Frozen dataclasses that declare an instrument as data.

The scorer (``assessments.scoring``) reads these declarations and nothing else, so a
rule lives in exactly one place: the instrument's definition module. Conditions are a
small closed vocabulary evaluated with three-valued logic (True / False / None for
"not decidable from the answers given"), which lets one evaluator serve skip rules,
bands, positive rules and flags alike.

No Django imports: these modules are pure and importable anywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """Base class of the condition vocabulary; ``kind`` names it in serialised form."""

    kind = "condition"


@dataclass(frozen=True)
class ItemIn(Condition):
    """The item's (effective) value is one of ``values``."""

    item: str
    values: tuple[int, ...]
    kind = "item-in"


@dataclass(frozen=True)
class ItemAtLeast(Condition):
    """The item's (effective) value is >= ``value``."""

    item: str
    value: int
    kind = "item-at-least"


@dataclass(frozen=True)
class Count(Condition):
    """How many of ``items`` have a value in [low, high] is within [at_least, at_most]."""

    items: tuple[str, ...]
    low: int
    high: int
    at_least: int | None = None
    at_most: int | None = None
    kind = "count"


@dataclass(frozen=True)
class Total(Condition):
    """The total is >= ``at_least`` and/or < ``below``."""

    at_least: int | None = None
    below: int | None = None
    kind = "total"


@dataclass(frozen=True)
class SubscaleRange(Condition):
    """The subscale's value is >= ``at_least`` and/or <= ``at_most``."""

    subscale: str
    at_least: int | None = None
    at_most: int | None = None
    kind = "subscale"


@dataclass(frozen=True)
class PositiveIs(Condition):
    """The screen's positive result equals ``value``."""

    value: bool
    kind = "positive-is"


@dataclass(frozen=True)
class SexIs(Condition):
    """The (normalised) context sex is one of ``values``; absent counts as "unknown"."""

    values: tuple[str, ...]
    kind = "sex-is"


@dataclass(frozen=True)
class AllOf(Condition):
    """Every sub-condition holds."""

    conditions: tuple[Condition, ...]
    kind = "all-of"


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one sub-condition holds."""

    conditions: tuple[Condition, ...]
    kind = "any-of"


def all_zero(items: tuple[str, ...]) -> Count:
    """Every item in ``items`` is 0 (a skipped item counts as 0)."""
    return Count(items=items, low=0, high=0, at_least=len(items))


def any_yes(items: tuple[str, ...]) -> Count:
    """At least one yes/no item in ``items`` is yes (1)."""
    return Count(items=items, low=1, high=1, at_least=1)


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------

SkipEffect = Literal["may-omit", "must-omit", "absent-or-zero"]


@dataclass(frozen=True)
class Option:
    """One answer option: ``value`` is the published point value, ``label`` its text."""

    value: int
    label: str
    code: str | None = None  # LOINC answer code (LA…), where the source gives one


@dataclass(frozen=True)
class SkipRule:
    """The instrument's own skip rule for an item.

    ``effect`` when ``when`` holds:
    - ``may-omit``: the item may be left out; it then scores 0 (AUDIT 2-8, MDQ 2);
    - ``must-omit``: the item must be absent (CRAFFT b2-b6 when part A is all 0);
    - ``absent-or-zero``: the item must be absent or 0/no (C-SSRS 3-5 when 2 is no).
    """

    when: Condition
    effect: SkipEffect
    reason: str


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is published wording, or a label when ``is_label`` is set."""

    id: str
    text: str
    options: tuple[Option, ...] = ()
    value_range: tuple[int, int] | None = None  # for free integer entry (CRAFFT days of use)
    required: bool = True
    skip: SkipRule | None = None
    scored: bool = True
    reverse: bool = False
    critical: bool = False  # a "critical item": a flag with critical=True references it
    section: str | None = None
    is_label: bool = False
    answer_list: str | None = None  # name of the shared answer list, for rendering
    loinc: str | None = None

    @property
    def allowed_values(self) -> tuple[int, ...] | range:
        """Every value this item accepts."""
        if self.value_range is not None:
            return range(self.value_range[0], self.value_range[1] + 1)
        return tuple(option.value for option in self.options)

    def points(self, value: int) -> int:
        """Points the item contributes for ``value`` (applies reverse scoring)."""
        if not self.reverse:
            return value
        values = self.allowed_values
        return max(values) + min(values) - value


# ---------------------------------------------------------------------------
# Scoring, bands, positive rule, flags
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscale:
    """A named sum of item points, optionally multiplied (WHO-5 percentage = raw x 4)."""

    key: str
    items: tuple[str, ...]
    multiplier: int = 1
    label: str = ""

    @property
    def use_total(self) -> bool:
        """An empty item tuple means "the total" (WHO-5 percentage)."""
        return not self.items


@dataclass(frozen=True)
class ScoringSpec:
    """Which items make the total, its declared range, and the subscales."""

    total_items: tuple[str, ...] = ()
    total_range: tuple[int, int] | None = None
    subscales: tuple[Subscale, ...] = ()


@dataclass(frozen=True)
class Band:
    """A result band. The first band whose range and ``when`` both hold is the result.

    ``low``/``high`` are inclusive total bounds (None: not range-based, e.g. C-SSRS).
    """

    key: str
    label: str
    low: int | None = None
    high: int | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class PositiveRule:
    """When the screen is positive.

    Either a total threshold (``threshold`` with ``comparison``, optionally by context
    sex through ``by_sex``) or a ``condition``. ``overridable`` lists the values a
    program may set instead of the default (from the range the sources give).
    """

    threshold: int | None = None
    comparison: Literal["at-least", "below"] = "at-least"
    by_sex: tuple[tuple[str, int], ...] = ()
    condition: Condition | None = None
    overridable: tuple[int, ...] = ()
    override_key: str = "positive_threshold"

    def threshold_for(self, sex: str) -> int | None:
        """The default threshold for a normalised sex ("male", "female", "unknown")."""
        for key, value in self.by_sex:
            if key == sex:
                return value
        return self.threshold


@dataclass(frozen=True)
class FlagSpec:
    """A flag raised when ``when`` holds.

    ``label`` names the flag in a few words where a list or a tag has no room for the
    message, in the words of the source the instrument cites (clinical reference, section 0).
    ``critical`` flags raise a clinical alert; they are also raised on saved partial
    forms whenever the answers already given decide them (``when`` is True).
    ``message`` may use ``{band}`` (the band's label) and ``{yes_items}``.
    """

    code: str
    label: str
    message: str
    when: Condition
    item: str | None = None
    critical: bool = False


# ---------------------------------------------------------------------------
# Provenance: LOINC, source, licence
# ---------------------------------------------------------------------------

LoincStatus = Literal["confirmed", "secondary-source", "unverified"]
LicenceStatus = Literal[
    "public-domain",
    "free-no-permission",
    "non-commercial-with-credit",
    "unverified-use-paper-form",
]
WordingStatus = Literal["published", "labels-only"]


@dataclass(frozen=True)
class LoincCode:
    """A LOINC code with the reference's confidence (✅ confirmed, ⚠️ secondary, ❓)."""

    role: Literal["panel", "total"]
    code: str
    status: LoincStatus
    note: str = ""


@dataclass(frozen=True)
class SourceRef:
    """A stored public file the wording (or a part of it) was copied from."""

    repository: str
    path: str
    commit: str
    used_for: str


@dataclass(frozen=True)
class Source:
    """Literature citation plus where the item wording came from."""

    citation: str
    wording_from: tuple[SourceRef, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Licence:
    """Licence text as found and a machine-readable status for the UI."""

    text: str
    status: LicenceStatus

    @property
    def paper_form_only(self) -> bool:
        """True when the UI must say "administer from the licensed paper form"."""
        return self.status == "unverified-use-paper-form"


# ---------------------------------------------------------------------------
# Instrument
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """A complete instrument definition: items, scoring, bands, flags and provenance."""

    code: str
    name: str
    short_name: str
    description: str
    recall_period: str
    instructions: str
    items: tuple[Item, ...]
    scoring: ScoringSpec
    bands: tuple[Band, ...]
    positive: PositiveRule | None
    flags: tuple[FlagSpec, ...]
    source: Source
    licence: Licence
    wording: WordingStatus
    copyright_notice: str = ""
    loinc_panel: str | None = None  # only codes the reference marks ✅
    loinc_total: str | None = None  # only codes the reference marks ✅
    loinc_status: tuple[LoincCode, ...] = ()
    prescreen_for: str | None = None
    notes: tuple[str, ...] = ()
    # The items' sections are the scoring structure (PCL-5's clusters, AUDIT's domains),
    # which the published form does not print: headings for staff, not for the person
    # answering (`assessments.forms.questions`).
    sections_are_scoring: bool = False

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id`` (KeyError when there is none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in form order."""
        return tuple(item.id for item in self.items)

    @property
    def answer_lists(self) -> dict[str, tuple[Option, ...]]:
        """Shared answer lists by name, in first-use order, for rendering a grid."""
        lists: dict[str, tuple[Option, ...]] = {}
        for item in self.items:
            if item.answer_list and item.answer_list not in lists:
                lists[item.answer_list] = item.options
        return lists

    def band_label(self, key: str) -> str:
        """The band's label as declared ("Moderately severe" for "moderately-severe"); a key
        this definition no longer declares is given back as it was stored."""
        return next((band.label for band in self.bands if band.key == key), key)

    def flag_label(self, code: str) -> str:
        """The flag's short label as declared ("Suicide risk" for "suicide-risk"); a code
        this definition no longer declares is given back as it was stored."""
        return next((flag.label for flag in self.flags if flag.code == code), code)

    @property
    def critical_items(self) -> tuple[str, ...]:
        """Ids of the items whose answers can raise a critical flag."""
        return tuple(item.id for item in self.items if item.critical)

    @property
    def critical_flag_codes(self) -> tuple[str, ...]:
        """Codes of this instrument's flags that raise a clinical alert."""
        return tuple(flag.code for flag in self.flags if flag.critical)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready definition for ``GET /api/v1/instruments/{code}``."""
        data: dict[str, Any] = _jsonable(self)
        data["critical_items"] = list(self.critical_items)
        data["critical_flag_codes"] = list(self.critical_flag_codes)
        data["paper_form_only"] = self.licence.paper_form_only
        data["answer_lists"] = {
            name: [_jsonable(option) for option in options]
            for name, options in self.answer_lists.items()
        }
        return data


def _jsonable(obj: Any) -> Any:
    """Turn dataclasses, tuples and ranges into JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, Condition):
            data = {"kind": obj.kind, **data}
        return data
    if isinstance(obj, tuple | list):
        return [_jsonable(value) for value in obj]
    if isinstance(obj, Mapping):
        return {key: _jsonable(value) for key, value in obj.items()}
    return obj
