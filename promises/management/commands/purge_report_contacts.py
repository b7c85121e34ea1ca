"""Erase readers' contact details a set number of days after their report was closed (UU 27/2022)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from promises import services


class Command(BaseCommand):
    help = gettext_lazy(
        "Hapus nomor WhatsApp atau e-mail pembaca dari laporan yang ditutup lebih dari N hari lalu (bawaan "
        "REPORT_CONTACT_DAYS, 90). Laporan terbuka tidak disentuh. / Erase readers' contact details from reports "
        "closed more than N days ago (default REPORT_CONTACT_DAYS, 90); open reports are left alone."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)  # argparse needs a str, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("Berapa hari setelah laporan ditutup. / Days after the report was closed."),
        )

    def handle(self, *args, days=None, **options):
        days = settings.REPORT_CONTACT_DAYS if days is None else days
        if days < 0:
            raise CommandError(_("--days tidak boleh negatif."))
        erased = services.purge_report_contacts(days=days)
        self.stdout.write(
            _("Kontak dihapus dari %(n)d laporan yang ditutup lebih dari %(days)d hari lalu.")
            % {"n": erased, "days": days}
        )
