"""A service's refusal shown on the form that was sent."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.fields import refuse_on


class _NoteForm(forms.Form):
    text = forms.CharField()


def _sent() -> _NoteForm:
    form = _NoteForm({"text": "Slept well."})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_of_the_form_stands_beside_it():
    form = _sent()
    status = refuse_on(form, InvalidInput("Text is too long.", field="text"))
    assert form.errors == {"text": ["Text is too long."]}
    assert status == 400


def test_a_refusal_naming_a_field_the_form_lacks_stands_above_the_form():
    form = _sent()
    refuse_on(form, InvalidInput("The day is closed.", field="day"))
    assert form.errors == {NON_FIELD_ERRORS: ["The day is closed."]}


def test_a_refusal_naming_no_field_stands_above_the_form():
    form = _sent()
    refuse_on(form, InvalidInput("Choose what to add."))
    assert form.errors == {NON_FIELD_ERRORS: ["Choose what to add."]}


def test_an_edit_someone_else_saved_first_answers_409():
    form = _sent()
    status = refuse_on(form, ConcurrentEdit("note"))
    assert status == 409
    assert "changed by someone else" in form.non_field_errors()[0]


def test_the_page_may_say_the_refusal_in_its_own_words():
    form = _sent()
    refuse_on(form, InvalidInput("Too long.", field="text"), message="Please check this: Too long.")
    assert form.errors == {"text": ["Please check this: Too long."]}
