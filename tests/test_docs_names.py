"""The contributor guide and the other docs name only what the code has.

Every dotted name of one of our apps that docs/*.md or README.md puts in backticks
(`participants.access.staff_holding`, `audit.ListedParticipant`, `care_team.member_ended`)
must still name a module or what it defines, a model, a registered audit event type, an
extension point or a program capability; and every `from <app> import ...` in their examples
must import. The contributor guide's table of extension points lists every one the apps
declare, each in the file that declares it. A rename that leaves the docs behind fails here,
naming the file and the name.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from audit import event_types
from participants.access import CAPABILITIES
from tandem.hooks import Hook, declared

ROOT = Path(__file__).resolve().parent.parent
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
APPS = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")

FENCE = re.compile(r"```.*?```", re.S)
INLINE = re.compile(r"`([^`]+)`")
OURS = "|".join(APPS)
DOTTED = re.compile(rf"(?<![\w./-])((?:{OURS})(?:\.\w+)+)")
FILES = {"key", "pem", "sqlite3", "xml", "json", "py", "md"}  # `audit.key`, `tandem.sqlite3`
IMPORT = re.compile(rf"^\s*from\s+((?:{OURS})(?:\.\w+)*)\s+import\s+(\([^)]*\)|.*)$", re.M)


def _documented() -> list[tuple[str, str]]:
    """(file, name) for each dotted name in inline code and each name a fenced example imports."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in FENCE.findall(text):
            for module, names in IMPORT.findall(block):
                imported = [n.split()[0] for n in names.strip("()").split(",") if n.strip()]
                found += [(path.name, f"{module}.{name}") for name in imported]
        for span in INLINE.findall(FENCE.sub("", text)):
            found += [
                (path.name, name)
                for name in DOTTED.findall(span)
                if name.rsplit(".", 1)[1] not in FILES
            ]
    return sorted(set(found))


def _in_code(name: str) -> bool:
    """A module, or something a module defines (a dataclass's field too), reached by importing
    its longest module prefix."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if attribute in getattr(found, "__dataclass_fields__", {}):
                return attribute == parts[-1]
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def _a_model(name: str) -> bool:
    try:
        apps.get_model(name)
    except (LookupError, ValueError):
        return False
    return True


def _names_something(name: str) -> bool:
    return (
        _in_code(name)
        or _a_model(name)
        or event_types.known(name) is not None
        or name in declared()
        or name in CAPABILITIES
    )


DOCUMENTED = _documented()


def test_the_docs_name_the_shared_mechanisms_a_new_module_copies():
    names = {name for _, name in DOCUMENTED}
    assert {
        "participants.access.staff_holding",
        "participants.services._end_places",
        "accounts.mornings.work_each_morning",
        "monitoring.services.reassign",
        "plans.measures.read_once",
        "tandem.tasks.DAILY_JOBS",
        "tandem.tasks.DailyJob",
    } <= names


@pytest.mark.parametrize(("doc", "name"), DOCUMENTED, ids=[f"{d}:{n}" for d, n in DOCUMENTED])
def test_every_documented_name_is_still_there(doc, name):
    assert _names_something(name), f"{doc} names `{name}`, which the code no longer has."


def test_a_renamed_function_is_caught():
    assert _names_something("participants.access.staff_holding")
    assert not _names_something("participants.access.staff_with")
    assert not _names_something("participants.acess.staff_holding")


def _hook_table() -> list[tuple[list[str], list[str]]]:
    """(hook variables, modules declaring them) for each row of the guide's table."""
    text = (ROOT / "docs" / "developing.md").read_text(encoding="utf-8")
    table = text.split("Extension points on `Hook` so far:", 1)[1].split("\n\n", 2)[1]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    return [
        (
            re.findall(r"`([A-Z_]+)`", row[0]),
            [path.replace("/", ".") for path in re.findall(r"`(\w+/\w+)\.py`", row[1])],
        )
        for row in rows
    ]


def test_the_guide_s_table_lists_every_extension_point_where_it_is_declared():
    listed = []
    for variables, modules in _hook_table():
        for variable in variables:
            hooks = [getattr(importlib.import_module(m), variable, None) for m in modules]
            found = [hook for hook in hooks if isinstance(hook, Hook)]
            assert found, f"`{variable}` is not a Hook of {', '.join(modules)}"
            listed += found
    ours = {hook for name, hook in declared().items() if name.split(".")[0] in APPS}
    missing = sorted(hook.name for hook in ours - set(listed))
    assert not missing, f"docs/developing.md's table of extension points leaves out {missing}"
