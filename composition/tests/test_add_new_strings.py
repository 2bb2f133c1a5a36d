"""`manage.py add_new_strings`: a string newly marked for translation reaches the catalogue
untranslated, and everything the catalogue already holds stays where and as it was, the
entries kept by hand (which makemessages cannot find) included."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tandem.catalogue import (
    CatalogueError,
    add_new_strings,
    entries,
    marked_strings,
    with_new_strings,
)

COMMITTED = Path(settings.BASE_DIR) / "locale"
makemessages_runs = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="makemessages needs GNU gettext's xgettext"
)

# Found by makemessages: a page string and a count with its plural.
NO_RECORD = '#: portal/views.py:32 safety/views.py:105\nmsgid "No record yet"\n'
HOURS = '#: portal/templatetags/portal_tags.py\n#, python-format\nmsgid "%(count)d hour"\n'
# Kept by hand: a template shows them from a variable.
HAND_KEPT = (
    'msgid "Warning signs"\nmsgstr "Señales de alerta"\n',
    'msgid "Present"\nmsgstr "Presente"\n',
)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(COMMITTED, tmp_path / "locale")
    return tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _without(text: str, start: str) -> str:
    """The catalogue with the entry beginning with `start` taken out."""
    entry = re.search(re.escape(start) + r".*?\n\n", text, flags=re.S)
    assert entry is not None, start
    return text.replace(entry[0], "")


def _add(tmp_path: Path) -> str:
    out = StringIO()
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("add_new_strings", stdout=out)
    return out.getvalue()


@makemessages_runs
def test_a_new_string_is_added_untranslated_and_the_rest_stays_as_it_was(tmp_path):
    catalogue = _copy(tmp_path)
    before = _without(_without(catalogue.read_text(encoding="utf-8"), NO_RECORD), HOURS)
    catalogue.write_text(before, encoding="utf-8")

    said = _add(tmp_path)

    after = catalogue.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip() + "\n\n")
    added = after[len(before.rstrip()) :]
    assert 'msgid "No record yet"\nmsgstr ""\n' in added
    assert 'msgid_plural "%(count)d hours"\nmsgstr[0] ""\nmsgstr[1] ""\n' in added
    assert "#, python-format" in added
    assert [e.msgid for e in entries(added)] == ["No record yet", "%(count)d hour"]
    for kept in HAND_KEPT:
        assert after.count(kept) == 1
    assert "#~" not in after
    assert "locale/es/LC_MESSAGES/django.po" in said and "added 2 to translate" in said
    assert "'No record yet'" in said and "'%(count)d hour'" in said

    assert "nothing new" in _add(tmp_path)
    assert catalogue.read_text(encoding="utf-8") == after


@makemessages_runs
def test_the_committed_catalogue_holds_every_string_marked_for_translation(tmp_path):
    """So the catalogue test (every string translated) covers every string a page shows."""
    catalogue = _copy(tmp_path)
    said = _add(tmp_path)
    assert "nothing new" in said, said
    assert catalogue.read_bytes() == (COMMITTED / "es" / "LC_MESSAGES" / "django.po").read_bytes()


@makemessages_runs
def test_strings_are_found_without_writing_beside_the_sources(tmp_path):
    """makemessages writes a work file beside each template it reads (`page.html.py`) and
    removes it after: run in the checkout, two runs at once (two test runs sharing it) write
    and remove each other's. Another run's is still there, as it was, after this one."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        '{% load i18n %}<p>{% translate "No record yet" %}</p>\n', encoding="utf-8"
    )
    (tmp_path / "views.py").write_text(
        'from django.utils.translation import gettext as _\n\n_("Warning signs")\n',
        encoding="utf-8",
    )
    other_run = templates / "page.html.py"
    other_run.write_text("# another run's work file\n", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    found = marked_strings(tmp_path, "es")

    assert {e.msgid for e in found} >= {"No record yet", "Warning signs"}
    assert other_run.read_text(encoding="utf-8") == "# another run's work file\n"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


CATALOGUE = r"""# A catalogue kept by hand.
msgid ""
msgstr ""
"Language: es\n"

#. Kept by hand.
msgid "Present"
msgstr "Presente"

#, python-format
msgid "%(count)d day"
msgid_plural "%(count)d days"
msgstr[0] "%(count)d día"
msgstr[1] "%(count)d días"
msgctxt "button"
msgid ""
"Say \"yes\"\n"
"now"
msgstr "Diga «sí»"

#~ msgid "Gone"
#~ msgstr "Ido"
"""

FOUND = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: portal/views.py:1
msgctxt "button"
msgid "Say \"yes\"\nnow"
msgstr ""

#: portal/views.py:2
msgid "Gone"
msgstr ""

#: portal/views.py:3
#, python-format
msgid "%(count)d day"
msgid_plural "%(count)d days"
msgstr[0] ""
msgstr[1] ""

#: portal/views.py:4
msgctxt "heading"
msgid "Say \"yes\"\nnow"
msgstr "Translated already"
"""


def test_entries_are_told_apart_by_context_and_text_however_they_are_written():
    held = entries(CATALOGUE)
    assert [e.key for e in held] == [
        (None, "Present"),
        (None, "%(count)d day"),
        ("button", 'Say "yes"\nnow'),
    ]
    text, new = with_new_strings(CATALOGUE, entries(FOUND))
    assert [e.key for e in new] == [(None, "Gone"), ("heading", 'Say "yes"\nnow')]
    assert text == CATALOGUE.rstrip() + (
        '\n\n#: portal/views.py:2\nmsgid "Gone"\nmsgstr ""\n\n'
        '#: portal/views.py:4\nmsgctxt "heading"\nmsgid "Say \\"yes\\"\\nnow"\nmsgstr ""\n'
    )
    assert with_new_strings(text, entries(FOUND)) == (text, [])


def test_a_catalogue_that_cannot_be_read_is_left_as_it_was(tmp_path):
    catalogue = tmp_path / "django.po"
    catalogue.write_text('msgid "Present"\nmsgstr "Presente"\nPresente\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="Line 3"):
        add_new_strings(catalogue, entries(FOUND))
    assert catalogue.read_text(encoding="utf-8") == 'msgid "Present"\nmsgstr "Presente"\nPresente\n'
