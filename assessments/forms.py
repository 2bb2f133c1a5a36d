"""Forms for administering instruments.

The questions themselves are not a Django form: they are rendered from the instrument
definition and posted as `item-<id>` fields. This module only turns the posted text into
integers; whether an answer is allowed, required or skipped is the scorer's decision.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _

from assessments import instruments
from assessments.instruments.types import Instrument, Item
from assessments.models import Mode
from assessments.scoring import AnswerError
from assessments.services import MIN_REASON_LENGTH, can_self_report

FIELD_PREFIX = "item-"


@dataclass
class Question:
    """One item as the form shows it: wording, options, the answer given and any error."""

    item: Item
    number: str
    value: int | None
    error: str = ""
    section_heading: str = ""
    skip_reason: str = ""
    skip_json: str = ""
    options: list[tuple[int, str, bool]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{FIELD_PREFIX}{self.item.id}"

    @property
    def dom_id(self) -> str:
        return f"q-{self.item.id}"


def questions(
    instrument: Instrument,
    answers: Mapping[str, int] | None = None,
    errors: Mapping[str, str] | None = None,
    *,
    staff: bool = False,
) -> list[Question]:
    """The instrument's items, in order, ready for the `_questions.html` partial.

    Staff entering answers see how the instrument is scored: the clusters an instrument's
    sections may be (PCL-5's B to E, AUDIT's domains) as headings, and each skip rule in
    the scorer's words. The person answering sees the form as published: its own parts
    only, no scoring structure, and no skip rule, since the
    page's script hides the questions the rules leave out and the scorer refuses in their
    words any answer given where the rules skip it."""
    answers = answers or {}
    errors = errors or {}
    skips = {item["id"]: item["skip"] for item in instrument.to_dict()["items"]}
    shows_sections = staff or not instrument.sections_are_scoring
    result = []
    section = None
    for item in instrument.items:
        value = answers.get(item.id)
        heading = ""
        if shows_sections and item.section and item.section != section:
            heading = item.section
            section = item.section
        result.append(
            Question(
                item=item,
                number="" if item.id == "difficulty" else item.id,
                value=value,
                error=errors.get(item.id, ""),
                section_heading=heading,
                skip_reason=item.skip.reason if staff and item.skip else "",
                # The page's script reads the rule; its reason is shown to staff above.
                skip_json=json.dumps({"when": skips[item.id]["when"]})
                if skips.get(item.id)
                else "",
                options=[(o.value, o.label, o.value == value) for o in item.options],
            )
        )
    return result


def answers_from(instrument: Instrument, data: Mapping[str, str]) -> tuple[dict, dict]:
    """Posted `item-<id>` fields as {item id: int}; blanks are left out (unanswered)."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in instrument.items:
        raw = (data.get(f"{FIELD_PREFIX}{item.id}") or "").strip()
        if not raw:
            continue
        try:
            answers[item.id] = int(raw)
        except ValueError:
            errors[item.id] = (
                _("Enter a whole number.") if item.value_range else _("Choose one of the options.")
            )
    return answers, errors


def refusals(instrument: Instrument, errors: list[AnswerError]) -> tuple[dict, list[str]]:
    """The scorer's refusals as the form shows them: {item id: words} for the questions
    concerned, each in the reader's language ("Answer this question.") rather than the
    scorer's English for the API ("item 2 is required"), and what concerns the whole form."""
    words = {
        "required": _("Answer this question."),
        "not-allowed": _("Choose one of the options."),
        "not-applicable": _("Leave this question blank: your earlier answers skip it."),
    }
    by_item: dict[str, str] = {}
    problems: list[str] = []
    for error in errors:
        if error["item"] in instrument.item_ids:
            by_item.setdefault(error["item"], words.get(error["kind"], error["message"]))
        else:
            problems.append(error["message"] or "")
    return by_item, problems


def answer_rows(instrument: Instrument, answers: Mapping[str, int]) -> list[tuple[Item, str]]:
    """Each item with the label of the option chosen, for the result page."""
    rows = []
    for item in instrument.items:
        if item.id not in answers:
            rows.append((item, "—"))
            continue
        value = answers[item.id]
        label = next((o.label for o in item.options if o.value == value), "")
        rows.append((item, f"{label} ({value})" if label else str(value)))
    return rows


class StartForm(forms.Form):
    """Choose an instrument and how it is given."""

    instrument = forms.ChoiceField(label="Instrument")
    mode = forms.ChoiceField(
        label="Mode",
        choices=[
            (Mode.STAFF_ENTERED, "Staff-entered (I ask the questions or copy a paper form)"),
            (Mode.SELF_REPORT, "Self-report on this device (hand it to the participant)"),
        ],
        initial=Mode.STAFF_ENTERED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (i.code, f"{i.short_name} — {i.description.rstrip('.')}")
            for i in instruments.all_instruments()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, mode = data.get("instrument"), data.get("mode")
        if code and mode == Mode.SELF_REPORT:
            instrument = instruments.get(code)
            if not can_self_report(instrument):
                self.add_error(
                    "mode",
                    f"{instrument.short_name} is given from the licensed paper form: choose "
                    "Staff-entered.",
                )
        return data


class SubmitOptionsForm(forms.Form):
    allow_incomplete = forms.BooleanField(
        required=False,
        label="Some questions were not answered: record it as incomplete (no total or band)",
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the correction",
        min_length=MIN_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: item 4 was copied from the paper form wrongly.",
    )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        label="Why is this administration entered in error?",
        min_length=MIN_REASON_LENGTH,
        help_text="For example: recorded on the wrong participant's chart.",
    )
