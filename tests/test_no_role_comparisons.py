"""No code outside the access policy decides by role name.

A role decision belongs in `participants/access.py` (a row of `CAPABILITIES`, or a scope
rule); everything else asks `may`, `require_capability`, `decide` or `require`. This test
reads the source tree and fails on the shapes a role comparison takes. Role names used as
data (model choices, demo seeders, test fixtures) are not comparisons and are not read.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The policy itself, the role primitives, and files where roles are data, not decisions.
EXEMPT_FILES = {
    Path("participants/access.py"),
    Path("accounts/roles.py"),
    Path("conftest.py"),
}
EXEMPT_PARTS = {"migrations", "tests", ".venv", "node_modules", "bench"}
EXEMPT_NAMES = {"demo.py", "conftest.py"}

# A staff role constant (`Role.DIRECTOR`), never a care-team role (`CareTeamRole.PEER`).
ROLE = r"(?<![\w.])Role\.[A-Z][A-Z_]*\b"
COMPARISONS = [
    # Role.DIRECTOR in roles / Role.X not in … / Role.X == … / Role.X != …
    (rf"{ROLE}\s*(?:not\s+in\b|in\b|==|!=)", "a role constant compared"),
    # … == Role.X / … != Role.X / … in Role.X
    (rf"(?:==|!=|\bin)\s*{ROLE}", "compared with a role constant"),
    # a set, frozenset, list or tuple of allowed roles: {Role.A, …}, [Role.A, …]
    (rf"(?:frozenset|set)\(\s*[\[{{(]?\s*{ROLE}", "a set of allowed roles"),
    (rf"\{{\s*{ROLE}\s*[,}}]", "a set of allowed roles"),
    (rf"\[\s*{ROLE}\s*,", "a list of roles"),
    # a query on memberships by role names: memberships__role__in=[Role.A, …]
    (rf"__role(?:__in)?\s*=\s*[\[({{]?\s*{ROLE}", "a query by role names"),
    (rf"(?:filter|exclude)\([^)]*\brole(?:__in)?\s*=\s*[\[({{]?\s*{ROLE}", "a query by role"),
    # a role compared with a literal name: role == "director", "billing" in roles
    (r"\brole\w*\s*(?:==|!=)\s*[\"']", "a role compared with a name"),
    (r"[\"'][a-z_]+[\"']\s+(?:not\s+)?in\s+\w*roles\b", "a role name looked up in roles"),
    # the role primitives combined into a decision: roles_in(…) & ALLOWED, … <= READ_ONLY
    (r"\b(?:roles_in|staff_roles)\([^)]*\)\s*(?:&|\||-|<=|>=|<|>|==|!=)", "roles combined"),
    (r"\bin\s+(?:roles_in|staff_roles)\(", "a role looked up in roles"),
    # a module-level table of roles outside the policy
    (r"^[A-Z_]*ROLES\s*[:=]", "a table of roles"),
]
PATTERNS = [(re.compile(pattern), why) for pattern, why in COMPARISONS]


def _source_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative in EXEMPT_FILES or relative.name in EXEMPT_NAMES:
            continue
        if EXEMPT_PARTS & set(relative.parts):
            continue
        files.append(path)
    return files


def role_comparisons(text: str) -> list[tuple[int, str, str]]:
    """(line number, line, why) for each line that decides by role name."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for pattern, why in PATTERNS:
            if pattern.search(code):
                found.append((number, line.strip(), why))
                break
    return found


def test_no_role_comparison_outside_the_policy() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {why}: {line}"
        for path in _source_files()
        for number, line, why in role_comparisons(path.read_text())
    ]
    assert not found, (
        "Role decisions belong in participants/access.py (a CAPABILITIES row); ask may(), "
        "require_capability() or decide() instead:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "line",
    [
        "if Role.DIRECTOR in roles_in(user, org):",
        "if Role.AUDITOR not in roles:",
        "allowed = role == Role.BILLING",
        "if decision.role != Role.FRONT_DESK:",
        "AUDIT_ROLES = frozenset({Role.AUDITOR, Role.DIRECTOR})",
        "readers = {Role.DIRECTOR, Role.SUPERVISOR}",
        "wanted = [Role.THERAPIST, Role.COUNSELLOR]",
        ".exclude(memberships__role__in=[Role.FRONT_DESK, Role.BILLING])",
        ".filter(memberships__role=Role.DIRECTOR)",
        "Membership.objects.filter(user=user, role=Role.DIRECTOR).exists()",
        'if role == "director":',
        'if "billing" in roles:',
        "return bool(roles_in(user, org) & READERS)",
        "return roles_in(user, participant.organization_id) <= READ_ONLY",
        "if Role.INTAKE in staff_roles(user):",
        "CLINICIAN_ROLES = frozenset(",
    ],
)
def test_each_shape_of_comparison_is_caught(line: str) -> None:
    assert role_comparisons(line), line


@pytest.mark.parametrize(
    "line",
    [
        "role = models.CharField(max_length=20, choices=Role.choices)",
        "Membership.objects.create(user=user, organization=org, role=Role.DIRECTOR)",
        '"director": (Role.DIRECTOR, "Morgan", "Ellery", "LCSW"),',
        "if m.role == CareTeamRole.PRIMARY_CLINICIAN:",
        "team.append((staff, CareTeamRole.INTAKE))",
        'if may(user, "calendar.edit", program.organization_id):',
        'role=",".join(sorted(roles_in(by, program.organization_id))),',
        "# Role.DIRECTOR in roles is decided by the policy",
    ],
)
def test_roles_as_data_are_not_comparisons(line: str) -> None:
    assert not role_comparisons(line), line


# Which pages an account uses is the policy's: `uses_portal` (a participant's own portal, and
# the record it opens there `own_record`) and `uses_staff_pages` (search, charts, schedules,
# notes; owning tasks, prescribing, collecting screens). No other code compares account kinds.
ACCOUNT_KIND = re.compile(
    r"(?:(?:==|!=|\bin)\s*[\[({]?\s*(?:\w+\.)*Kind\.(?:STAFF|PARTICIPANT|SUPPORT)\b)"
    r"|(?:(?<![\w.])(?:\w+\.)*Kind\.(?:STAFF|PARTICIPANT|SUPPORT)\b\s*(?:==|!=|not\s+in\b|in\b))"
)
# Where an account kind may be compared, and why. The account model declares the kinds and
# compares none. Migrations, tests, demo seeders (which
# create accounts of each kind as data) and conftest.py are never read (see _source_files).
KIND_EXEMPT_FILES = {
    # The policy: uses_portal and uses_staff_pages, and the rules that build on them.
    Path("participants/access.py"): "the access policy itself",
    # The role primitives the policy is built on: a non-staff account holds no staff role.
    # They sit below the policy, which imports them, so they cannot ask it.
    Path("accounts/roles.py"): "the role primitives below the policy",
}


def account_kind_comparisons(text: str) -> list[tuple[int, str]]:
    """(line number, line) for each line that decides by an account's kind (staff,
    participant or support person)."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if ACCOUNT_KIND.search(line.split("#", 1)[0])
    ]


def test_no_code_compares_account_kinds_outside_the_policy() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in _source_files()
        if path.relative_to(ROOT) not in KIND_EXEMPT_FILES
        for number, line in account_kind_comparisons(path.read_text())
    ]
    assert not found, (
        "Which pages an account uses is the access policy's: uses_portal() (and the record it "
        "opens there, own_record()) or uses_staff_pages():\n" + "\n".join(found)
    )


def test_every_kind_exempt_file_exists_and_compares_kinds() -> None:
    for path, why in KIND_EXEMPT_FILES.items():
        assert account_kind_comparisons((ROOT / path).read_text()), f"{path} ({why})"


@pytest.mark.parametrize(
    "line",
    [
        "if request.user.kind != User.Kind.PARTICIPANT:",
        "if user.kind == user.Kind.PARTICIPANT:",
        "if User.Kind.SUPPORT == request.user.kind:",
        "portal = request.user.kind in (User.Kind.PARTICIPANT, User.Kind.SUPPORT)",
        "if request.user.kind != User.Kind.STAFF:",
        "staff = request.user.kind == User.Kind.STAFF",
        "prescribed_by.kind != prescribed_by.Kind.STAFF",
        'if getattr(by, "kind", None) != User.Kind.PARTICIPANT:',
        'own = getattr(by, "kind", User.Kind.STAFF) == User.Kind.PARTICIPANT',
    ],
)
def test_each_shape_of_account_kind_comparison_is_caught(line: str) -> None:
    assert account_kind_comparisons(line), line


@pytest.mark.parametrize(
    "line",
    [
        "kind=User.Kind.PARTICIPANT,",
        "if uses_portal(request.user):",
        "# request.user.kind == User.Kind.PARTICIPANT is the policy's",
        "User.objects.filter(kind=User.Kind.STAFF, is_active=True)",
        "if not uses_staff_pages(request.user):",
    ],
)
def test_account_kinds_as_data_are_not_comparisons(line: str) -> None:
    assert not account_kind_comparisons(line), line
