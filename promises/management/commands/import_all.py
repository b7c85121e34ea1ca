"""Restore a file written by `export_all` into an empty, migrated database, in one transaction."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from promises import backup


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan dari `export_all` ke basis data KOSONG yang sudah di-`migrate` (menolak bila tabel "
        "tracker atau pengguna sudah berisi). Semua atau tidak sama sekali: satu transaksi. "
        "/ Restore an `export_all` backup into an EMPTY migrated database, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas cadangan, atau - untuk stdin. / Backup file, or - for stdin.")

    def handle(self, *args, file: str, verbosity: int, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError) as error:
            raise CommandError(f"Tidak dapat membaca cadangan {file}: {error}") from error
        try:
            written = backup.import_data(data)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity:
            summary = ", ".join(f"{label}: {count}" for label, count in written.items())
            self.stdout.write(self.style.SUCCESS(f"Cadangan dipulihkan ({data['created']}). {summary}."))
