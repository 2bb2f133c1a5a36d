"""The check-in form: a no-change day is two answers (use, safety) and Send, and one more
(medications taken) when the participant has medications on the list.

Mood, craving and sleep start at the last check-in's values; the use and safety questions
never start answered, so each is a deliberate tap; so does the medications question.
"""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from checkins import lists

SCALE = [(n, str(n)) for n in range(11)]
# A question left blank is named in the words the questionnaires use, not "This field".
UNANSWERED = {"required": _("Answer this question.")}
# Django's own "Ensure this value is less than or equal to 24." is not how a person talks.
HOURS_SLEPT = _("Write the hours you slept as a number from 0 to 24, for example 7 or 6.5.")
YES_NO = [("no", _("No")), ("yes", _("Yes"))]
# Adapted to yes/no from PHQ-9 item 9 (public domain; wording source as in docs/instruments.md).
SAFETY_QUESTION = _(
    "Since your last check-in, have you had thoughts that you would be better off dead, "
    "or of hurting yourself in some way?"
)


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=_("Mood today (0 = worst, 10 = best)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=UNANSWERED,
    )
    craving = forms.TypedChoiceField(
        label=_("Craving today (0 = none, 10 = strongest)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=UNANSWERED,
    )
    used = forms.ChoiceField(
        label=_("Any use since your last check-in?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=UNANSWERED,
    )
    # Declared in the order the page asks, so the list of missing answers reads the same way.
    medications_taken = forms.ChoiceField(
        label=_("Your medications since your last check-in"),
        choices=[
            ("all", _("Took all")),
            ("some", _("Missed some")),
            ("none", _("Took none")),
        ],
        widget=forms.RadioSelect,
        error_messages=UNANSWERED,
    )
    substances = forms.MultipleChoiceField(
        label=_("What did you use?"),
        choices=lists.SUBSTANCES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    triggers = forms.MultipleChoiceField(
        label=_("Triggers today"),
        choices=lists.TRIGGERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trigger_note = forms.CharField(label=_("Another trigger"), max_length=300, required=False)
    coping = forms.MultipleChoiceField(
        label=_("Coping skills you used"),
        choices=lists.COPING,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_slept = forms.DecimalField(
        label=_("Hours slept last night"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value", "max_decimal_places"), HOURS_SLEPT
        ),
    )
    safety = forms.ChoiceField(
        label=SAFETY_QUESTION, choices=YES_NO, widget=forms.RadioSelect, error_messages=UNANSWERED
    )

    def __init__(
        self, *args, coping_choices=None, last=None, ask_medications=False, **kwargs
    ) -> None:
        if last is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "mood": last.mood,
                "craving": last.craving,
                "hours_slept": last.hours_slept,
            }
        super().__init__(*args, **kwargs)
        self.last = last
        if coping_choices:
            cast(forms.MultipleChoiceField, self.fields["coping"]).choices = coping_choices
        if not ask_medications:
            del self.fields["medications_taken"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "mood": data["mood"],
            "craving": data["craving"],
            "used": data["used"] == "yes",
            "safety": data["safety"] == "yes",
            "substances": data["substances"] if data["used"] == "yes" else [],
            "triggers": data["triggers"],
            "trigger_note": data["trigger_note"],
            "coping": data["coping"],
            "hours_slept": data["hours_slept"],
            "medications_taken": data.get("medications_taken", ""),
        }
