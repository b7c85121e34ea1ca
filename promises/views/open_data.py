"""Open data: the /data/ page and the CSV/JSON downloads (whole tables written once per data version and served
as files, promises/downloads.py; filtered ones streamed).

Each table is declared once (its columns, what each one means, and the query behind it), so the page that
documents the files and the files themselves cannot drift apart. A download runs a fixed number of queries
and reads its rows with `.values().iterator()`, so 100× the data costs the server no more memory. CSV text
cells are made safe to open in a spreadsheet (`spreadsheet_safe`); JSON keeps every value as stored.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Max, StringAgg, Value
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .. import downloads
from ..forms import PromiseFilterForm
from ..middleware import cached_page
from ..models import Administration, Claim, Indicator, Promise, Reading, Source, StatusChange

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"
CHUNK_ROWS = 200  # rows per streamed chunk: few enough writes, small enough chunks
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
# Text cells starting with one of these get an apostrophe in CSV (the OWASP rule against formula injection,
# plus the apostrophe itself, so the rule can be undone exactly). JSON keeps every value as it is.
SPREADSHEET_ESCAPED = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class Column:
    key: str  # stable, machine-readable (English snake_case)
    help: str  # what it means, in Indonesian (lazy)
    lookup: str = ""  # the `.values()` path; the key when empty
    choices: type[models.TextChoices] | None = None
    many: bool = False  # space-separated in CSV, a list in JSON


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    queryset: Callable[[HttpRequest], models.QuerySet]

    def rows(self, request: HttpRequest) -> Iterator[dict]:
        """Build the query now (so a 404 comes before streaming starts); read it lazily, in one query."""
        lookups = [column.lookup or column.key for column in self.columns]
        values = self.queryset(request).values(*lookups).iterator(chunk_size=2000)
        return (self._row(row) for row in values)

    def _row(self, row: dict) -> dict:
        out = {}
        for column in self.columns:
            value = row[column.lookup or column.key]
            if column.many:
                # The database gives no order for aggregated strings on every backend: sort for stable files.
                value = sorted(value.split(" ")) if value else []
            out[column.key] = value
        return out


def _promises(request: HttpRequest) -> models.QuerySet:
    """The promise list's own filters (`?bidang=…&status=…`), so "unduh hasil ini" gives what the page shows."""
    promises = Promise.objects.filter(administration=Administration.objects.default_or_404())
    return PromiseFilterForm(request.GET).filter(promises).annotate(last_change=Max("changes__created_at"))


def _indicators(request: HttpRequest) -> models.QuerySet:
    return Indicator.objects.annotate(reading_count=Count("readings")).order_by("order", "name", "pk")


def _readings(request: HttpRequest) -> models.QuerySet:
    """Every figure, or one indicator's (`?indikator=<slug>`, the indicator page's "unduh angka indikator ini")."""
    readings = Reading.objects.order_by("indicator__order", "indicator__name", "as_of", "pk")
    if slug := request.GET.get("indikator"):
        readings = readings.filter(indicator=get_object_or_404(Indicator.objects.only("pk"), slug=slug))
    return readings


def _sources(request: HttpRequest) -> models.QuerySet:
    codes = StringAgg("promise_links__promise__code", delimiter=Value(" "))
    return Source.objects.annotate(promise_codes=codes).order_by(models.F("published").asc(nulls_last=True), "pk")


def _changes(request: HttpRequest) -> models.QuerySet:
    urls = StringAgg("sources__url", delimiter=Value(" "))
    return StatusChange.objects.annotate(source_urls=urls).order_by("created_at", "pk")


def _claims(request: HttpRequest) -> models.QuerySet:
    codes = StringAgg("items__promise__code", delimiter=Value(" "))
    return Claim.objects.annotate(promise_codes=codes).order_by("date", "pk")


SOURCE_URL = _("URL sumber (sama dengan kolom url di berkas sumber).")

TABLES = {
    table.name: table
    for table in [
        Table(
            "promises",
            _("Janji"),
            _("Janji pemerintahan yang tampil di situs, satu baris per janji, berikut status dan verifikasinya."),
            (
                Column("code", _("Kode dokumentasi kami, mis. CP-4 (kampanye), PG-10 (dalam jabatan), RESMI-12.")),
                Column("number", _("Nomor dalam daftar resmi 72 janji; kosong bila belum tertaut ke daftar resmi.")),
                Column("title", _("Judul janji.")),
                Column("description", _("Uraian janji.")),
                Column("sector", _("Kode bidang, mis. sampah."), "sector__slug"),
                Column("sector_name", _("Nama bidang."), "sector__name"),
                Column("programme", _("Nomor program utama kampanye; kosong bila tidak ada."), "programme__number"),
                Column("origin", _("Asal janji."), choices=Promise.Origin),
                Column("status", _("Status saat ini."), choices=Promise.Status),
                Column(
                    "verification",
                    _("Tingkat verifikasi status; kosong bila belum dinilai."),
                    choices=Promise.Verification,
                ),
                Column("last_checked", _("Tanggal terakhir diperiksa (TTTT-BB-HH).")),
                Column("last_change", _("Waktu perubahan status terakhir (ISO 8601, WITA); kosong bila belum ada.")),
                Column("made_on", _("Tanggal janji diucapkan.")),
                Column("made_where", _("Tempat atau kesempatan janji diucapkan.")),
                Column("source_url", _("URL sumber tempat janji tercatat."), "made_source__url"),
                Column("success_criteria", _("Kriteria yang menentukan janji ditepati, ditulis sebelum dinilai.")),
                Column("deadline", _("Tenggat (TTTT-BB-HH); kosong bila tidak disebutkan.")),
                Column("deadline_note", _("Keterangan tenggat, mis. 100 hari kerja.")),
                Column("opd", _("Perangkat daerah (OPD) penanggung jawab, bila diketahui.")),
            ),
            _promises,
        ),
        Table(
            "indicators",
            _("Indikator"),
            _("Tonggak program yang dapat dihitung, dengan nilai awal dan target beserta sumbernya."),
            (
                Column("slug", _("Kode indikator; halamannya di /indikator/<slug>/.")),
                Column("name", _("Nama indikator.")),
                Column("description", _("Uraian.")),
                Column("unit", _("Satuan, mis. unit, rupiah, persen.")),
                Column(
                    "promise_code", _("Kode janji yang diukur indikator ini; kosong bila tidak ada."), "promise__code"
                ),
                Column("sector", _("Kode bidang."), "sector__slug"),
                Column("baseline_value", _("Nilai awal (angka).")),
                Column("baseline_as_of", _("Tanggal berlakunya nilai awal.")),
                Column("baseline_source_url", _("URL sumber nilai awal."), "baseline_source__url"),
                Column("baseline_note", _("Catatan nilai awal.")),
                Column("target_value", _("Target (angka).")),
                Column("target_source_url", _("URL sumber target."), "target_source__url"),
                Column("target_note", _("Catatan target.")),
                Column("note", _("Catatan rekonsiliasi bila sumber tidak sepakat.")),
                Column("reading_count", _("Jumlah angka yang tercatat untuk indikator ini (berkas angka).")),
            ),
            _indicators,
        ),
        Table(
            "readings",
            _("Angka"),
            _("Setiap angka dari setiap sumber untuk setiap indikator. Angka yang bertentangan tidak dirata-ratakan."),
            (
                Column("id", _("Nomor angka di basis data kami.")),
                Column("indicator", _("Kode (slug) indikator."), "indicator__slug"),
                Column("value", _("Nilai (angka; rupiah utuh untuk uang).")),
                Column("value_max", _("Batas atas bila sumber menyebut rentang; kosong bila tidak.")),
                Column("qualifier", _("Keterangan nilai; kosong berarti tepat."), choices=Reading.Qualifier),
                Column("unit", _("Satuan seperti yang disebut sumber.")),
                Column("as_of", _("Tanggal berlakunya angka.")),
                Column("counts", _("Apa yang dihitung."), choices=Reading.Counts),
                Column("said_by", _("Siapa yang menyampaikan angka."), choices=Reading.SaidBy),
                Column("said_by_name", _("Nama atau jabatan penyampai.")),
                Column("verification", _("Tingkat verifikasi angka."), choices=Promise.Verification),
                Column("source_url", SOURCE_URL, "source__url"),
                Column("source_outlet", _("Media atau penerbit sumber."), "source__outlet"),
                Column("note", _("Catatan (parafrase kami).")),
                Column("recorded_at", _("Waktu angka dicatat di situs ini (ISO 8601)."), "created_at"),
            ),
            _readings,
        ),
        Table(
            "sources",
            _("Sumber"),
            _("Artikel dan dokumen yang menjadi dasar janji, status, angka, dan klaim."),
            (
                Column("id", _("Nomor sumber di basis data kami.")),
                Column("key", _("Kode di berkas data awal, mis. H01; kosong untuk sumber baru.")),
                Column("url", _("URL sumber (sudah dinormalkan).")),
                Column("outlet", _("Media atau penerbit.")),
                Column("headline", _("Judul asli, persis seperti terbit.")),
                Column("headline_is_label", _("true bila judul asli tidak terlihat dan kolom headline berisi label.")),
                Column("published", _("Tanggal terbit; kosong bila tidak diketahui.")),
                Column("published_note", _("Catatan bila tanggal terbit tidak diketahui.")),
                Column("kind", _("Jenis sumber."), choices=Source.Kind),
                Column("reliability_note", _("Catatan keandalan, mis. advertorial.")),
                Column("archive_url", _("URL salinan arsip, bila ada.")),
                Column("promise_codes", _("Kode janji yang didukung sumber ini, dipisah spasi."), many=True),
            ),
            _sources,
        ),
        Table(
            "changes",
            _("Perubahan status"),
            _("Riwayat setiap perubahan status janji, terlama di atas. Riwayat ini tidak pernah diubah atau dihapus."),
            (
                Column("id", _("Nomor perubahan.")),
                Column("promise_code", _("Kode janji."), "promise__code"),
                Column("from_status", _("Status sebelumnya."), choices=Promise.Status),
                Column("to_status", _("Status baru."), choices=Promise.Status),
                Column("verification", _("Tingkat verifikasi status baru."), choices=Promise.Verification),
                Column("reason", _("Alasan perubahan.")),
                Column("created_at", _("Waktu perubahan (ISO 8601, WITA).")),
                Column("source_urls", _("URL sumber perubahan, dipisah spasi."), many=True),
            ),
            _changes,
        ),
        Table(
            "claims",
            _("Klaim pemerintah"),
            _(
                "Hitungan capaian versi pemerintah, mis. “22 dari 72 janji ditepati”, "
                "ditampilkan di samping hitungan kami."
            ),
            (
                Column("key", _("Kode klaim.")),
                Column("title", _("Judul klaim.")),
                Column("kept", _("Jumlah janji yang diklaim ditepati; kosong bila tidak disebut.")),
                Column("total", _("Dari total janji; kosong bila tidak disebut.")),
                Column("percent", _("Persentase yang diklaim; kosong bila tidak disebut.")),
                Column("date", _("Tanggal klaim.")),
                Column("said_by", _("Siapa yang mengklaim."), choices=Reading.SaidBy),
                Column("said_by_name", _("Nama atau jabatan.")),
                Column("where", _("Kesempatan klaim disampaikan.")),
                Column("source_url", SOURCE_URL, "source__url"),
                Column("note", _("Catatan.")),
                Column("promise_codes", _("Kode janji yang disebut sebagai capaian, dipisah spasi."), many=True),
            ),
            _claims,
        ),
    ]
}


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet shows as text: an apostrophe before a first character that would start a
    formula (`=HYPERLINK(…)`, `+1`, `-1+2`, `@SUM(1)`, a tab, a carriage return). Also before an apostrophe,
    so that dropping the first apostrophe (`spreadsheet_value()`) gives back every value exactly."""
    return "'" + text if text.startswith(SPREADSHEET_ESCAPED) else text


def spreadsheet_value(cell: str) -> str:
    """The value of a cell written by `spreadsheet_safe()`; any other cell as it is (the import reads both)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(SPREADSHEET_ESCAPED) else cell


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return spreadsheet_safe(" ".join(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1347.00 → "1347", 1.50 → "1.5"; never escaped, even below 0
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(_json_value(value))  # numbers, dates and times: machine formats, never escaped


def _json_value(value):
    """Numbers as numbers (never "1.347,00"), dates and times as ISO 8601 in WITA."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _meta(request: HttpRequest, table: Table) -> dict:
    return {
        "dataset": table.name,
        "title": f"Pantau Janji Kupang: {table.title}",
        "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "documentation": request.build_absolute_uri(reverse("promises:data")),
        "generated_at": _json_value(timezone.now()),
        # Translated now, while the request's language is active, not later while the body streams.
        "columns": [{"key": column.key, "description": str(column.help)} for column in table.columns],
    }


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    buffer = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= CHUNK_ROWS:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def _csv_lines(table: Table, rows: Iterator[dict], meta: dict) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # Three comment lines before the header: pandas.read_csv(..., skiprows=3) skips them.
    yield f"# {meta['title']}\r\n"
    yield f"# license: {LICENCE_NAME} {LICENCE_URL}; documentation: {meta['documentation']}\r\n"
    yield f"# generated_at: {meta['generated_at']}\r\n"
    yield writer.writerow([column.key for column in table.columns])
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row.values()])


def _json_lines(rows: Iterator[dict], meta: dict) -> Iterator[str]:
    yield json.dumps(meta, ensure_ascii=False)[:-1] + ', "rows": ['
    for i, row in enumerate(rows):
        values = {key: _json_value(value) for key, value in row.items()}
        yield ("," if i else "") + "\n" + json.dumps(values, ensure_ascii=False)
    yield "\n]}\n"


@require_safe
@cached_page
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "promises/data.html",
        {
            "tables": TABLES.values(),
            "formats": FORMATS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "now": timezone.now(),
        },
    )


# The query parameters that make a file other than the whole table: such a file is built for its request and
# streamed; the whole tables are written once per data version (promises/downloads.py).
FILTERS = {"promises": tuple(PromiseFilterForm.base_fields), "readings": ("indikator",)}


@require_safe
def download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """A whole table from its file (one query for the data version; the file is built once per version, in the
    table's fixed number of queries), a filtered one streamed."""
    spec = TABLES.get(table)
    if spec is None or fmt not in FORMATS:
        raise Http404("Berkas tidak dikenal.")
    name = spec.name
    if any(request.GET.get(param) for param in FILTERS.get(table, ())):
        response = StreamingHttpResponse(_chunks(_lines(request, spec, fmt)), content_type=FORMATS[fmt])
        if table == "readings":
            name += "-" + slugify(request.GET["indikator"])
    else:
        response = downloads.serve(request, table, fmt, FORMATS[fmt], lambda: _chunks(_lines(request, spec, fmt)))
    if fmt == "csv":
        response["Content-Disposition"] = f'attachment; filename="pantau-janji-kupang-{name}.csv"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites' scripts may read it
    return response


def _lines(request: HttpRequest, spec: Table, fmt: str) -> Iterator[str]:
    """The file's text, line by line; its query is built now (so a 404 comes first) and read while iterated."""
    rows, meta = spec.rows(request), _meta(request, spec)
    return _csv_lines(spec, rows, meta) if fmt == "csv" else _json_lines(rows, meta)
