"""Restore a file written by `export_all` into an empty, migrated database, in one transaction."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
        except UnicodeDecodeError as error:
            message = _("Cadangan %(file)s bukan teks UTF-8 (%(error)s).")
            raise CommandError(message % {"file": file, "error": error}) from error
        except json.JSONDecodeError as error:
            raise CommandError(
                _("Cadangan %(file)s bukan JSON yang utuh (terpotong atau rusak?): baris %(line)s, kolom %(column)s.")
                % {"file": file, "line": error.lineno, "column": error.colno}
            ) from error
        except RecursionError as error:
            raise CommandError(_("Cadangan %(file)s bersarang terlalu dalam untuk dibaca.") % {"file": file}) from error
        except OSError as error:
            raise CommandError(
                _("Tidak dapat membaca cadangan %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            written = backup.import_data(data)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity:
            summary = ", ".join(f"{label}: {count}" for label, count in written.items())
            self.stdout.write(
                self.style.SUCCESS(
                    _("Cadangan dipulihkan (%(created)s). %(summary)s.")
                    % {"created": data.get("created", "?"), "summary": summary}
                )
            )
