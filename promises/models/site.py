"""Who runs the tracker: one record an admin fills in, shown on "Tentang kami" (issue 13).

We do not know the organisation's details, so nothing here has a default: the page shows only what is filled
in, and editors see which parts are still missing.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .loading import QuickLoad


class SiteProfile(QuickLoad, models.Model):
    organisation = models.CharField(
        _("pengelola"),
        max_length=200,
        blank=True,
        help_text=_("Nama organisasi atau orang yang menjalankan situs ini."),
    )
    about = models.TextField(_("tentang pengelola"), blank=True, help_text=_("Siapa kami dan mengapa situs ini ada."))
    independence = models.TextField(
        _("independensi"),
        blank=True,
        help_text=_("Hubungan dengan pemerintah, partai, atau calon; apa yang kami janjikan soal netralitas."),
    )
    funding = models.TextField(
        _("pendanaan"), blank=True, help_text=_("Siapa yang membiayai situs ini dan sejak kapan.")
    )
    editors = models.TextField(_("tim editor"), blank=True, help_text=_("Nama dan peran editor, satu per baris."))
    email = models.EmailField(_("e-mail redaksi"), blank=True)
    whatsapp = models.CharField(_("WhatsApp redaksi"), max_length=30, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    # The fields "Tentang kami" shows, in order; editors see the empty ones listed as missing.
    SHOWN = ["organisation", "about", "independence", "funding", "editors", "email", "whatsapp", "address"]

    class Meta:
        verbose_name = _("profil situs")
        verbose_name_plural = _("profil situs")

    def __str__(self) -> str:
        return str(_("Profil situs"))

    def clean(self):
        if not self.pk and SiteProfile.objects.exists():
            raise ValidationError(_("Profil situs sudah ada; ubah yang sudah ada."))

    @classmethod
    def current(cls) -> "SiteProfile":
        """The one profile, or an empty unsaved one (1 query)."""
        return cls.objects.first() or cls()

    def missing(self) -> list[str]:
        """The names of the fields still empty, as the admin labels them."""
        return [str(self._meta.get_field(name).verbose_name) for name in self.SHOWN if not getattr(self, name)]

    def filled(self) -> bool:
        return any(getattr(self, name) for name in self.SHOWN)
