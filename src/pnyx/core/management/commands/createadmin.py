from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pnyx.core import audit
from pnyx.core.models import StaffRole, User


class Command(BaseCommand):
    help = (
        "Create a site administrator. The password comes from PNYX_ADMIN_PASSWORD or a prompt. "
        "The administrator must set up two-factor authentication at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"an account with {email} already exists")
        password = os.environ.get("PNYX_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if len(password) < 12:
            raise CommandError("the password must have at least 12 characters")
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=options["name"])
            StaffRole.objects.create(user=user, role=StaffRole.Role.ADMINISTRATOR)
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            audit.record(
                None,
                "role.grant",
                user,
                summary="administrator (createadmin)",
                object_repr=f"account #{user.pk}",
            )
        self.stdout.write(self.style.SUCCESS(f"administrator {email} created"))
