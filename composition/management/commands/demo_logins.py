"""Print the demo's logins: `run.py demo` shows them once the server answers, last."""

from django.core.management.base import BaseCommand

from participants.demo import login_lines


class Command(BaseCommand):
    help = "Print the synthetic demo's logins and their password."

    def handle(self, *args, **options) -> None:
        for line in login_lines():
            self.stdout.write(line)
