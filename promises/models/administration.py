from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .loading import QuickLoad


class AdministrationQuerySet(models.QuerySet):
    def default(self) -> "Administration | None":
        """The administration the site opens on (one query)."""
        return self.order_by("-is_default", "-term_start", "pk").first()

    def default_or_404(self) -> "Administration":
        """`default()` for a page that needs it: 404 while the database holds no data yet."""
        administration = self.default()
        if administration is None:
            raise Http404("Belum ada data.")
        return administration


class Administration(QuickLoad, models.Model):
    """One elected pair and term, with the number of promises it declared."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    region = models.CharField(_("wilayah"), max_length=100)
    head = models.CharField(_("kepala daerah"), max_length=200)
    deputy = models.CharField(_("wakil kepala daerah"), max_length=200, blank=True)
    term_start = models.DateField(_("awal masa jabatan"), null=True, blank=True)
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    declared_promises = models.PositiveIntegerField(_("jumlah janji yang dinyatakan"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    is_default = models.BooleanField(_("tampil di beranda"), default=False)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "-term_start", "name"]
        verbose_name = _("pemerintahan")
        verbose_name_plural = _("pemerintahan")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_administration"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gt=models.F("term_start")),
                name="administration_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def head_title(self) -> str:
        """ "Wali Kota" for a city (kota), "Bupati" for a regency."""
        return _("Wali Kota") if self.region.lower().startswith("kota") else _("Bupati")

    def before_term(self, day) -> bool:
        """A date before this administration took office: a figure or status then belongs to the previous one."""
        return bool(day and self.term_start and day < self.term_start)


class Programme(QuickLoad, models.Model):
    """One of the campaign's main programmes ("program utama")."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("pemerintahan")
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    title = models.CharField(_("judul"), max_length=300)
    description = models.TextField(_("uraian"), blank=True)
    sources = models.ManyToManyField("Source", blank=True, related_name="programmes", verbose_name=_("sumber"))

    class Meta:
        ordering = ["administration", "number"]
        verbose_name = _("program utama")
        verbose_name_plural = _("program utama")
        constraints = [
            models.UniqueConstraint(fields=["administration", "number"], name="unique_programme_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Sector(QuickLoad, models.Model):
    """A policy area (bidang) promises and indicators are grouped by."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    description = models.TextField(_("cakupan"), blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sectors",
        verbose_name=_("program utama kampanye"),
    )
    rpjmd = models.CharField(_("program RPJMD"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("bidang")
        verbose_name_plural = _("bidang")

    def __str__(self) -> str:
        return self.name
