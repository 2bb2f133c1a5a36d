"""``manage.py solve_schedule``: the Django face of :mod:`scheduling.solver.cli`."""

from django.core.management.base import BaseCommand, CommandError

from scheduling.solver.cli import add_arguments, run


class Command(BaseCommand):
    help = (
        "Solve a scheduling problem JSON file and write the result JSON "
        "(invalid input: errors listed, exit code 2, nothing written)."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        code = run(options, self.stdout, self.stderr, verbose=options["verbosity"] >= 2)
        if code:
            raise CommandError("no result written", returncode=code)
