"""Load the official list of promises from a CSV file (see promises/importing.py for the rules).

    python manage.py import_promises daftar.csv --dry-run       # show the plan, write nothing
    python manage.py import_promises daftar.csv --link CP-4=12  # confirm a likely match, then import

Rows are linked to documented promises only by number, by the same title, or by --link; a similar title
is reported as a likely match and imported as a new promise unless it is confirmed with --link CODE=NUMBER.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from promises import importing
from promises.models import Administration


class Command(BaseCommand):
    help = (
        "Impor daftar resmi janji dari berkas CSV "
        "(kolom: number, title, sector, description; opsional: source_url, opd, deadline)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas CSV (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan rencana impor tanpa menulis apa pun.")
        parser.add_argument(
            "--link",
            action="append",
            default=[],
            metavar="KODE=NOMOR",
            help="Tautkan nomor resmi ke janji terdokumentasi, mis. --link CP-4=12 (boleh berulang).",
        )
        parser.add_argument("--administration", help="Slug pemerintahan (bawaan: yang tampil di beranda).")

    def handle(self, *args, file: str, dry_run: bool, link: list[str], administration: str | None, **options):
        try:
            links = importing.parse_links(link)
        except ValueError as error:
            raise CommandError(_("--link harus berbentuk KODE=NOMOR, bukan “%(value)s”.") % {"value": error}) from error
        target = self._administration(administration)
        try:
            text = importing.decode(Path(file).read_bytes())
        except OSError as error:
            raise CommandError(_("Berkas tidak dapat dibaca: %(error)s") % {"error": error}) from error
        except importing.ImportFailed as failed:
            raise CommandError(str(failed)) from failed

        plan = importing.plan(text, target, links)
        if not plan.is_valid:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(n)s kesalahan; tidak ada yang ditulis.") % {"n": len(plan.errors)})
        verbosity = options["verbosity"]
        if verbosity:
            self._show(plan, verbosity)
        if dry_run:
            self.stdout.write(_("Uji coba (--dry-run): tidak ada yang ditulis."))
            return
        try:
            importing.apply(text, target, links)
        except importing.ImportFailed as failed:
            raise CommandError(_("Tidak ada yang ditulis:\n%(errors)s") % {"errors": failed}) from failed
        if verbosity:
            self.stdout.write(self.style.SUCCESS(_("Impor selesai.")))

    def _administration(self, slug: str | None) -> Administration:
        administration = Administration.objects.filter(slug=slug).first() if slug else Administration.objects.default()
        if administration is None:
            raise CommandError(_("Pemerintahan tidak ditemukan; muat data dulu (load_kupang_data)."))
        return administration

    def _show(self, plan: importing.Plan, verbosity: int) -> None:
        for step in plan.steps:
            if step.action == importing.Action.UNCHANGED and verbosity < 2:
                continue
            row, target = step.row, step.promise.code if step.promise else f"{importing.CODE_PREFIX}{step.row.number}"
            line = _("baris %(line)s: %(action)s %(code)s ← no. %(n)s «%(title)s»") % {
                "line": row.line,
                "action": step.action_label,
                "code": target,
                "n": row.number,
                "title": row.title,
            }
            if step.changes:
                line += " [" + _("diisi: %(fields)s") % {"fields": ", ".join(step.change_labels)} + "]"
            if step.kept:
                kept = ", ".join(label for label, _value in step.kept_labels)
                line += " [" + _("berbeda, dibiarkan: %(fields)s") % {"fields": kept} + "]"
            self.stdout.write(line)
            if step.likely:
                self.stdout.write(
                    "    "
                    + _("mirip %(code)s «%(title)s» (%(score)s%%); bila sama, ulangi dengan --link %(code)s=%(n)s")
                    % {
                        "code": step.likely.code,
                        "title": step.likely.title,
                        "score": step.likely_score,
                        "n": row.number,
                    }
                )
        counts = ", ".join(f"{label}: {n}" for label, n in plan.counts())
        self.stdout.write(_("Rencana: %(counts)s.") % {"counts": counts})
