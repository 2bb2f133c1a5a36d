"""Who may read the outcomes board: the `outcomes.read` capability, nothing else."""

from participants.access import may, organizations_of

CAPABILITY = "outcomes.read"


def organizations_read(user) -> list[int]:
    """The organizations whose outcomes this user may read."""
    if user is None or not user.is_authenticated:
        return []
    return [org for org in organizations_of(user) if may(user, CAPABILITY, org)]


def reads_outcomes(user) -> bool:
    return bool(organizations_read(user))
