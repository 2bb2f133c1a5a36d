"""The safety plan form: one box per step, one item per line."""

from django import forms

from safety.models import STEPS
from safety.services import MAX_STEP_LENGTH


class DraftForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field, title in STEPS:
            self.fields[field] = forms.CharField(
                label=title,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=MAX_STEP_LENGTH,
                help_text="One item per line, in the participant's own words.",
            )


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(widget=forms.HiddenInput)
    written_with_participant = forms.BooleanField(
        label="Written with the participant, who has a copy", required=False
    )
