"""Loading the official list of promises from a CSV file: read, plan, then write in one transaction.

The file needs the columns number, title, sector and description (Indonesian headers nomor, judul,
bidang, uraian work too); source_url, opd and deadline are optional; other columns are ignored, so a
CSV downloaded from /data/ can be imported as it is: lines starting with "#" before the header are skipped,
and a cell that the download escaped for spreadsheets (`'=…`, see `spreadsheet_value`) is read back to its
value. Lines may end in CR LF, LF or a lone CR (old Mac spreadsheets).

Each row is matched against the promises already documented for the administration:

- a promise with the same official number: it is the same promise ("update", or "unchanged");
- else a promise not yet numbered whose title is the same once case and accents are ignored: "link";
- else, when the admin confirms it (`links={number: code}`), the promise they chose: "link";
- else "create", a new promise with code RESMI-<number>, origin "kampanye", status "Belum dinilai".
  A not-yet-numbered promise with a similar title is shown as a likely match for the admin to confirm.

A matched promise gets its number and fills only its empty fields (description, OPD, deadline, source):
its code, title, sector, texts, sources, readings and history stay as documented; differences are shown
in the plan. An import never sets a status. Every row error is reported at once with its line number,
and nothing is written unless every row is valid; importing the same file twice changes nothing. A file the
CSV reader cannot read to its end (a cell over the reader's size limit) is refused at the line it stopped on.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import angka
from .models import Administration, Promise, PromiseSource, Sector, Source, normalize_url
from .models.promise import fold
from .models.text import MESSAGE as INVISIBLE_MESSAGE
from .models.text import invisible_character
from .views.open_data import spreadsheet_value

REQUIRED = ("number", "title", "sector", "description")
HEADER_ALIASES = {
    "nomor": "number",
    "no": "number",
    "judul": "title",
    "janji": "title",
    "bidang": "sector",
    "uraian": "description",
    "deskripsi": "description",
    "url_sumber": "source_url",
    "sumber": "source_url",
    "tenggat": "deadline",
}
LIKELY_MATCH = 0.6  # difflib ratio on folded titles from which a title is shown as a likely match
CODE_PREFIX = "RESMI-"
MAX_NUMBER = 32767  # the number column's range


class Action(models.TextChoices):
    CREATE = "create", gettext_lazy("buat janji baru")
    LINK = "link", gettext_lazy("tautkan ke janji terdokumentasi")
    UPDATE = "update", gettext_lazy("perbarui")
    UNCHANGED = "unchanged", gettext_lazy("tidak berubah")


FIELD_LABELS = {
    "number": gettext_lazy("nomor resmi"),
    "title": gettext_lazy("judul"),
    "sector": gettext_lazy("bidang"),
    "description": gettext_lazy("uraian"),
    "opd": gettext_lazy("OPD"),
    "deadline": gettext_lazy("tenggat"),
    "source_url": gettext_lazy("sumber janji"),
    "source_link": gettext_lazy("tautan ke sumber daftar resmi"),
}


@dataclass
class Row:
    line: int
    number: int
    title: str
    sector: Sector
    description: str
    opd: str = ""
    deadline: date | None = None
    source_url: str = ""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Baris %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Step:
    """What the import will do with one row."""

    row: Row
    action: str
    promise: Promise | None = None  # the documented promise it matches
    changes: list[str] = field(default_factory=list)  # fields that will be set
    kept: list[tuple[str, str]] = field(default_factory=list)  # (field, file's value) that differ but stay
    likely: Promise | None = None  # a similar title to confirm, for a row that would be created
    likely_score: int = 0  # percent

    @property
    def action_label(self) -> str:
        return Action(self.action).label

    @property
    def change_labels(self) -> list[str]:
        return [str(FIELD_LABELS[name]) for name in self.changes]

    @property
    def kept_labels(self) -> list[tuple[str, str]]:
        return [(str(FIELD_LABELS[name]), value) for name, value in self.kept]


@dataclass
class Plan:
    administration: Administration
    steps: list[Step] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for step in self.steps if step.action == action)

    def counts(self) -> list[tuple[str, int]]:
        """(label, count) for every action, in the order create, link, update, unchanged."""
        return [(action.label, self.count(action)) for action in Action]


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def decode(content: bytes) -> str:
    """The file's text: UTF-8 (with or without the BOM spreadsheets write)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([RowError(1, _("Berkas harus berupa teks UTF-8."))]) from error


def official_number(raw: str) -> int | None:
    """`raw` as an official number (1 to MAX_NUMBER, digits 0-9 only), or None.

    Not `str.isdigit()` alone: it is true for "²", which `int()` refuses, and for "٦٩", which `int()` reads as 69.
    """
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > len(str(MAX_NUMBER)):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_NUMBER else None


def _records(text: str) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    """The header, each record with the line it starts on, and the header's line.

    Lines end where a spreadsheet ends them (CR LF, LF or a lone CR; `newline=""` leaves the line ends inside
    a quoted cell as they are). Raises ImportFailed at the line where the CSV reader gave up.
    """
    lines = io.StringIO(text, newline="").readlines()
    skip = 0
    while skip < len(lines) and (lines[skip].startswith("#") or not lines[skip].strip()):
        skip += 1
    body = "".join(lines[skip:])
    first = lines[skip] if skip < len(lines) else ""
    # Spreadsheets set to Indonesian write ";" between cells (the comma is the decimal separator).
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    records, end = [], 0
    try:
        header = [fold(cell).strip().replace(" ", "_") for cell in next(reader, [])]
        end = reader.line_num
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((skip + end + 1, cells))
            end = reader.line_num
    except csv.Error as error:
        if "field limit" in str(error):  # "field larger than field limit (131072)": csv has no error codes
            message = _("sebuah sel lebih dari %(limit)s karakter, batas pembaca CSV; berkas tidak dapat dibaca.") % {
                "limit": angka(csv.field_size_limit())
            }
        else:
            message = _("berkas CSV rusak dan tidak dapat dibaca dari baris ini (%(error)s).") % {"error": error}
        raise ImportFailed([RowError(skip + end + 1, message)]) from error
    return [HEADER_ALIASES.get(name, name) for name in header], records, skip + 1


def _sector_lookup() -> dict[str, Sector]:
    sectors = {}
    for sector in Sector.objects.all():
        sectors[fold(sector.slug)] = sector
        sectors.setdefault(fold(sector.name).strip(), sector)
    return sectors


def read(text: str, administration: Administration) -> tuple[list[Row], list[RowError]]:
    """Parse and check every row; every error is collected, none stops the others (1 query: the sectors)."""
    try:
        header, records, header_line = _records(text)
    except ImportFailed as failed:
        return [], failed.errors
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        message = _("kolom wajib tidak ada: %(missing)s (kolom wajib: %(required)s).") % {
            "missing": ", ".join(missing),
            "required": ", ".join(REQUIRED),
        }
        return [], [RowError(header_line, message)]
    if not records:
        return [], [RowError(header_line, _("berkas tidak berisi baris janji."))]

    sectors = _sector_lookup()
    rows, errors = [], []
    numbers, titles = {}, {}
    declared = administration.declared_promises
    for line, cells in records:
        # Stripped before the escape is undone: "'\tJudul" keeps the tab its apostrophe protects.
        cells = [spreadsheet_value(cell.strip()) for cell in cells]
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        problems = []
        if with_nul := [header[i] if i < len(header) else str(i + 1) for i, cell in enumerate(cells) if "\0" in cell]:
            # PostgreSQL cannot store it: refused here, at the preview, not by the database at the confirmation.
            problems.append(
                _("karakter NUL (0x00) di kolom %(columns)s; hapus karakter itu.") % {"columns": ", ".join(with_nul)}
            )
        if code := next(filter(None, map(invisible_character, cells)), None):
            problems.append(INVISIBLE_MESSAGE % {"code": code})

        raw = values["number"]
        number = official_number(raw)
        if not raw:
            problems.append(_("nomor kosong."))
        elif number is None and raw.isdigit() and not raw.isascii():  # "²", "٦٩": digits, but not 0-9
            problems.append(_("nomor “%(value)s” harus ditulis dengan angka 0–9.") % {"value": raw})
        elif number is None:
            problems.append(_("nomor “%(value)s” bukan bilangan bulat positif.") % {"value": raw})
        elif declared and number > declared:
            problems.append(_("nomor %(n)s di luar daftar 1–%(max)s.") % {"n": number, "max": declared})
        elif number in numbers:
            problems.append(
                _("nomor %(n)s ganda (sudah ada di baris %(line)s).") % {"n": number, "line": numbers[number]}
            )
        else:
            numbers[number] = line

        title = values["title"]
        if not title:
            problems.append(_("judul kosong."))
        elif len(title) > Promise._meta.get_field("title").max_length:
            problems.append(_("judul lebih dari 300 karakter."))
        elif fold(title) in titles:
            problems.append(_("judul sama dengan baris %(line)s.") % {"line": titles[fold(title)]})
        else:
            titles[fold(title)] = line

        sector = sectors.get(fold(values["sector"]).strip())
        if sector is None:
            problems.append(
                _("bidang “%(value)s” tidak dikenal (pakai salah satu: %(known)s).")
                % {"value": values["sector"], "known": ", ".join(sorted({s.slug for s in sectors.values()}))}
            )

        source_url = values.get("source_url", "")
        if source_url:
            try:
                source_url = normalize_url(source_url)  # ValueError from urlsplit: "http://[::1"
            except (ValidationError, ValueError):
                problems.append(
                    _("URL sumber “%(value)s” tidak sah (harus http:// atau https://).") % {"value": source_url}
                )
            else:
                if len(source_url) > Source._meta.get_field("url").max_length:
                    problems.append(_("URL sumber lebih dari 1000 karakter."))

        deadline = None
        if values.get("deadline"):
            try:
                deadline = date.fromisoformat(values["deadline"])
            except ValueError:
                problems.append(_("tenggat “%(value)s” harus bertanggal TTTT-BB-HH.") % {"value": values["deadline"]})

        opd = values.get("opd", "")
        if len(opd) > Promise._meta.get_field("opd").max_length:
            problems.append(_("OPD lebih dari 200 karakter."))

        errors += [RowError(line, problem) for problem in problems]
        if not problems:
            rows.append(Row(line, number, title, sector, values["description"], opd, deadline, source_url))
    return rows, errors


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def plan(text: str, administration: Administration, links: dict[int, str] | None = None) -> Plan:
    """What importing `text` would do, without writing (3 queries: sectors, promises, source links).

    `links` maps an official number to the code of a documented promise the admin confirmed as the same.
    """
    links = links or {}
    result = Plan(administration)
    rows, result.errors = read(text, administration)
    promises = list(Promise.objects.filter(administration=administration).select_related("made_source"))
    by_number = {p.number: p for p in promises if p.number is not None}
    by_code = {p.code: p for p in promises}
    unnumbered = [p for p in promises if p.number is None]
    linked = set(
        PromiseSource.objects.filter(
            promise__administration=administration, source__url__in={r.source_url for r in rows}
        ).values_list("promise_id", "source__url")
    )
    taken = set()  # promises already matched by an earlier row

    for row in rows:
        promise, likely, score = by_number.get(row.number), None, 0
        code = links.get(row.number)
        if promise is None and code:
            promise = by_code.get(code)
            if promise is None or promise.number is not None or promise.pk in taken:
                result.errors.append(
                    RowError(
                        row.line,
                        _("janji %(code)s tidak dapat ditautkan ke nomor %(n)s (tidak ada, atau sudah bernomor).")
                        % {"code": code, "n": row.number},
                    )
                )
                continue
        if promise is None:
            exact = [p for p in unnumbered if p.pk not in taken and fold(p.title) == fold(row.title)]
            promise = exact[0] if exact else None
        if promise is None:
            scored = [(_similarity(p.title, row.title), p) for p in unnumbered if p.pk not in taken]
            best = max(scored, key=lambda pair: pair[0], default=(0, None))
            if best[0] >= LIKELY_MATCH:
                likely, score = best[1], round(best[0] * 100)
            if f"{CODE_PREFIX}{row.number}" in by_code:
                result.errors.append(
                    RowError(
                        row.line, _("kode %(code)s sudah dipakai janji lain.") % {"code": f"{CODE_PREFIX}{row.number}"}
                    )
                )
                continue
            result.steps.append(Step(row, Action.CREATE, likely=likely, likely_score=score))
            continue
        taken.add(promise.pk)
        result.steps.append(_match_step(row, promise, linked))
    return result


def _match_step(row: Row, promise: Promise, linked: set[tuple[int, str]]) -> Step:
    """A documented promise: fill what is empty, keep what is written, and say what differs."""
    step = Step(row, Action.UPDATE if promise.number == row.number else Action.LINK, promise)
    if promise.number != row.number:
        step.changes.append("number")
    for name in ("description", "opd", "deadline"):
        value, current = getattr(row, name), getattr(promise, name)
        if value and not current:
            step.changes.append(name)
        elif value and value != current:
            step.kept.append((name, str(value)))
    if row.title != promise.title:
        step.kept.append(("title", row.title))
    if row.sector.pk != promise.sector_id:
        step.kept.append(("sector", row.sector.slug))
    if row.source_url:
        if promise.made_source is None:
            step.changes.append("source_url")
        elif promise.made_source.url != row.source_url:
            step.kept.append(("source_url", row.source_url))
        if (promise.pk, row.source_url) not in linked:
            step.changes.append("source_link")  # the official list joins the promise's sources
    if step.action == Action.UPDATE and not step.changes:
        step.action = Action.UNCHANGED
    return step


def _source(url: str) -> Source:
    """The source at `url`, or a new one labelled as the official list (its headline is not known)."""
    source = Source.objects.filter(url=url).first()
    if source is None:
        source = Source.objects.create(
            url=url,
            outlet=(urlsplit(url).hostname or url)[: Source._meta.get_field("outlet").max_length],
            headline=_("Daftar resmi janji (diimpor)"),
            headline_is_label=True,
            published_note=_("Tanggal terbit belum dicatat; sumber dibuat saat mengimpor daftar resmi."),
            kind=Source.Kind.DOKUMEN,
        )
    return source


@transaction.atomic
def apply(text: str, administration: Administration, links: dict[int, str] | None = None) -> Plan:
    """Import the file, or write nothing: the plan is made again inside the transaction and must be valid.

    Raises ImportFailed with every row error.
    """
    result = plan(text, administration, links)
    if not result.is_valid:
        raise ImportFailed(result.errors)
    sources = {}
    for step in result.steps:
        row = step.row
        source = None
        if row.source_url:
            source = sources.get(row.source_url) or sources.setdefault(row.source_url, _source(row.source_url))
        if step.action == Action.CREATE:
            promise = Promise.objects.create(
                administration=administration,
                code=f"{CODE_PREFIX}{row.number}",
                number=row.number,
                title=row.title,
                sector=row.sector,
                description=row.description,
                origin=Promise.Origin.KAMPANYE,
                opd=row.opd,
                deadline=row.deadline,
                made_source=source,
            )
        elif set(step.changes) - {"source_link"}:
            promise = step.promise
            promise.number = row.number
            for name in ("description", "opd", "deadline"):
                if name in step.changes:
                    setattr(promise, name, getattr(row, name))
            if "source_url" in step.changes:
                promise.made_source = source
            fields = ["number", *(name for name in ("description", "opd", "deadline") if name in step.changes)]
            if "source_url" in step.changes:
                fields.append("made_source")
            promise.save(update_fields=[*fields, "updated_at"])
        else:
            promise = step.promise
        if source is not None:
            note = _("Daftar resmi no. %(n)s: %(title)s") % {"n": row.number, "title": row.title}
            PromiseSource.objects.get_or_create(promise=promise, source=source, defaults={"note": note[:500]})
    return result


def parse_links(values: list[str]) -> dict[int, str]:
    """`["CP-4=12"]` → `{12: "CP-4"}`: the CLI's confirmations of likely matches."""
    links = {}
    for value in values:
        code, _sep, number = value.partition("=")
        if (official := official_number(number.strip())) is None:
            raise ValueError(value)
        links[official] = code.strip()
    return links
