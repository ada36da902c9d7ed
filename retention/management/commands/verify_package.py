from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.exports import verify_zip


class Command(BaseCommand):
    help = "Verify an export package ZIP: a valid BagIt bag whose files match manifest-sha256.txt (D4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        ok, message = verify_zip(file)
        if not ok:
            raise CommandError(f"INVALID package {file.name}: {message}")
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {message}"))
