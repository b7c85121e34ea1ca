from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import search
from .dates import PUBLISHED_NOT_IN_FUTURE, Precision
from .labels import Labelled
from .loading import QuickLoad

DROPPED_QUERY_KEYS = {"fbclid", "gclid"}


def normalize_url(url: str) -> str:
    """Return the canonical form of a source URL, or raise ValidationError.

    Lower-case scheme and host, no `utm_*`/`fbclid` parameters, no fragment, no trailing slash,
    so the same article pasted twice is recognised as one source.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname  # parsing the host can fail too ("http://[::1")
    except ValueError:
        parts, hostname = None, None
    scheme = parts.scheme.lower() if parts else ""
    if scheme not in {"http", "https"} or not parts.netloc or not hostname:
        raise ValidationError(
            _("Alamat sumber harus berupa URL http:// atau https:// yang lengkap."), code="invalid_url"
        )
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and scheme == "http" or netloc.endswith(":443") and scheme == "https":
        netloc = netloc.rsplit(":", 1)[0]
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key.lower() not in DROPPED_QUERY_KEYS
        ]
    )
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, netloc, path, query, ""))


class Kind(models.TextChoices):
    MEDIA = "media", _("Media")
    PEMERINTAH = "pemerintah", _("Rilis pemerintah")
    DPRD = "dprd", _("DPRD")
    DOKUMEN = "dokumen", _("Dokumen resmi")
    LSM = "lsm", _("LSM / organisasi masyarakat")
    LAPANGAN = "lapangan", _("Pemeriksaan lapangan")
    LAINNYA = "lainnya", _("Lainnya")


class Reliability(models.TextChoices):
    """A verdict on a source's reliability, shown publicly as "keandalan rendah"; a plain note is not one."""

    NONE = "", _("tidak ada putusan")
    ADVERTORIAL = "advertorial", _("advertorial")
    PARTISAN = "partisan", _("partisan")
    SALINAN = "salinan", _("salinan dari situs lain")


def list_order() -> tuple:
    """The sources page's order; `pk` last so pages are stable when dates and outlets tie."""
    return (models.F("published").desc(nulls_last=True), "outlet", "pk")


LIST_PAGE_SIZE = 50
# What a row of /sumber/ (templatetags/sumber.py) reads of the promises a source is used for: a link with the
# promise's code and title (promises/fingerprints.py hashes the same).
LISTED_PROMISE = ("id", "code", "title", "slug")


MOBILE = {("m", "1"), ("m", "0")}  # Blogger's switch between its mobile and desktop views


def url_twins(url: str) -> list[str]:
    """A normalised URL and the addresses of the same page that differ only in http/https, a leading "www." or
    "m." (a mobile site), or Blogger's mobile switch "?m=1" ("http://m.example.com/x.html?m=1" and
    "https://www.example.com/x.html"), the exact one first."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.").removeprefix("m.")
    kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if (key, value) not in MOBILE]
    queries = [parts.query, urlencode(kept)]
    twins = [
        urlunsplit((scheme, netloc, parts.path, query, parts.fragment))
        for scheme in ("https", "http")
        for netloc in (host, "www." + host, "m." + host)
        for query in queries
    ]
    return list(dict.fromkeys([url, *twins]))


class SourceQuerySet(models.QuerySet):
    def for_url(self, url: str) -> "Source | None":
        """The recorded source of a normalised URL, or of the same page at one of its `url_twins` (http/https,
        "www.", a mobile address): one article pasted in another form is never a second source. One query."""
        twins = url_twins(url)
        found = {source.url: source for source in self.filter(url__in=twins)}
        return next((found[twin] for twin in twins if twin in found), None)

    def search(self, text: str):
        """Sources whose outlet, headline or URL contain every word (case-insensitive): the editors' picker."""
        words = (text or "").split()[:8]
        if not words:
            return self.none()
        for word in words:
            self = self.filter(Q(outlet__icontains=word) | Q(headline__icontains=word) | Q(url__icontains=word))
        return self.order_by(*list_order())

    def for_list(self):
        """Sources with what a row of /sumber/ shows: the promises they are used for and any replacement, newest
        first (3 queries: sources, their promise links with those promises, replacements with the new source)."""
        from .promise import PromiseSource

        links = PromiseSource.objects.select_related("promise").only(
            "source_id", "promise_id", *(f"promise__{name}" for name in LISTED_PROMISE)
        )
        replacements = models.Prefetch("replaced_by", SourceReplacement.objects.select_related("new"))
        return self.prefetch_related(models.Prefetch("promise_links", links), replacements).order_by(*list_order())


class Source(QuickLoad, Labelled, models.Model):
    """An article or document that a status, a figure or a claim rests on."""

    Kind = Kind
    Reliability = Reliability

    key = models.CharField(
        _("kode data"), max_length=20, blank=True, help_text=_("Kode di berkas data awal, mis. H01.")
    )
    url = models.URLField(_("URL"), max_length=1000, unique=True)
    outlet = models.CharField(_("media / penerbit"), max_length=200)
    headline = models.CharField(_("judul"), max_length=500)
    headline_is_label = models.BooleanField(
        _("judul berupa keterangan"), default=False, help_text=_("Judul asli tidak terlihat; ini label deskriptif.")
    )
    published = models.DateField(_("tanggal terbit"), null=True, blank=True, validators=[PUBLISHED_NOT_IN_FUTURE])
    published_precision = models.CharField(
        _("ketelitian tanggal terbit"), max_length=5, choices=Precision, default=Precision.DAY
    )
    published_note = models.CharField(_("catatan tanggal"), max_length=300, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind, default=Kind.MEDIA)
    reliability = models.CharField(
        _("keandalan"),
        max_length=20,
        choices=Reliability,
        blank=True,
        default="",
        help_text=_("Hanya untuk putusan keandalan: advertorial, partisan, atau salinan. Catatan lain: kolom catatan."),
    )
    reliability_note = models.CharField(
        _("catatan"), max_length=500, blank=True, help_text=_("Catatan tentang sumber, ditampilkan apa adanya.")
    )
    summary = models.CharField(
        _("ringkasan"),
        max_length=300,
        blank=True,
        help_text=_("Satu kalimat netral: apa yang dilaporkan sumber ini. Bukan penilaian keandalan."),
    )
    archive_url = models.URLField(_("URL arsip"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "outlet"]
        verbose_name = _("sumber")
        verbose_name_plural = _("sumber")
        # PostgreSQL also has an index in list_order() (migration 0019; SQLite has no NULLS LAST in an index):
        # a page of /sumber/ and a source's place in it are read through it, not by sorting every source.
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="unique_source_key"),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"), name="source_url_is_http"
            ),
            models.CheckConstraint(
                condition=Q(published__isnull=False) | ~Q(published_note=""), name="source_date_or_note"
            ),
            models.CheckConstraint(condition=~Q(headline=""), name="source_has_headline"),
            models.CheckConstraint(condition=~Q(outlet=""), name="source_has_outlet"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=Q(reliability__in=Reliability.values), name="source_reliability_valid"),
            models.CheckConstraint(
                condition=Q(published_precision__in=Precision.values), name="source_published_precision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.headline}"

    def save(self, *args, **kwargs):
        self.url = normalize_url(self.url)
        self.search_text = self.index_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The source on its page of the paginated sources list (one query: the ids in list order)."""
        ids = list(Source.objects.order_by(*list_order()).values_list("pk", flat=True))
        page = ids.index(self.pk) // LIST_PAGE_SIZE + 1
        query = f"?halaman={page}" if page > 1 else ""
        return reverse("promises:sources") + query + f"#sumber-{self.pk}"

    def index_text(self) -> str:
        """Outlet, headline, the URL's host (without "www.") and the summary: what the sources page shows."""
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        return search.index_text(self.outlet, self.headline, host, self.summary)

    def clean(self) -> None:
        errors = {}
        try:
            self.url = normalize_url(self.url)
        except ValidationError as error:
            errors["url"] = error
        if self.archive_url:
            try:
                self.archive_url = normalize_url(self.archive_url)
            except ValidationError as error:
                errors["archive_url"] = error
        if not self.published and not self.published_note.strip():
            errors["published_note"] = _("Isi tanggal terbit, atau catatan bila tanggalnya tidak diketahui.")
        if errors:
            raise ValidationError(errors)


class SourceReplacement(QuickLoad, models.Model):
    """A correction of evidence: every use of a wrong source moved to the right one, with the reason, kept in
    public. History never loses its sources: a cited source cannot be deleted, only replaced like this."""

    old = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("sumber lama"))
    new = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("sumber pengganti")
    )
    reason = models.TextField(_("alasan"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("penggantian sumber")
        verbose_name_plural = _("penggantian sumber")
        constraints = [
            models.CheckConstraint(condition=~Q(old=models.F("new")), name="source_replacement_differs"),
            models.CheckConstraint(condition=~Q(reason=""), name="source_replacement_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.old_id} → {self.new_id}"
