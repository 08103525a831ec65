from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = (
        "Migrate a fresh database, load the demo municipality and serve it on "
        "http://127.0.0.1:8000 (development server)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="set up, print, and stop")
        parser.add_argument(
            "--reset", action="store_true", help="start again from an empty database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("run the demo through `pnyx demo` (it sets PNYX_DEMO=1)")
        from pnyx import demo

        if options["reset"]:
            self._reset()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        created = demo.load()
        self.stdout.write(
            self.style.SUCCESS("Demo municipality loaded.")
            if created
            else "Demo municipality already present (use --reset to start again)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for role, email in demo.demo_accounts():
            self.stdout.write(f"  {role:<22} {email}")
        self.stdout.write(f"Staff accounts' two-factor secret (TOTP): {demo.DEMO_TOTP_SECRET}")
        if options["no_serve"]:
            return
        self.stdout.write(
            f"\nServing on http://{options['host']}:{options['port']}/  (Ctrl+C stops)"
        )
        call_command(
            "runserver",
            f"{options['host']}:{options['port']}",
            use_reloader=False,
            use_threading=True,
        )

    def _reset(self) -> None:
        if connection.vendor == "sqlite":
            connection.close()
            path = settings.DATABASES["default"]["NAME"]
            from pathlib import Path

            Path(path).unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
