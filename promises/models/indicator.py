from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import formatting, search
from .addresses import address
from .conflict import Conflict, find_conflicts
from .dates import AS_OF_NOT_IN_FUTURE, Precision
from .labels import Labelled
from .loading import QuickLoad
from .promise import Verification
from .source import Source


class Counts(models.TextChoices):
    TARGET = "target", _("target")
    ALLOCATED = "allocated", _("dialokasikan")
    PROCURED = "procured", _("diadakan")
    DELIVERED = "delivered", _("diserahkan / terealisasi")
    USED = "used", _("digunakan / dimanfaatkan")
    CLAIMED = "claimed", _("diklaim")

    @classmethod
    def done(cls) -> frozenset[str]:
        return DONE

    @classmethod
    def group(cls, counts: str) -> str:
        """Kinds of figures that answer the same question and so can contradict each other."""
        return "done" if counts in DONE_OR_CLAIMED else counts


# Built once: the conflict rule asks for every pair of figures it compares (thousands on a page of /angka/).
DONE = frozenset({Counts.PROCURED, Counts.DELIVERED, Counts.USED})
DONE_OR_CLAIMED = DONE | {Counts.CLAIMED}


class SaidBy(models.TextChoices):
    WALI_KOTA = "wali_kota", _("Wali Kota")
    WAKIL_WALI_KOTA = "wakil_wali_kota", _("Wakil Wali Kota")
    PEMERINTAH = "pemerintah", _("Pemerintah kota / OPD")
    DPRD = "dprd", _("DPRD")
    MEDIA = "media", _("Liputan media sendiri")
    LAINNYA = "lainnya", _("Pihak lain")


class Qualifier(models.TextChoices):
    """How the source bounds its figure, in its own words."""

    EXACT = "", _("tepat")
    LEBIH_DARI = "lebih_dari", _("lebih dari")
    SETIDAKNYA = "setidaknya", _("setidaknya")
    SEKITAR = "sekitar", _("sekitar")
    HINGGA = "hingga", _("hingga")
    KURANG_DARI = "kurang_dari", _("kurang dari")


class Measure(models.TextChoices):
    """What kind of measure a figure is; events add up to a total and never conflict with each other."""

    TOTAL = "total", _("jumlah per tanggal")
    PERIOD = "period", _("jumlah selama periode")
    EVENT = "event", _("satu kejadian")


# The dashboard's order of candidates: those with a target first. Indexed (Indicator.Meta), so picking the first
# four walks the index and stops, instead of sorting every indicator.
FEATURED_ORDER = (models.Case(models.When(target_value__gt=0, then=0), default=1), "order", "name", "pk")


# What a card (and the conflict rule behind its ⚠) reads of a figure.
CARD_READING_FIELDS = (
    "indicator_id",
    "value",
    "value_max",
    "qualifier",
    "unit",
    "as_of",
    "as_of_precision",
    "period_start",
    "measure",
    "part_of_id",
    "counts",
    "withdrawn_at",
    "source_id",
)


def _standing_done(*measures: str):
    """The indicator's standing figures (not withdrawn, not part of another) of something done, in its own unit
    and of these measures: a subquery for `Exists`."""
    return Reading.objects.filter(
        indicator=models.OuterRef("pk"),
        unit=models.OuterRef("unit"),
        counts__in=Counts.done(),
        measure__in=measures,
        part_of__isnull=True,
        withdrawn_at__isnull=True,
    )


class IndicatorQuerySet(models.QuerySet):
    def with_realised_figure(self):
        """Those with a standing figure of something done in their own unit, a total or an event: the ones whose
        page and card show realised progress."""
        return self.filter(models.Exists(_standing_done(Measure.TOTAL, Measure.EVENT)))

    def with_realised_total(self):
        """Those with a standing total of something done in their own unit (what `progress_reading()` looks for),
        those with a target first: the dashboard's candidates, found in SQL instead of loading every figure."""
        return self.filter(models.Exists(_standing_done(Measure.TOTAL))).order_by(*FEATURED_ORDER)

    def for_cards(self):
        """Indicators with what a card shows (templatetags/kartu.py: /angka/, the dashboard, a promise page): their
        figures with only the fields the card and the conflict rule read, each with its source's outlet
        (`source_outlet`, no source object), and the editors' conflict marks (3 queries). Loading whole figures and
        sources was a third of /angka/'s render at 100x."""
        # The outlet as a subquery by the source's key, not a join: with a join PostgreSQL hashes every source (17.700
        # at 100x, 4 of /angka/'s 6 ms for this query) to match a few hundred figures.
        outlet = Source.objects.filter(pk=models.OuterRef("source_id")).order_by().values("outlet")
        figures = Reading.objects.only(*CARD_READING_FIELDS).annotate(source_outlet=models.Subquery(outlet))
        return self.prefetch_related(models.Prefetch("readings", figures), "conflict_marks")

    def with_readings(self):
        """Indicators with their readings and each one's source, and the editors' conflict marks (3 queries)."""
        return self.select_related(
            "promise__administration", "sector", "target_source", "baseline_source"
        ).prefetch_related(models.Prefetch("readings", Reading.objects.select_related("source")), "conflict_marks")


class Indicator(QuickLoad, Labelled, models.Model):
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
    cumulative = models.BooleanField(
        _("jumlah sejak awal"),
        default=False,
        help_text=_("Jumlah per tanggal di sini menghitung semua yang dikerjakan sejak program mulai."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), default=timezone.now, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name", "pk"]  # pk: twins in order and name still page the same way every time
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        # A page of /angka/ and the dashboard's four walk these in order instead of sorting every indicator.
        indexes = [
            models.Index(fields=["order", "name", "id"], name="indicator_order"),
            models.Index(
                *FEATURED_ORDER[:1],
                models.F("order"),
                models.F("name"),
                models.F("id"),
                name="indicator_featured_order",
            ),
        ]
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

    def save(self, *args, **kwargs):
        """Also stores the search text; reads the promise's code when the promise is not loaded (one query)."""
        self.search_text = self.index_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("promises:indicator", slug=self.slug)

    def clean(self) -> None:
        if scale := scale_in_unit(self.unit):
            raise ValidationError(
                {
                    "unit": _("Satuan tidak boleh memuat “%(scale)s”: pakai satuan dasarnya, mis. “rupiah”.")
                    % {"scale": scale}
                }
            )

    def index_text(self) -> str:
        """Name, unit, description, the promise's code and the target (1347, however it is written)."""
        promise_code = self.promise.code if self.promise_id else ""
        target = "" if self.target_value is None else format(Decimal(self.target_value).normalize(), "f")
        return search.index_text(self.name, self.unit, self.description, promise_code, target)

    # The methods below work on prefetched readings (`with_readings()`): no queries of their own.

    @cached_property
    def _ledger(self) -> list["Reading"]:
        readings = sorted(self.readings.all(), key=lambda r: (r.as_of, r.pk))
        by_pk = {r.pk: r for r in readings}
        for reading in readings:
            reading.whole = by_pk.get(reading.part_of_id)  # the figure it is a part of, without a query
        return readings

    def ledger(self) -> list["Reading"]:
        return self._ledger

    def standing(self) -> list["Reading"]:
        """The ledger without withdrawn or corrected figures."""
        return [r for r in self._ledger if r.standing]

    def _done(self) -> list["Reading"]:
        return [r for r in self.standing() if r.counts in Counts.done() and r.unit == self.unit and not r.part_of_id]

    def progress_reading(self) -> "Reading | None":
        """The latest total of something actually done (not a target, an allocation, only a claim, a single
        event or a part of another figure)."""
        done = [r for r in self._done() if r.measure == Measure.TOTAL]
        return done[-1] if done else None

    def event_sum(self) -> tuple[int, Decimal] | None:
        """(how many, their sum) of the single events recorded as done (handovers), when there are any."""
        events = [r for r in self._done() if r.measure == Measure.EVENT]
        return (len(events), sum((r.value for r in events), Decimal(0))) if events else None

    def progress_percent(self) -> int | None:
        reading = self.progress_reading()
        if reading is None or not self.target_value:
            return None
        return min(100, round(reading.value * 100 / self.target_value))

    @cached_property
    def _conflict_pairs(self) -> tuple[list[Conflict], list[Conflict]]:
        return find_conflicts(self.standing(), list(self.conflict_marks.all()), cumulative=self.cumulative)

    def conflicts(self) -> list[Conflict]:
        """Pairs of readings that cannot both be true (models/conflict.py), by the rule or an editor's mark."""
        return self._conflict_pairs[0]

    def dismissed_conflicts(self) -> list[Conflict]:
        """Pairs the rule would flag that an editor marked as not conflicting, with the reason."""
        return self._conflict_pairs[1]

    def conflicting_reading_ids(self) -> set[int]:
        return {r.pk for c in self.conflicts() for r in (c.first, c.second)}


SCALE_WORDS = {"ribu", "juta", "miliar", "milyar", "triliun", "rb", "jt"}


def scale_in_unit(unit: str) -> str:
    """The scale word a unit starts with ("miliar rupiah" → "miliar"), else "": a figure's value is stored whole,
    in its base unit, so that 3 with "miliar rupiah" is never read as Rp3 (the open data, the conflict rule)."""
    words = (unit or "").split()
    return words[0] if len(words) > 1 and words[0].lower().rstrip(".") in SCALE_WORDS else ""


class Reading(QuickLoad, Labelled, models.Model):
    """One figure for an indicator from one source: the ledger never averages them away."""

    Counts = Counts
    SaidBy = SaidBy
    Qualifier = Qualifier
    Measure = Measure

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
    period_start = models.DateField(
        _("awal periode"),
        null=True,
        blank=True,
        validators=[AS_OF_NOT_IN_FUTURE],
        help_text=_("Untuk angka selama suatu periode; ketelitiannya sama dengan tanggal akhir."),
    )
    measure = models.CharField(_("jenis ukuran"), max_length=10, choices=Measure, default=Measure.TOTAL)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("bagian dari"),
        help_text=_("Angka yang merupakan bagian dari angka lain (28 dari 162 pasien) tidak dibandingkan dengannya."),
    )
    key = models.CharField(_("kode data"), max_length=120, blank=True, help_text=_("Kode di berkas data awal."))
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
    # A figure is never deleted by an editor: it is withdrawn (with a reason) or corrected by a new one, and
    # stays on the page struck through. Progress and conflicts read only the standing figures.
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("ditarik oleh"),
    )
    withdrawal_reason = models.CharField(_("alasan penarikan / koreksi"), max_length=1000, blank=True, editable=False)
    corrected_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrects",
        verbose_name=_("dikoreksi oleh angka"),
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
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="reading_measure_valid"),
            models.CheckConstraint(condition=Q(as_of_precision__in=Precision.values), name="reading_precision_valid"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=models.F("as_of")),
                name="reading_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(measure=Measure.PERIOD) | Q(period_start__isnull=False), name="reading_period_has_start"
            ),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="unique_reading_key"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""), name="reading_withdrawal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(corrected_by__isnull=True) | Q(withdrawn_at__isnull=False),
                name="reading_corrected_is_withdrawn",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "as_of"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} {self.unit} ({self.as_of})"

    def save(self, *args, **kwargs):
        if not self.verification:
            self.verification = self.verification_for(self.said_by)
        super().save(*args, **kwargs)

    @property
    def standing(self) -> bool:
        """Neither withdrawn nor corrected: the figure counts for progress and conflicts."""
        return self.withdrawn_at is None

    @property
    def anchor(self) -> str:
        return f"angka-{self.pk}"

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
        if self.period_start and self.as_of and self.period_start > self.as_of:
            errors["period_start"] = _("Awal periode harus sebelum tanggal akhirnya.")
        if self.measure == Measure.PERIOD and not self.period_start:
            errors["period_start"] = _("Isi awal periode untuk angka selama suatu periode.")
        if scale := scale_in_unit(self.unit):
            errors["unit"] = _(
                "Satuan tidak boleh memuat “%(scale)s”: tulis nilainya penuh dalam satuan dasarnya, mis. Rp3 miliar "
                "sebagai 3000000000 dengan satuan “rupiah”."
            ) % {"scale": scale}
        if errors:
            raise ValidationError(errors)

    @property
    def as_of_label(self) -> str:
        """When the figure holds: "14 Agustus 2025", "April 2025", or a period "Juli–Agustus 2025"."""
        if self.period_start:
            return formatting.period_label(self.period_start, self.as_of, self.as_of_precision)
        return formatting.date_label(self.as_of, self.as_of_precision)
