from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .. import search
from ..search import fold  # noqa: F401  (imported from here by the importer and the synthetic data)
from .addresses import address
from .labels import Labelled
from .loading import QuickLoad
from .log import AppendOnly, AppendOnlyQuerySet

# Codes sort naturally: CP-2 before CP-10 (prefix, then length, then the code itself); the lists' default order,
# indexed (Promise.Meta).
NATURAL_CODE = (F("number").asc(nulls_last=True), Left("code", 3), Length("code"), "code")


class Status(models.TextChoices):
    """Eight values in two phases (DESIGN.md): four during the term, four verdicts."""

    BELUM_DINILAI = "belum_dinilai", _("Belum dinilai")
    BELUM_ADA_TINDAKAN = "belum_ada_tindakan", _("Belum ada tindakan")
    DALAM_PROSES = "dalam_proses", _("Dalam proses")
    TERSENDAT = "tersendat", _("Tersendat")
    DITEPATI = "ditepati", _("Ditepati")
    DITEPATI_SEBAGIAN = "ditepati_sebagian", _("Ditepati sebagian")
    TIDAK_DITEPATI = "tidak_ditepati", _("Tidak ditepati")
    TIDAK_DAPAT_DIVERIFIKASI = "tidak_dapat_diverifikasi", _("Tidak dapat diverifikasi")

    @property
    def glyph(self) -> str:
        return STATUS_GLYPHS[self]

    @classmethod
    def verdicts(cls) -> set[str]:
        """The four verdicts: with VERDICTS_NEED_SECOND_EDITOR, a change to one waits for a second editor."""
        return {cls.DITEPATI, cls.DITEPATI_SEBAGIAN, cls.TIDAK_DITEPATI, cls.TIDAK_DAPAT_DIVERIFIKASI}

    @property
    def description(self) -> str:
        """What the status means, as the methodology page explains it."""
        return STATUS_DESCRIPTIONS[self]


# Every status has its own glyph as well as its colour (site.css: `status-`, `fill-`, `glyph-<value>`),
# so a status is never shown by colour alone.
STATUS_GLYPHS = {
    Status.BELUM_DINILAI: "○",
    Status.BELUM_ADA_TINDAKAN: "∅",
    Status.DALAM_PROSES: "◔",
    Status.TERSENDAT: "‖",
    Status.DITEPATI: "✓",
    Status.DITEPATI_SEBAGIAN: "◑",
    Status.TIDAK_DITEPATI: "✗",
    Status.TIDAK_DAPAT_DIVERIFIKASI: "?",
}
STATUS_DESCRIPTIONS = {
    Status.BELUM_DINILAI: _("Kami belum menilai janji ini. Ini bukan berarti tidak ada tindakan."),
    Status.BELUM_ADA_TINDAKAN: _("Sudah diperiksa pada tanggal tertentu, dan tidak ditemukan tindakan."),
    Status.DALAM_PROSES: _("Ada langkah resmi yang nyata dan bersumber (aturan, anggaran, peluncuran, penyerahan)."),
    Status.TERSENDAT: _("Pekerjaan terhenti, dengan alasannya."),
    Status.DITEPATI: _("Kriteria ditepati terpenuhi menurut sumber."),
    Status.DITEPATI_SEBAGIAN: _("Sebagian kriteria terpenuhi."),
    Status.TIDAK_DITEPATI: _(
        "Tidak ditepati, dengan alasannya (misalnya anggaran tidak tersedia atau kewenangan provinsi)."
    ),
    Status.TIDAK_DAPAT_DIVERIFIKASI: _("Tidak dapat diverifikasi; kami sebutkan data apa yang dapat memastikannya."),
}


class Verification(models.TextChoices):
    """How far a status or figure is confirmed: a separate axis from the status itself."""

    KLAIM_PEMERINTAH = "klaim_pemerintah", _("Klaim pemerintah")
    DIKONFIRMASI_MEDIA = "dikonfirmasi_media", _("Dikonfirmasi media")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi dokumen/lapangan")
    BERTENTANGAN = "bertentangan", _("Data bertentangan")

    @property
    def description(self) -> str:
        """What the level means, as the methodology page explains it."""
        return VERIFICATION_DESCRIPTIONS[self]


VERIFICATION_DESCRIPTIONS = {
    Verification.KLAIM_PEMERINTAH: _("Hanya pemerintah yang menyatakannya."),
    Verification.DIKONFIRMASI_MEDIA: _("Media independen memberitakannya dari liputannya sendiri."),
    Verification.DIVERIFIKASI: _("Ada dokumen resmi atau pemeriksaan lapangan."),
    Verification.BERTENTANGAN: _("Sumber-sumber saling bertentangan."),
}


class DashboardCounts:
    """The promises counted by origin, status, sector and whether they carry an official number (rows of
    `PromiseQuerySet.dashboard_counts`), summed the three ways the dashboard shows them."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows

    @cached_property
    def by_origin(self) -> dict[str, dict[str, int]]:
        counts = {origin: dict.fromkeys(Status.values, 0) for origin in [*Promise.Origin.values, "all"]}
        for origin, status, *_sector, _numbered, n in self.rows:
            counts[origin][status] += n
            counts["all"][status] += n
        for row in counts.values():
            row["total"] = sum(row.values())
        return counts

    @cached_property
    def by_sector(self) -> list[dict]:
        sectors = {}
        for _origin, status, slug, name, order, _numbered, n in self.rows:
            sector = sectors.setdefault(
                slug,
                {"slug": slug, "name": name, "order": order, "total": 0, "statuses": dict.fromkeys(Status.values, 0)},
            )
            sector["statuses"][status] += n
            sector["total"] += n
        return sorted(sectors.values(), key=lambda s: (s["order"], s["name"]))

    @cached_property
    def documentation(self) -> dict[str, int]:
        counts = {"numbered": 0, "campaign": 0, "office": 0}
        for origin, _status, *_sector, numbered, n in self.rows:
            counts["numbered"] += numbered
            if origin == Promise.Origin.KAMPANYE:
                counts["campaign"] += n
            elif origin == Promise.Origin.JABATAN:
                counts["office"] += n - numbered
        counts["documented"] = counts["numbered"] or counts["campaign"]
        return counts


class PromiseQuerySet(models.QuerySet):
    def search(self, text: str, query: "search.Query | None" = None):
        """Promises whose code, title, description or OPD match `text` by the site's search rule (search.py):
        whole words, synonyms, thousands written either way. Looks the words up (one query, search.parse) unless
        `query` is given already parsed; the whole queryset for a text without words."""
        if query is None:
            query = search.parse(text)
        return search.matching(self, query) if query else self

    def dashboard_counts(self) -> "DashboardCounts":
        """The dashboard's three tallies (by origin, documentation, by sector) from one grouped query, instead of
        one query each over every promise."""
        return DashboardCounts(list(self.tallies()))

    def tallies(self):
        """(origin, status, sector slug, name and order, how many carry an official number, how many) per group:
        read from the `promise_tallies` index alone."""
        return (
            self.order_by()
            .values_list("origin", "status", "sector__slug", "sector__name", "sector__order")
            .annotate(numbered=models.Count("pk", filter=Q(number__isnull=False)), n=models.Count("pk"))
        )

    def origin_status_counts(self) -> dict[str, dict[str, int]]:
        """{origin: {status: count}} in one query, every origin and status present (zeros included), plus
        "all" summed over both: campaign promises are counted apart, as the government's claims are about them."""
        return self.dashboard_counts().by_origin

    def sector_status_counts(self) -> list[dict]:
        """Per sector: its name, slug, total and count of each status, zeros included (one query).

        `charts.sector_bars()` turns the counts into the home page's stacked bars.
        """
        return self.dashboard_counts().by_sector

    def documentation_counts(self) -> dict[str, int]:
        """How many of the declared promises are documented (one query).

        Before the official list is loaded, only campaign promises count toward "N dari 72": pledges made in
        office may or may not be among the 72, so they are shown apart. Once promises carry official
        numbers, the numbered ones are what count.
        """
        return self.dashboard_counts().documentation

    def with_related(self):
        """What every promise row shows: sector and administration in the same query."""
        return self.select_related("sector", "administration")

    def for_detail(self):
        """A promise with everything its page shows but its history, which the page reads one page at a time
        (a fixed number of queries)."""
        return (
            self.with_related()
            .prefetch_related(
                models.Prefetch("source_links", PromiseSource.objects.select_related("source")),
                "claim_items__claim__source",
            )
            .select_related("made_source", "programme")
        )


class Promise(QuickLoad, Labelled, models.Model):
    """A promise (janji): what was promised, where, and where it stands now."""

    Status = Status
    Verification = Verification

    class Origin(models.TextChoices):
        KAMPANYE = "kampanye", _("Janji kampanye")
        JABATAN = "jabatan", _("Janji setelah menjabat")

    administration = models.ForeignKey(
        "Administration", on_delete=models.PROTECT, related_name="promises", verbose_name=_("pemerintahan")
    )
    code = models.CharField(_("kode"), max_length=20, help_text=_("Kode dokumentasi tracker, mis. CP-4 atau PG-10."))
    number = models.PositiveSmallIntegerField(
        _("nomor resmi"), null=True, blank=True, help_text=_("Nomor dalam daftar resmi, bila sudah terbit.")
    )
    title = models.CharField(_("judul"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    sector = models.ForeignKey("Sector", on_delete=models.PROTECT, related_name="promises", verbose_name=_("bidang"))
    programme = models.ForeignKey(
        "Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promises",
        verbose_name=_("program utama"),
    )
    origin = models.CharField(_("asal janji"), max_length=20, choices=Origin, default=Origin.KAMPANYE)
    made_on = models.DateField(_("tanggal dijanjikan"), null=True, blank=True)
    made_where = models.CharField(_("tempat / kesempatan"), max_length=300, blank=True)
    made_source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sumber janji"),
    )
    success_criteria = models.TextField(_("kriteria ditepati"), blank=True)
    deadline = models.DateField(_("tenggat"), null=True, blank=True)
    deadline_note = models.CharField(_("keterangan tenggat"), max_length=200, blank=True)
    opd = models.CharField(_("OPD penanggung jawab"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status, default=Status.BELUM_DINILAI, editable=False)
    verification = models.CharField(_("verifikasi"), max_length=30, choices=Verification, blank=True, editable=False)
    last_checked = models.DateField(_("terakhir diperiksa"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("diperbarui oleh"),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    sources = models.ManyToManyField(
        "Source", through="PromiseSource", related_name="promises", verbose_name=_("sumber")
    )

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["administration_id", "number", "code"]
        verbose_name = _("janji")
        verbose_name_plural = _("janji")
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_promise_code"),
            models.UniqueConstraint(
                fields=["administration", "number"], condition=Q(number__isnull=False), name="unique_promise_number"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="promise_status_valid"),
            models.CheckConstraint(
                condition=Q(verification__in=[*Verification.values, ""]), name="promise_verification_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.BELUM_DINILAI) | ~Q(verification=""),
                name="promise_rated_status_has_verification",
            ),
            models.CheckConstraint(condition=Q(origin__in=["kampanye", "jabatan"]), name="promise_origin_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="promise_version_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="promise_has_title"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["sector", "status"]),
            # the administration's promises' ids without reading the rows: counting its indicators (the dashboard,
            # /angka/) joins them; 7 → 3 ms at 100x
            models.Index(fields=["administration", "id"], name="promise_administration"),
            # the dashboard's tallies (dashboard_counts) from the index alone, without reading the wide rows (their
            # texts and search vector): 5 → 2 ms at 100x (PostgreSQL; elsewhere a plain index)
            models.Index(
                fields=["administration", "origin", "status", "sector"],
                include=["number", "id"],
                name="promise_tallies",
            ),
            # a page of the list in its natural order (NATURAL_CODE) walks this index and stops after 20, instead of
            # sorting every promise of the administration (/janji/: 9 → 0,2 ms at 100x). An ascending index puts
            # NULLs last already on PostgreSQL; SQLite refuses NULLS LAST in an index.
            models.Index(
                F("administration"),
                F("number"),
                Left("code", 3),
                Length("code"),
                F("code"),
                name="promise_natural_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:120].strip("-") or "janji"
        self.search_text = self.index_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("promises:detail", pk=self.pk, slug=self.slug)

    def index_text(self) -> str:
        """Code, title, description and OPD: what the promise list shows."""
        return search.index_text(self.code, self.title, self.description, self.opd)

    @property
    def deadline_passed(self) -> bool:
        """The deadline a source gave is behind us (in Kupang) and no verdict has been reached."""
        verdicts = {Status.DITEPATI, Status.DITEPATI_SEBAGIAN, Status.TIDAK_DITEPATI}
        return bool(self.deadline) and self.deadline < timezone.localdate() and self.status not in verdicts


class PromiseSource(QuickLoad, models.Model):
    """A source that documents a promise, with what it says about it."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="source_links", verbose_name=_("janji"))
    source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, related_name="promise_links", verbose_name=_("sumber")
    )
    note = models.CharField(_("apa kata sumber"), max_length=500, blank=True)

    class Meta:
        ordering = ["source__published", "source__key"]
        verbose_name = _("sumber janji")
        verbose_name_plural = _("sumber janji")
        constraints = [models.UniqueConstraint(fields=["promise", "source"], name="unique_promise_source")]

    def __str__(self) -> str:
        return f"{self.promise.code} ← {self.source.key or self.source.pk}"


class StatusChangeQuerySet(AppendOnlyQuerySet):
    def for_log(self):
        """Changes newest first with promise, editor and sources (2 queries)."""
        return self.select_related("promise", "editor").prefetch_related("sources").order_by("-created_at", "-pk")


class StatusChange(Labelled, AppendOnly):
    """One row of a promise's public timeline. Append-only: never edited, never deleted."""

    edit_refused = _("Riwayat status tidak dapat diubah.")
    delete_refused = _("Riwayat status tidak dapat dihapus.")

    class Kind(models.TextChoices):
        CHANGE = "perubahan", _("Perubahan")
        INITIAL = "penilaian_awal", _("Penilaian awal")
        CORRECTION = "koreksi", _("Koreksi")

    promise = models.ForeignKey(Promise, on_delete=models.PROTECT, related_name="changes", verbose_name=_("janji"))
    from_status = models.CharField(_("dari status"), max_length=30, choices=Status)
    to_status = models.CharField(_("menjadi status"), max_length=30, choices=Status)
    verification = models.CharField(_("verifikasi"), max_length=30, choices=Verification, blank=True)
    reason = models.TextField(_("alasan"))
    sources = models.ManyToManyField(
        "Source", through="StatusChangeSource", blank=True, related_name="status_changes", verbose_name=_("sumber")
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("editor"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disetujui oleh"),
        help_text=_("Editor kedua yang menyetujui putusan ini."),
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    kind = models.CharField(
        _("jenis"),
        max_length=20,
        choices=Kind,
        default=Kind.CHANGE,
        help_text=_("Penilaian awal bertanggal sumber terbaru yang menjadi dasarnya."),
    )

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("perubahan status")
        verbose_name_plural = _("riwayat perubahan status")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="status_change_has_reason"),
            models.CheckConstraint(condition=Q(to_status__in=Status.values), name="status_change_to_valid"),
            models.CheckConstraint(condition=Q(from_status__in=Status.values), name="status_change_from_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=["perubahan", "penilaian_awal", "koreksi"]), name="status_change_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_status=Status.BELUM_DINILAI) | ~Q(verification=""),
                name="status_change_rated_has_verification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promise.code}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    @staticmethod
    def check_rules(*, status: str, verification: str, reason: str, has_source: bool) -> None:
        """The rules of a status change (ValidationError keyed by field; `sources` for a missing source).

        The same rules the database holds where it can: a known status, a verification for every rated
        status, a reason always, and a source for every status but "Belum dinilai".
        """
        errors = {}
        if status not in Status.values:
            errors["status"] = _("Status tidak dikenal.")
        if verification and verification not in Verification.values:
            errors["verification"] = _("Tingkat verifikasi tidak dikenal.")
        if status != Status.BELUM_DINILAI and not verification:
            errors["verification"] = _("Pilih tingkat verifikasi untuk status ini.")
        if not (reason or "").strip():
            errors["reason"] = _("Alasan perubahan wajib diisi.")
        if status != Status.BELUM_DINILAI and not has_source:
            errors["sources"] = _("Sertakan minimal satu sumber untuk status ini.")
        if errors:
            raise ValidationError(errors)


class StatusChangeSource(QuickLoad, models.Model):
    """A source a history row rests on. The source cannot be deleted while history cites it (PROTECT here, and
    the database's own foreign key); a wrong source is replaced with a logged reason (`services.replace_source`)."""

    statuschange = models.ForeignKey(StatusChange, on_delete=models.CASCADE, verbose_name=_("perubahan status"))
    source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, related_name="status_change_links", verbose_name=_("sumber")
    )

    class Meta:
        db_table = "promises_statuschange_sources"  # the table the many-to-many field has always had
        unique_together = [("statuschange", "source")]
        verbose_name = _("sumber riwayat")
        verbose_name_plural = _("sumber riwayat")

    def __str__(self) -> str:
        return f"{self.statuschange_id} ← {self.source_id}"
