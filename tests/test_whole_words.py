"""`whole_words`: a label or a name wraps only at its spaces, never after a hyphen."""

from django.template import Context, Template
from django.utils.safestring import mark_safe

from tandem.templatetags.words import whole_words


def test_a_hyphenated_word_is_kept_on_one_line_and_the_rest_may_wrap_at_spaces():
    assert whole_words("Mood (check-in)") == 'Mood <span class="nowrap">(check-in)</span>'
    assert whole_words("Hours attended") == "Hours attended"


def test_what_was_typed_is_escaped_once():
    said = Template("{{ name|whole_words }}").render(
        Context({"name": "<b>Dual-Diagnosis</b> & Co"})
    )
    assert said == '<span class="nowrap">&lt;b&gt;Dual-Diagnosis&lt;/b&gt;</span> &amp; Co'
    assert whole_words(mark_safe("A &amp; B-C")) == 'A &amp; <span class="nowrap">B-C</span>'
