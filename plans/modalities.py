"""Each program's editable list of intervention modalities, seeded with the ones IOPs use:
plans registers `seed` on `accounts.services.PROGRAM_CREATED`, so a program created through
`create_program` starts with them in its creating transaction."""

from accounts.models import Program
from plans.models import DEFAULT_MODALITIES, Modality


def seed(program: Program) -> None:
    """Give a program the default modalities it does not have yet (idempotent)."""
    have = set(Modality.objects.filter(program=program).values_list("name", flat=True))
    Modality.objects.bulk_create(
        Modality(program=program, name=name, order=i)
        for i, name in enumerate(DEFAULT_MODALITIES)
        if name not in have
    )
