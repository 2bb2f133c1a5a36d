"""Create the first program director (and their organization and program) on a new install."""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Organization, Program, Role, User, validate_time_zone
from accounts.services import create_program


class Command(BaseCommand):
    help = (
        "Create a program director account, with the organization and program if they do not "
        "exist. The password is asked for, or read from TANDEM_DIRECTOR_PASSWORD."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organization", required=True)
        parser.add_argument("--program", required=True)
        parser.add_argument("--time-zone", default="America/Chicago")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **o) -> None:
        try:
            validate_time_zone(o["time_zone"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        if User.objects.filter(username=o["username"]).exists():
            raise CommandError(f"A user named {o['username']!r} already exists.")
        password = os.environ.get("TANDEM_DIRECTOR_PASSWORD") or getpass.getpass("Password: ")
        user = User(
            username=o["username"],
            email=o["email"],
            first_name=o["first_name"],
            last_name=o["last_name"],
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                slug=slugify(o["organization"])[:50], defaults={"name": o["organization"]}
            )
            if not Program.objects.filter(organization=org, name=o["program"]).exists():
                create_program(org, name=o["program"], time_zone=o["time_zone"])
            user.set_password(password)
            user.save()
            Membership.objects.create(user=user, organization=org, role=Role.DIRECTOR)
        self.stdout.write(
            self.style.SUCCESS(
                f"Director {user.username} created for {org.name}. Sign in and enrol two-factor."
            )
        )
