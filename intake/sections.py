"""The biopsychosocial intake, declared as data: its sections, their fields and code sets.

One declaration drives the web form, the validation of a save, the read-only view and the
check before signing, so a section is added or reworded in one place. Each section is saved
on its own (see `intake.services.save_section`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from intake import teds
from tandem import dates
from tandem.errors import InvalidInput

TEXT_MAX = 300
LONG_TEXT_MAX = 5000

# Barriers to attending that the program can help with; "internet" matters for virtual sessions.
BARRIERS = (
    ("transport", "Transport"),
    ("childcare", "Childcare"),
    ("work_shifts", "Work shifts"),
    ("internet", "Internet access for virtual sessions"),
    ("cost", "Cost or insurance"),
    ("language", "Language"),
    ("accessibility", "Disability or access needs"),
    ("other", "Other"),
)
YES_NO_UNSURE = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
SUBSTANCE_SLOTS = (("1", "Primary"), ("2", "Secondary"), ("3", "Tertiary"))


@dataclass(frozen=True)
class Field:
    """One question. `kind` is text, long_text, choice, multi, integer or date."""

    name: str
    label: str
    kind: str = "long_text"
    choices: tuple[tuple[str, str], ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    help: str = ""
    first_use_band: bool = False  # an age at first use, shown with its TEDS FRSTUSE band

    def display(self, value: Any) -> str:
        """The stored value in words, for the read-only view."""
        if self.kind == "choice":
            return dict(self.choices).get(value, value)
        if self.kind == "multi":
            names = dict(self.choices)
            return ", ".join(names.get(v, v) for v in value)
        if self.first_use_band:
            return f"{value} ({teds.label(teds.FIRST_USE_AGE, teds.first_use_band(value))})"
        return str(value)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    intro: str = ""
    required: tuple[str, ...] = ()  # fields that must be filled before the intake is signed

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _substance_fields(slot: str, slot_label: str) -> tuple[Field, ...]:
    return (
        Field(
            f"sub{slot}",
            f"{slot_label} substance",
            "choice",
            teds.SUBSTANCE,
            help=f"TEDS SUB{slot}",
        ),
        Field(f"route{slot}", f"{slot_label} substance: usual route", "choice", teds.ROUTE),
        Field(
            f"freq{slot}",
            f"{slot_label} substance: use in the past month",
            "choice",
            teds.FREQUENCY,
        ),
        Field(
            f"first_use_age{slot}",
            f"{slot_label} substance: age at first use",
            "integer",
            min_value=1,
            max_value=99,
            help="In years; Tandem shows the TEDS FRSTUSE band beside it.",
            first_use_band=True,
        ),
        Field(f"last_use{slot}", f"{slot_label} substance: last use", "date"),
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "presenting",
        "Presenting problem and goals",
        (
            Field("presenting_problem", "What brings them to treatment now"),
            Field(
                "participant_goals",
                "The participant's own goals",
                help="In their own words, as they said them.",
            ),
            Field("referral_source", "Referral source", "choice", teds.REFERRAL_SOURCE),
        ),
        required=("presenting_problem", "participant_goals"),
    ),
    Section(
        "substance_use",
        "Substance use history",
        (
            *(f for slot, name in SUBSTANCE_SLOTS for f in _substance_fields(slot, name)),
            Field(
                "prior_treatment_episodes",
                "Earlier substance-use treatment episodes (number)",
                "integer",
                min_value=0,
                max_value=99,
            ),
            Field(
                "prior_treatment",
                "Earlier substance-use treatment",
                help="Where and when, for which substance, and what helped.",
            ),
            Field(
                "overdoses", "Overdoses", help="When, which substance, whether naloxone was used."
            ),
            Field(
                "medication_for_addiction",
                "Medication for addiction treatment now",
                "text",
                help="For example buprenorphine, methadone, naltrexone; prescriber.",
            ),
        ),
        intro="Up to three substances, most troubling first, with the TEDS codes.",
        required=("sub1",),
    ),
    Section(
        "mental_health",
        "Mental health history",
        (
            Field("history", "Mental health history", help="Diagnoses, symptoms, onset."),
            Field("prior_treatment", "Earlier mental health treatment"),
            Field(
                "hospitalisations",
                "Psychiatric hospitalisations (number)",
                "integer",
                min_value=0,
                max_value=99,
            ),
            Field("hospitalisation_details", "Psychiatric hospitalisations: when and why"),
            Field("suicide_self_harm", "Past suicidal thoughts, attempts or self-harm"),
        ),
    ),
    Section(
        "medical",
        "Medical conditions and medications",
        (
            Field("conditions", "Medical conditions"),
            Field("medications", "Current medications", help="Name, dose, prescriber."),
            Field("allergies", "Allergies", "text"),
            Field("primary_care", "Primary care provider", "text"),
            Field("pregnant", "Pregnant", "choice", teds.PREGNANT, help="TEDS PREG"),
        ),
    ),
    Section(
        "trauma",
        "Trauma history",
        (
            Field(
                "history",
                "Trauma history",
                help="Only what the participant chose to share; no need to ask for detail.",
            ),
            Field("safe_now", "Feels safe where they live now", "choice", YES_NO_UNSURE),
        ),
    ),
    Section(
        "supports",
        "Family and social supports",
        (
            Field("family", "Family"),
            Field("social_supports", "People who support their recovery"),
            Field(
                "self_help",
                "Self-help group attendance, past 30 days",
                "choice",
                teds.SELF_HELP_ATTENDANCE,
            ),
        ),
    ),
    Section(
        "living",
        "Housing, employment and education",
        (
            Field("housing", "Living arrangement", "choice", teds.LIVING_ARRANGEMENT),
            Field("housing_notes", "Housing notes", help="Who they live with; is it stable?"),
            Field("employment", "Employment", "choice", teds.EMPLOYMENT),
            Field(
                "not_in_labor_force",
                "If not in the labor force",
                "choice",
                teds.NOT_IN_LABOR_FORCE,
            ),
            Field("employment_notes", "Work notes", help="Job, hours, shifts."),
            Field("education", "Education", "choice", teds.EDUCATION),
        ),
    ),
    Section(
        "legal",
        "Legal",
        (
            Field("arrests", "Arrests in the past 30 days", "choice", teds.ARRESTS),
            Field(
                "legal_status",
                "Legal situation",
                help="Probation or parole, court dates, pending charges, court-ordered treatment.",
            ),
        ),
    ),
    Section(
        "strengths",
        "Strengths",
        (Field("strengths", "Strengths", help="What they are good at; what has helped before."),),
    ),
    Section(
        "barriers",
        "Barriers to attending",
        (
            Field("barriers", "Barriers", "multi", BARRIERS),
            Field("barrier_notes", "What would help them attend"),
        ),
    ),
)
SECTIONS_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


def get(key: str) -> Section:
    """The section with this key, or InvalidInput naming the bad key."""
    try:
        return SECTIONS_BY_KEY[key]
    except KeyError:
        raise InvalidInput(f"The intake has no section {key!r}.", field="section") from None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def clean(
    section: Section, values: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """Check a save against the declaration and return the JSON to store (blanks left out).
    `today` (the program's): a date answer records what happened, so none is later."""
    names = {f.name for f in section.fields}
    unknown = set(values) - names
    if unknown:
        raise InvalidInput(f"Unknown field(s) in {section.title}: {', '.join(sorted(unknown))}.")
    data: dict[str, Any] = {}
    for field in section.fields:
        value = values.get(field.name)
        if _blank(value):
            continue
        data[field.name] = _clean_value(field, value, today)
    return data


def _clean_value(field: Field, value: Any, today: date | None) -> Any:
    problem = f"{field.label}: "
    if field.kind in ("text", "long_text"):
        limit = TEXT_MAX if field.kind == "text" else LONG_TEXT_MAX
        if not isinstance(value, str):
            raise InvalidInput(problem + "write text.", field=field.name)
        if len(value) > limit:
            raise InvalidInput(problem + f"at most {limit} characters.", field=field.name)
        return value.strip()
    if field.kind == "choice":
        if value not in dict(field.choices):
            raise InvalidInput(problem + f"{value!r} is not one of the choices.", field=field.name)
        return value
    if field.kind == "multi":
        allowed = dict(field.choices)
        if isinstance(value, str) or any(v not in allowed for v in value):
            raise InvalidInput(problem + "choose from the list.", field=field.name)
        return [code for code, _ in field.choices if code in set(value)]
    if field.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(problem + "enter a whole number.", field=field.name)
        if not field.min_value <= value <= field.max_value:
            raise InvalidInput(
                problem + f"between {field.min_value} and {field.max_value}.", field=field.name
            )
        return value
    if not isinstance(value, date):
        raise InvalidInput(problem + "enter a date.", field=field.name)
    if today is not None and value > today:
        raise InvalidInput(problem + "cannot be in the future.", field=field.name)
    return value.isoformat()


def missing_for_signing(data_by_section: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The required answers still blank, as "Section — field" labels."""
    return [
        f"{section.title} — {section.field(name).label}"
        for section in SECTIONS
        for name in section.required
        if _blank(data_by_section.get(section.key, {}).get(name))
    ]


def _form_field(field: Field) -> forms.Field:
    common: dict[str, Any] = {"label": field.label, "required": False, "help_text": field.help}
    if field.kind == "text":
        return forms.CharField(max_length=TEXT_MAX, **common)
    if field.kind == "long_text":
        return forms.CharField(
            max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if field.kind == "choice":
        return forms.ChoiceField(choices=[("", "— not recorded —"), *field.choices], **common)
    if field.kind == "multi":
        return forms.MultipleChoiceField(
            choices=field.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if field.kind == "integer":
        return forms.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    return dates.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)


class SectionForm(forms.Form):
    """A section's fields plus the version the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, section: Section, signed: bool, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_{section.key}_%s")
        super().__init__(*args, **kwargs)
        self.section = section
        for field in section.fields:
            self.fields[field.name] = _form_field(field)
        if signed:
            self.fields["addendum_reason"] = forms.CharField(
                label="Reason for the addendum",
                max_length=500,
                help_text="The signed intake stays as it is; your change starts a new version.",
            )

    def section_values(self) -> dict[str, Any]:
        return {f.name: self.cleaned_data.get(f.name) for f in self.section.fields}


def readable(section: Section, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value in words) for each answered field, in declared order."""
    return [(f.label, f.display(data[f.name])) for f in section.fields if f.name in data]
