from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import formatting
from .addresses import address
from .dates import Precision
from .indicator import Reading
from .labels import Labelled
from .loading import QuickLoad


class ClaimQuerySet(models.QuerySet):
    def latest_first(self):
        return self.select_related("source").order_by("-date", "-pk")

    def with_count(self):
        """Each claim with `count`, how many claims the queryset holds (so the latest one says how many there are
        in the same query)."""
        return self.annotate(count=models.Window(models.Count("pk")))


class Claim(QuickLoad, Labelled, models.Model):
    """The government's own tally, e.g. "22 of 72 kept": shown beside the tracker's count, never in place of it."""

    administration = models.ForeignKey(
        "Administration", on_delete=models.CASCADE, related_name="claims", verbose_name=_("pemerintahan")
    )
    key = models.SlugField(_("kode"), max_length=80, unique=True)
    title = models.CharField(_("judul"), max_length=200)
    kept = models.PositiveIntegerField(_("jumlah ditepati (klaim)"), null=True, blank=True)
    total = models.PositiveIntegerField(_("dari total"), null=True, blank=True)
    percent = models.DecimalField(_("persen (klaim)"), max_digits=5, decimal_places=2, null=True, blank=True)
    date = models.DateField(_("tanggal"))
    date_precision = models.CharField(_("ketelitian tanggal"), max_length=5, choices=Precision, default=Precision.DAY)
    said_by = models.CharField(_("disampaikan oleh"), max_length=20, choices=Reading.SaidBy)
    said_by_name = models.CharField(_("nama / jabatan"), max_length=200, blank=True)
    where = models.CharField(_("kesempatan"), max_length=300, blank=True)
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="claims", verbose_name=_("sumber"))
    note = models.TextField(_("catatan"), blank=True)
    promises = models.ManyToManyField("Promise", through="ClaimItem", related_name="claims", verbose_name=_("janji"))

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("klaim capaian")
        verbose_name_plural = _("klaim capaian")
        constraints = [
            models.CheckConstraint(
                condition=Q(kept__isnull=True) | Q(total__isnull=True) | Q(kept__lte=models.F("total")),
                name="claim_kept_within_total",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100), name="claim_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def date_label(self) -> str:
        return formatting.date_label(self.date, self.date_precision)


class ClaimItemQuerySet(models.QuerySet):
    def attach_to(self, claims: list["Claim"]) -> list["Claim"]:
        """Gives each of `claims` `item_rows`, the promises it presents as /klaim/ lists them: (address, code, title,
        note), read as plain values in one query (about 400 a page at 100x: model instances for the items and their
        promises were a third of the render)."""
        rows = {claim.pk: [] for claim in claims}
        found = self.filter(claim__in=rows).order_by("claim", "promise__code")
        for claim, pk, slug, code, title, note in found.values_list(
            "claim_id", "promise_id", "promise__slug", "promise__code", "promise__title", "note"
        ):
            rows[claim].append((address("promises:detail", pk=pk, slug=slug), code, title, note))
        for claim in claims:
            claim.item_rows = rows[claim.pk]
        return claims


class ClaimItem(QuickLoad, models.Model):
    """A promise the government presented as an achievement under a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items", verbose_name=_("klaim"))
    promise = models.ForeignKey(
        "Promise", on_delete=models.CASCADE, related_name="claim_items", verbose_name=_("janji")
    )
    note = models.CharField(_("yang diklaim"), max_length=500, blank=True)

    objects = ClaimItemQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "promise__code"]
        verbose_name = _("janji yang diklaim")
        verbose_name_plural = _("janji yang diklaim")
        constraints = [models.UniqueConstraint(fields=["claim", "promise"], name="unique_claim_promise")]

    def __str__(self) -> str:
        return f"{self.claim} · {self.promise.code}"
