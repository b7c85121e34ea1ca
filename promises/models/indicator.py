from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import formatting
from .dates import AS_OF_NOT_IN_FUTURE, Precision
from .promise import Verification

# Readings of the same kind this close in time are about "the same thing at about the same date".
CONFLICT_WINDOW_DAYS = 31
CONFLICT_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class Conflict:
    first: "Reading"
    second: "Reading"

    @property
    def spread(self) -> Decimal:
        low, high = sorted([self.first.value, self.second.value])
        return (high - low) / high if high else Decimal(0)


class Counts(models.TextChoices):
    TARGET = "target", _("target")
    ALLOCATED = "allocated", _("dialokasikan")
    PROCURED = "procured", _("diadakan")
    DELIVERED = "delivered", _("diserahkan / terealisasi")
    USED = "used", _("digunakan / dimanfaatkan")
    CLAIMED = "claimed", _("diklaim")

    @classmethod
    def done(cls) -> set[str]:
        return {cls.PROCURED, cls.DELIVERED, cls.USED}

    @classmethod
    def group(cls, counts: str) -> str:
        """Kinds of figures that answer the same question and so can contradict each other."""
        return "done" if counts in cls.done() | {cls.CLAIMED} else counts


class SaidBy(models.TextChoices):
    WALI_KOTA = "wali_kota", _("Wali Kota")
    WAKIL_WALI_KOTA = "wakil_wali_kota", _("Wakil Wali Kota")
    PEMERINTAH = "pemerintah", _("Pemerintah kota / OPD")
    DPRD = "dprd", _("DPRD")
    MEDIA = "media", _("Liputan media sendiri")
    LAINNYA = "lainnya", _("Pihak lain")


class Qualifier(models.TextChoices):
    EXACT = "", _("tepat")
    LEBIH_DARI = "lebih_dari", _("lebih dari")
    SEKITAR = "sekitar", _("sekitar")
    KURANG_DARI = "kurang_dari", _("kurang dari")


class IndicatorQuerySet(models.QuerySet):
    def with_readings(self):
        """Indicators with their readings and each reading's source (3 queries)."""
        return self.select_related("promise", "sector", "target_source", "baseline_source").prefetch_related(
            models.Prefetch("readings", Reading.objects.select_related("source"))
        )


class Indicator(models.Model):
    """A countable programme milestone, e.g. bins delivered to RTs."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    unit = models.CharField(_("satuan"), max_length=30)
    promise = models.ForeignKey(
        "Promise", on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators", verbose_name=_("janji")
    )
    sector = models.ForeignKey(
        "Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="indicators", verbose_name=_("bidang")
    )
    baseline_value = models.DecimalField(_("nilai awal"), max_digits=20, decimal_places=2, null=True, blank=True)
    baseline_as_of = models.DateField(_("nilai awal per tanggal"), null=True, blank=True)
    baseline_source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sumber nilai awal")
    )
    baseline_note = models.CharField(_("catatan nilai awal"), max_length=500, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=20, decimal_places=2, null=True, blank=True)
    target_source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sumber target")
    )
    target_note = models.CharField(_("catatan target"), max_length=500, blank=True)
    note = models.TextField(_("catatan rekonsiliasi"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0, target_source__isnull=False),
                name="indicator_target_sourced_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_value__gte=0, baseline_source__isnull=False),
                name="indicator_baseline_sourced_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("promises:indicator", kwargs={"slug": self.slug})

    # The methods below work on prefetched readings (`with_readings()`): no queries of their own.

    def ledger(self) -> list["Reading"]:
        return sorted(self.readings.all(), key=lambda r: (r.as_of, r.pk))

    def progress_reading(self) -> "Reading | None":
        """The latest reading of something actually done (not a target, an allocation or only a claim)."""
        done = [r for r in self.ledger() if r.counts in Counts.done() and r.unit == self.unit]
        return done[-1] if done else None

    def progress_percent(self) -> int | None:
        reading = self.progress_reading()
        if reading is None or not self.target_value:
            return None
        return min(100, round(reading.value * 100 / self.target_value))

    def conflicts(self) -> list[Conflict]:
        """Pairs of readings of the same kind and unit, about a month apart at most, that differ by > 5%.

        "The same kind": targets with targets, allocations with allocations, and everything said to be
        done (procured, delivered, used, or claimed as done) with each other.
        """
        found = []
        readings = self.ledger()
        for i, first in enumerate(readings):
            for second in readings[i + 1 :]:
                if (second.as_of - first.as_of).days > CONFLICT_WINDOW_DAYS:
                    break
                if Counts.group(first.counts) != Counts.group(second.counts) or first.unit != second.unit:
                    continue
                conflict = Conflict(first, second)
                if conflict.spread > CONFLICT_TOLERANCE:
                    found.append(conflict)
        return found

    def conflicting_reading_ids(self) -> set[int]:
        return {r.pk for c in self.conflicts() for r in (c.first, c.second)}


class Reading(models.Model):
    """One figure for an indicator from one source: the ledger never averages them away."""

    Counts = Counts
    SaidBy = SaidBy
    Qualifier = Qualifier

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="readings", verbose_name=_("indikator")
    )
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=2)
    value_max = models.DecimalField(
        _("nilai maksimum"), max_digits=20, decimal_places=2, null=True, blank=True, help_text=_("Untuk rentang.")
    )
    qualifier = models.CharField(_("keterangan nilai"), max_length=20, choices=Qualifier, blank=True, default="")
    unit = models.CharField(_("satuan"), max_length=30)
    as_of = models.DateField(_("per tanggal"), validators=[AS_OF_NOT_IN_FUTURE])
    as_of_precision = models.CharField(_("ketelitian tanggal"), max_length=5, choices=Precision, default=Precision.DAY)
    counts = models.CharField(_("yang dihitung"), max_length=20, choices=Counts)
    said_by = models.CharField(_("disampaikan oleh"), max_length=20, choices=SaidBy)
    said_by_name = models.CharField(_("nama / jabatan"), max_length=200, blank=True)
    verification = models.CharField(_("verifikasi"), max_length=30, choices=Verification, blank=True)
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="readings", verbose_name=_("sumber"))
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        ordering = ["as_of", "pk"]
        verbose_name = _("angka")
        verbose_name_plural = _("angka")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_value_non_negative"),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=models.F("value")), name="reading_range_ordered"
            ),
            models.CheckConstraint(condition=Q(counts__in=Counts.values), name="reading_counts_valid"),
            models.CheckConstraint(condition=Q(said_by__in=SaidBy.values), name="reading_said_by_valid"),
            models.CheckConstraint(condition=Q(qualifier__in=Qualifier.values), name="reading_qualifier_valid"),
            models.CheckConstraint(condition=~Q(unit=""), name="reading_has_unit"),
        ]
        indexes = [models.Index(fields=["indicator", "as_of"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} {self.unit} ({self.as_of})"

    def save(self, *args, **kwargs):
        if not self.verification:
            self.verification = self.verification_for(self.said_by)
        super().save(*args, **kwargs)

    @staticmethod
    def verification_for(said_by: str) -> str:
        """What a figure rests on by default: the government's word, or an outlet or other party reporting it."""
        government = {SaidBy.WALI_KOTA, SaidBy.WAKIL_WALI_KOTA, SaidBy.PEMERINTAH}
        return Verification.KLAIM_PEMERINTAH if said_by in government else Verification.DIKONFIRMASI_MEDIA

    def clean(self) -> None:
        errors = {}
        if self.value is not None and self.value < 0:
            errors["value"] = _("Nilai tidak boleh negatif.")
        if self.value_max is not None and self.value is not None and self.value_max < self.value:
            errors["value_max"] = _("Nilai maksimum harus lebih besar dari nilai.")
        if errors:
            raise ValidationError(errors)

    @property
    def as_of_label(self) -> str:
        return formatting.date_label(self.as_of, self.as_of_precision)
