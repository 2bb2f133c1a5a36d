"""Events take the access decision whole: no module copies its role and grant by hand again."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = re.compile(r"\b(role=\w*decision\w*\.role|break_glass=\w+\.break_glass)\b")


def test_no_module_copies_the_decision_s_role_or_grant_into_an_event():
    copies = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts and path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if COPIED.search(line)
    ]
    assert not copies, f"Pass decision=... to record_event instead: {copies}"
