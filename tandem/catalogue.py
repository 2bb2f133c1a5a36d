"""New strings for a committed translation catalogue, without losing the ones kept by hand.

Django's makemessages finds the strings the code marks for translation, but not the ones a
template translates from a variable (`{% trans line.name %}`); run on a catalogue it marks
those obsolete and reorders the file. Here makemessages only writes its template of the
strings found, into a temporary folder, and a catalogue gains at its end the entries it does
not hold yet, untranslated. Every entry already there keeps its place, text and translation.
makemessages reads a copy of the sources in a temporary folder, since it writes a work file
beside each template it reads: two runs at once in one checkout (two test runs) would
otherwise write and remove each other's, and leave them for anything else reading the tree.
"""

import contextlib
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages

# Where makemessages does not look for strings: the test code and the benchmarks; makemessages
# itself leaves out hidden folders (the virtual environment).
NOT_SEARCHED = ("bench/*", "tests/*")

_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
_MORE = re.compile(r'^\s*(".*")\s*$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


class CatalogueError(ValueError):
    """A catalogue line that is not of the PO format: nothing is written."""


@dataclass(frozen=True)
class Entry:
    """One message of a catalogue: its key (context and English text) and its lines."""

    context: str | None
    msgid: str
    lines: tuple[tuple[str, str], ...]  # (the field a line belongs to, or "#", the line)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    def untranslated(self) -> str:
        """The entry as found, with every translation left empty, so it shows as one to do."""
        kept = []
        for field, line in self.lines:
            if not field.startswith("msgstr"):
                kept.append(line)
            elif _FIELD.match(line):
                kept.append(f'{field} ""')
        return "\n".join(kept)


def _decoded(quoted: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m[1], m[1]), quoted[1:-1])


def entries(text: str) -> list[Entry]:
    """The messages of a PO file, in its order; the header (no English text, no context) and
    obsolete (`#~`) entries are not messages."""
    found: list[Entry] = []
    lines: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    field = ""

    def close() -> None:
        nonlocal lines, fields, field
        if "msgid" in fields and (fields["msgid"] or "msgctxt" in fields):
            found.append(Entry(fields.get("msgctxt"), fields["msgid"], tuple(lines)))
        lines, fields, field = [], {}, ""

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            close()
            continue
        translated = any(name.startswith("msgstr") for name in fields)
        if translated and line.startswith(("#", "msgctxt", "msgid ")):
            close()  # the next entry, with no blank line before it
        if line.startswith("#"):
            lines.append(("#", line))
            continue
        if start := _FIELD.match(line):
            field = start[1]
            fields[field] = _decoded(start[2])
        elif (more := _MORE.match(line)) and field:
            fields[field] += _decoded(more[1])
        else:
            raise CatalogueError(f"Line {number} is not of the PO format: {line[:60]!r}")
        lines.append((field, line))
    close()
    return found


def with_new_strings(held: str, found: Iterable[Entry]) -> tuple[str, list[Entry]]:
    """The catalogue `held` with the entries of `found` it does not hold added at its end,
    untranslated, and those entries; `held` itself is kept as it is, byte for byte."""
    keys = {entry.key for entry in entries(held)}
    new = []
    for entry in found:
        if entry.key not in keys:
            keys.add(entry.key)
            new.append(entry)
    if not new:
        return held, []
    added = "\n\n".join(entry.untranslated() for entry in new)
    return f"{held.rstrip()}\n\n{added}\n", new


class _Extraction(makemessages.Command):
    """Django's makemessages, writing its template of the strings found into `into` and
    nowhere else: no catalogue is touched."""

    def __init__(self, into: Path) -> None:
        super().__init__()
        self.into = str(into)
        self.template = ""

    def find_files(self, root: str) -> list[Any]:
        files = super().find_files(root)
        for found in files:
            found.locale_dir = self.into
        self.locale_paths = [self.into]
        return files

    def write_po_file(self, potfile: str, locale: str) -> None:
        self.template = Path(potfile).read_text(encoding="utf-8")


# The files makemessages reads for Django's own domain.
_READ = (".py", ".html", ".txt")


def _copy_sources(root: Path, into: Path) -> None:
    """Copy the files makemessages reads under `root` to `into`, at the same paths from it, so
    the catalogue's references (`#: portal/views.py:32`) are the checkout's. Left out as
    makemessages leaves them out: hidden folders, and the collected static and media files."""
    collected = {Path(p).resolve() for p in (settings.STATIC_ROOT, settings.MEDIA_ROOT) if p}

    def left_out(folder: str, names: list[str]) -> set[str]:
        out = set()
        for name in names:
            path = Path(folder, name)
            if path.is_dir():
                if name.startswith(".") or name == "__pycache__" or path.resolve() in collected:
                    out.add(name)
            elif path.suffix not in _READ:
                out.add(name)
        return out

    shutil.copytree(root, into, ignore=left_out)


def marked_strings(root: Path, locale: str, *, ignore: Sequence[str] = NOT_SEARCHED) -> list[Entry]:
    """The strings the code and templates under `root` mark for translation, as makemessages
    finds them for `locale`, untranslated: read from a copy, so nothing is written under
    `root`."""
    with TemporaryDirectory() as work:
        sources, into = Path(work) / "sources", Path(work) / "template"
        _copy_sources(root, sources)
        into.mkdir()
        with contextlib.chdir(sources):
            extraction = _Extraction(into)
            call_command(extraction, locale=[locale], ignore_patterns=list(ignore), verbosity=0)
    return entries(extraction.template)


def add_new_strings(catalogue: Path, found: Iterable[Entry]) -> list[Entry]:
    """Add to the catalogue file the strings it does not hold yet; return them."""
    held = catalogue.read_text(encoding="utf-8")
    text, new = with_new_strings(held, found)
    if new:
        catalogue.write_text(text, encoding="utf-8")
    return new
