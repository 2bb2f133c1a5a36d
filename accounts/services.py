"""Writes to programs: each one transaction that the modules above follow through hooks.

Programs are made at installation (`manage.py create_director`) and by the demo and the
synthetic installation, with nobody signed in, so no audit event is written here (accounts
sits below the audit trail).
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from accounts.models import Organization, Program
from tandem.hooks import Hook
from tandem.validation import validate

# Called inside the creating transaction as hook(program) when a program is created; plans
# registers one that gives it the default treatment modalities.
ProgramCreatedHook = Callable[[Program], object]
PROGRAM_CREATED: Hook[ProgramCreatedHook] = Hook("accounts.program_created")


def create_program(organization: Organization, *, name: str, **settings: Any) -> Program:
    """A new program of the organization, with what other modules give every new program.

    `settings` are the program's other columns (time zone, level of care, minimum weekly
    minutes…); a value the model refuses raises InvalidInput and nothing is written.
    """
    program = Program(organization=organization, name=name, **settings)
    validate(program, exclude=("organization",))
    with transaction.atomic():
        program.save()
        for hook in PROGRAM_CREATED.implementations():
            hook(program)
    return program
