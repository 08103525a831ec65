from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production server (gunicorn; static files served by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PNYX_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("PNYX_WORKERS", "0")) or None
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--migrate", action="store_true", help="apply migrations first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = options["workers"] or (2 * (os.cpu_count() or 1) + 1)
        argv = [
            "gunicorn",
            "pnyx.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("PNYX_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"serving {settings.DATABASES['default']['ENGINE']} on {options['bind']}")
        os.execvp(sys.executable, [sys.executable, "-m", *argv])
