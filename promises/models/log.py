"""The public log: one entry for everything public an editor does (DESIGN.md, "Changes log").

`/perubahan/`, the site-wide feed and each promise's feed read it; each entry has its own permalink
(`/perubahan/<id>/`). The services write it in the same transaction as the change itself; nothing else does.
Append-only: never edited, never deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import search
from ..formatting import reading_value
from .addresses import address
from .labels import Labelled
from .loading import QuickLoad
from .source import Source


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset of public records: deleting them in bulk is refused like deleting one (AppendOnly)."""

    def delete(self):
        raise ValidationError(AppendOnly.delete_refused)

    delete.alters_data = True
    delete.queryset_only = True


# What a log row (templatetags/perubahan.py) and a feed entry (feeds.py) never read of an entry and its objects.
UNSHOWN = (
    "search_text",
    "promise__description",
    "promise__success_criteria",
    "promise__search_text",
    "indicator__description",
    "indicator__note",
    "indicator__search_text",
    "report__text",
    "report__close_reason",
)
# What they read of a source: its citation (templatetags/situs.py, source_cite) and its headline (the feeds).
CITED = ("url", "outlet", "headline", "published", "reliability", "kind")
# The objects they read with an entry (promises/fingerprints.py hashes the same).
ROW_OBJECTS = ("promise", "indicator", "status_change", "reading", "editor", "approved_by", "report")


class LogQuerySet(AppendOnlyQuerySet):
    def for_log(self):
        """Entries newest first with everything a row and a feed entry show (2 queries: the entries with their
        objects, then their sources). The long texts no row shows (search texts, descriptions, a report's text)
        are left in the database: a row of the log read 128 columns, most of them those."""
        return (
            self.select_related(*ROW_OBJECTS)
            .defer(*UNSHOWN)
            .prefetch_related(models.Prefetch("sources", Source.objects.only(*CITED)))
            .order_by("-created_at", "-pk")
        )

    def for_log_keys(self):
        """Entries newest first as the keys of their rows (promises/fragments.py): pk and when they were made."""
        return self.order_by("-created_at", "-pk").values("pk", "created_at")


class LogKind(models.TextChoices):
    """What an entry records."""

    STATUS = "status", pgettext_lazy("jenis catatan perubahan", "Perubahan status")  # one change: singular in English
    RECHECK = "periksa_ulang", _("Diperiksa ulang")
    READING = "angka", _("Angka baru")
    READING_CORRECTED = "koreksi_angka", _("Angka dikoreksi")
    READING_WITHDRAWN = "tarik_angka", _("Angka ditarik")
    SOURCE_LINKED = "sumber", _("Sumber baru untuk janji")
    PROMISE_NEW = "janji_baru", _("Janji baru dicatat")
    INDICATOR_NEW = "indikator_baru", _("Indikator baru")
    INDICATOR_NOTE = "catatan_indikator", _("Catatan indikator diubah")


class AppendOnly(QuickLoad, models.Model):
    """A public record: written once, never edited, never deleted (the admin refuses both too)."""

    edit_refused = _("Catatan perubahan tidak dapat diubah.")
    delete_refused = _("Catatan perubahan tidak dapat dihapus.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(self.edit_refused)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.delete_refused)


class LogEntry(Labelled, AppendOnly):
    Kind = LogKind

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind)
    promise = models.ForeignKey(
        "Promise", on_delete=models.PROTECT, null=True, blank=True, related_name="log", verbose_name=_("janji")
    )
    indicator = models.ForeignKey(
        "Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="log", verbose_name=_("indikator")
    )
    status_change = models.OneToOneField(
        "StatusChange", on_delete=models.PROTECT, null=True, blank=True, related_name="log_entry"
    )
    reading = models.ForeignKey(
        "Reading", on_delete=models.SET_NULL, null=True, blank=True, related_name="log", verbose_name=_("angka")
    )
    sources = models.ManyToManyField("Source", blank=True, related_name="log_entries", verbose_name=_("sumber"))
    note = models.TextField(_("catatan"), blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    report = models.ForeignKey(
        "Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("berdasarkan laporan pembaca"),
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("catatan perubahan")
        verbose_name_plural = _("catatan perubahan")
        constraints = [models.CheckConstraint(condition=Q(kind__in=LogKind.values), name="log_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        """Stores the search text once, when the entry is written (it is never edited)."""
        if self._state.adding:
            self.search_text = self.index_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("promises:change", pk=self.pk)

    def index_text(self) -> str:
        """The public text of the entry: the reason of its status change, its note, the promise's code and the
        subject the log names (the indicator, and the figure with its unit). Not the promise's title: every
        entry about a bins promise would then be a hit for "sampah". Reads the related rows it names that are
        not loaded (at most four queries, when written)."""
        change = self.status_change
        reading = self.reading
        parts = [change.reason if change else "", self.note, self.promise.code if self.promise_id else ""]
        if self.indicator_id:
            parts.append(self.indicator.name)
        if reading is not None:
            parts += [format(Decimal(reading.value).normalize(), "f"), reading.unit]
        return search.index_text(*parts)

    def title(self) -> str:
        """One line for a feed entry: "CP-2 Dana Pengaman: Belum dinilai → Tersendat", "Angka baru: … · 1.347 unit"."""
        promise = f"{self.promise.code} {self.promise.title}" if self.promise_id else ""
        change = self.status_change
        if change is not None:
            title = f"{promise}: {change.get_from_status_display()} → {change.get_to_status_display()}"
            return title if change.kind == change.Kind.CHANGE else f"{change.get_kind_display()}: {title}"
        subject = promise
        if self.indicator_id and self.kind != LogKind.PROMISE_NEW:
            subject = self.indicator.name
            if self.reading_id:
                subject += f" · {reading_value(self.reading)}"
        return f"{self.get_kind_display()}: {subject}"

    @property
    def anchor(self) -> str:
        return f"perubahan-{self.pk}"
