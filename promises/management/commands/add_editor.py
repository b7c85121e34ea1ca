"""Create an editor account and print the one-time link with which the editor sets a password."""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from promises import onboarding


class Command(BaseCommand):
    help = gettext_lazy(
        "Buat akun editor (grup Editor; dengan --admin juga grup Admin dan akses /admin/) tanpa kata sandi, lalu "
        "cetak tautan sekali pakai untuk membuat kata sandi. Tautan berlaku sekali dan selama "
        "PASSWORD_RESET_TIMEOUT (bawaan 3 hari). / Create an editor account without a password and print a "
        "one-time link to set one (valid once, for PASSWORD_RESET_TIMEOUT: 3 days by default)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)  # argparse needs a str, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("Nama pengguna. / Username."))
        parser.add_argument("--email", default="", help=_("Alamat e-mail. / E-mail address."))
        parser.add_argument("--name", dest="full_name", default="", help=_("Nama lengkap. / Full name."))
        parser.add_argument(
            "--admin",
            action="store_true",
            help=_("Juga grup Admin dan akses /admin/. / Also in group Admin, with /admin/ access."),
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help=_(
                "Alamat situs untuk tautan, mis. https://janji.example.org (bawaan: SITE_URL, "
                "CSRF_TRUSTED_ORIGINS, ALLOWED_HOSTS, atau http://127.0.0.1:8000). / The site's address."
            ),
        )

    def handle(self, *args, username: str, email: str, full_name: str, admin: bool, base_url: str | None, **options):
        base_url = base_url or onboarding.default_base_url()
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(_("--base-url harus diawali http:// atau https://, mis. https://janji.example.org."))
        try:
            # one transaction: when the link cannot be made (no URL for it), no account is left without one
            with transaction.atomic():
                user = onboarding.add_editor(username, email=email, full_name=full_name, admin=admin)
                link = onboarding.set_password_link(user, base_url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        made = _("Admin %(username)s dibuat.") if admin else _("Editor %(username)s dibuat.")
        message = made + " " + _("Tautan sekali pakai untuk membuat kata sandi (berlaku %(lifetime)s): %(link)s")
        values = {"username": user.get_username(), "lifetime": onboarding.link_lifetime(), "link": link}
        self.stdout.write(self.style.SUCCESS(message % values))
