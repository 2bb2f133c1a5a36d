"""Templates ask the model ("is it cancelled?") instead of comparing stored codes.

A comparison with a code string breaks silently when a code is renamed, and `in "a b"`
is a substring test, not a membership test.
"""

import re
from pathlib import Path

from django.conf import settings

CODE_COMPARISON = re.compile(
    r"""\.(status|outcome|confirmation|mode|kind|severity|flag|source)\s*(==|!=|\bin\b)\s*["']"""
)


def test_no_template_compares_a_status_code_string():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:120]}"
        for root in roots
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if CODE_COMPARISON.search(line)
    ]
    assert found == []
