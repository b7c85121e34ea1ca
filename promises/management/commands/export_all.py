"""Write the whole tracker (promises, history, sources, figures, claims, users and groups) to one JSON file."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from promises import backup


class Command(BaseCommand):
    help = (
        "Cadangkan seluruh data tracker ke satu berkas JSON: janji, riwayat status, sumber, indikator, angka, "
        "klaim, serta akun pengguna dan grup. BERKAS INI BERISI HASH KATA SANDI: simpan secara pribadi "
        "(dibuat dengan izin 600). Pulihkan dengan `import_all` ke basis data kosong. "
        "/ Back up the whole tracker to one JSON file. THE FILE CONTAINS PASSWORD HASHES: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas tujuan, atau - untuk stdout. / Output file, or - for stdout.")

    def handle(self, *args, file: str, verbosity: int, **options):
        data = backup.export_data()
        if file == "-":
            self.stdout.write(backup.dumps(data), ending="")
            return
        path = Path(file).resolve()
        # Written next to the target and renamed into place: a failed run never leaves half a backup.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(backup.dumps(data))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        if verbosity:
            total = sum(data["counts"].values())
            message = _("%(total)s baris dicadangkan ke %(path)s (berisi hash kata sandi).")
            self.stdout.write(self.style.SUCCESS(message % {"total": total, "path": path}))
