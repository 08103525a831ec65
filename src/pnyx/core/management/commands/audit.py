from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pnyx.core.audit import verify_chain
from pnyx.core.models import AuditEntry


class Command(BaseCommand):
    help = "Audit log tools. `pnyx audit verify` recomputes the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"audit log broken at entry #{broken.sequence}: {broken.reason}", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(f"audit log intact: {AuditEntry.objects.count()} entries")
        )
