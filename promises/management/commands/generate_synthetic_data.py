"""Make clearly synthetic data, N times the shape of the Kupang data file, for the load benchmark.

Each copy is a NEW administration (`sintetis-<n>`, never the default) with its own programmes, sources
(`SIN-<n>-…`, `https://sintetis.invalid/…`, outlet "Data sintetis"), promises (`SIN-CP-1`…), status
changes, indicators, readings and claims: one synthetic twin of every row in kupang.json, with the same
dates, figures and statuses but made-up text of about the same length. The synthetic promises use a
shared set of synthetic sectors (`sintetis-<slug>`), created once. Nothing points at real rows.

It refuses to run on a database that holds real data unless `--allow-real-data` is given: the benchmark
passes it on purpose (it loads the Kupang data first), a production database must never get these rows.
"""

import json
import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from promises import cache
from promises.models import (
    Administration,
    Claim,
    ClaimItem,
    Indicator,
    Programme,
    Promise,
    PromiseSource,
    Reading,
    Sector,
    Source,
    StatusChange,
)

from .load_kupang_data import DATA_FILE, decimal_or_none

SLUG_PREFIX = "sintetis-"
CODE_PREFIX = "SIN-"
URL_PREFIX = "https://sintetis.invalid/"
OUTLET = "Data sintetis"
NOTE = "Data sintetis untuk uji beban (make bench); bukan data nyata. Synthetic load-test data, not real."

VOCABULARY = (
    "sintetis uji beban contoh data kota program warga layanan rencana kegiatan anggaran laporan wilayah "
    "kelurahan kecamatan bantuan perbaikan jalan air bersih sampah sekolah kesehatan pasar taman lampu "
    "pelatihan usaha kecil target realisasi tahap awal lanjutan dinas pemeriksaan catatan"
)
WORDS = VOCABULARY.split()


def real_data_exists() -> bool:
    """True when any administration or source is not one of ours (two queries at most)."""
    return (
        Administration.objects.exclude(slug__startswith=SLUG_PREFIX).exists()
        or Source.objects.exclude(url__startswith=URL_PREFIX).exists()
    )


def as_date(value):
    return datetime.fromisoformat(value).date() if value else None


class Command(BaseCommand):
    help = (
        "Buat data sintetis N kali bentuk data Kupang (pemerintahan baru 'sintetis-<n>'), untuk uji beban. "
        "Make clearly synthetic data, N times the Kupang data's shape, for the benchmark."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=1, help="Berapa salinan sintetis (bawaan 1).")
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Jalankan walau basis data berisi data nyata (hanya untuk uji beban, bukan produksi).",
        )
        parser.add_argument(
            "--file", default=str(DATA_FILE), help="Berkas yang bentuknya ditiru (bawaan: data Kupang)."
        )
        parser.add_argument("--seed", type=int, default=6, help="Benih acak untuk teks sintetis.")

    def handle(self, *args, factor: int, allow_real_data: bool, file: str, seed: int, verbosity: int, **options):
        if factor < 1:
            raise CommandError("--factor harus >= 1 (--factor must be at least 1).")
        if not allow_real_data and real_data_exists():
            raise CommandError(
                "Basis data ini berisi data nyata; data sintetis tidak dibuat. Tambahkan --allow-real-data hanya "
                "untuk basis data uji beban. / This database holds real data; nothing was generated. Pass "
                "--allow-real-data only for a throwaway benchmark database."
            )
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"Berkas bentuk data tidak ada / shape file missing: {file}") from error
        started = timezone.now()
        with transaction.atomic(), cache.batch():
            generator = Generator(data, random.Random(seed))
            first = generator.next_number()
            for n in range(first, first + factor):
                generator.copy(n)
            # bulk_create sends no post_save signals: invalidate the page cache ourselves
            cache.bump()
        if verbosity:
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Data sintetis dibuat: {factor} pemerintahan (sintetis-{first}…sintetis-{first + factor - 1}), "
                    f"{generator.created} baris, {seconds:.1f} s."
                )
            )


class Generator:
    """One synthetic twin of every row of the data file, per call of copy(n), written with bulk_create."""

    def __init__(self, data: dict, rng: random.Random):
        self.data = data
        self.rng = rng
        self.created = 0
        self.now = timezone.now()
        self.sectors = self.synthetic_sectors()

    def next_number(self) -> int:
        taken = Administration.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        numbers = [int(slug.removeprefix(SLUG_PREFIX)) for slug in taken if slug.removeprefix(SLUG_PREFIX).isdigit()]
        return max(numbers, default=0) + 1

    def text(self, like: str, label: str = "") -> str:
        """Made-up words of about the length of `like` (empty stays empty), starting with `label`."""
        if not like:
            return ""
        words = [label] if label else []
        while len(" ".join(words)) < len(like):
            words.append(self.rng.choice(WORDS))
        return " ".join(words)[: max(len(like), len(label))].strip().capitalize()

    def bulk(self, model, rows: list) -> list:
        """Write rows without save(): what save() would add, the search text, is computed here."""
        if hasattr(model, "index_text"):
            for row in rows:
                row.search_text = row.index_text()
        self.created += len(rows)
        return model.objects.bulk_create(rows, batch_size=2000)

    def synthetic_sectors(self) -> dict[str, Sector]:
        sectors = {}
        for order, item in enumerate(self.data["sectors"]):
            sector, created = Sector.objects.get_or_create(
                slug=f"{SLUG_PREFIX}{item['slug']}"[:60],
                defaults={
                    "name": f"Sintetis: {item['name']}"[:100],
                    "description": NOTE,
                    "order": 1000 + order,
                },
            )
            self.created += created
            sectors[item["slug"]] = sector
        return sectors

    def copy(self, n: int) -> None:
        data = self.data
        admin = data["administration"]
        administration = Administration.objects.create(
            slug=f"{SLUG_PREFIX}{n}",
            name=f"Pemerintahan sintetis {n} (uji beban)",
            region="Wilayah sintetis",
            head=f"Kepala sintetis {n}",
            deputy=f"Wakil sintetis {n}",
            term_start=as_date(admin.get("term_start")),
            declared_promises=admin.get("declared_promises"),
            note=NOTE,
            is_default=False,
        )
        self.created += 1

        sources = self.copy_sources(n)
        programmes = self.copy_programmes(administration, sources)
        promises = self.copy_promises(administration, programmes, sources)
        self.copy_status_changes(promises, sources)
        self.copy_indicators(n, promises, sources)
        self.copy_claims(n, administration, promises, sources)

    def copy_sources(self, n: int) -> dict[str, Source]:
        rows = []
        for item in self.data["sources"]:
            published = as_date(item.get("published"))
            rows.append(
                Source(
                    key=f"{CODE_PREFIX}{n}-{item['key']}"[:20],
                    url=f"{URL_PREFIX}{n}/{item['key'].lower()}",
                    outlet=OUTLET,
                    headline=self.text(item["headline"], "Judul sintetis"),
                    headline_is_label=item.get("headline_is_label", False),
                    published=published,
                    published_note="" if published else "Tanggal sintetis tidak diketahui.",
                    kind=item.get("kind", Source.Kind.MEDIA),
                    reliability_note="Sumber sintetis, bukan berita nyata.",
                    created_at=self.now,
                )
            )
        created = self.bulk(Source, rows)
        return {item["key"]: source for item, source in zip(self.data["sources"], created, strict=True)}

    def copy_programmes(self, administration, sources) -> dict[int, Programme]:
        items = self.data["programmes"]
        created = self.bulk(
            Programme,
            [
                Programme(
                    administration=administration,
                    number=item["number"],
                    title=self.text(item["title"], f"Program sintetis {item['number']}"),
                    description=self.text(item.get("description", "")),
                )
                for item in items
            ],
        )
        through = Programme.sources.through
        self.bulk(
            through,
            [
                through(programme_id=programme.pk, source_id=sources[key].pk)
                for item, programme in zip(items, created, strict=True)
                for key in dict.fromkeys(item.get("sources", []))
            ],
        )
        return {item["number"]: programme for item, programme in zip(items, created, strict=True)}

    def copy_promises(self, administration, programmes, sources) -> dict[str, Promise]:
        items = self.data["promises"]
        today = timezone.localdate(self.now)
        rows = []
        for item in items:
            rated = item["status"] != Promise.Status.BELUM_DINILAI
            code = f"{CODE_PREFIX}{item['code']}"[:20]
            title = self.text(item["title"], f"Janji sintetis {item['code']}")
            description = self.text(item.get("description", ""))
            opd = "OPD sintetis" if item.get("opd") else ""
            rows.append(
                Promise(
                    administration=administration,
                    code=code,
                    title=title,
                    slug=slugify(title)[:120].strip("-") or "janji",
                    description=description,
                    sector=self.sectors[item["sector"]],
                    programme=programmes.get(item.get("programme")),
                    origin=item["origin"],
                    made_on=as_date(item.get("made_on")),
                    made_where=self.text(item.get("made_where", "")),
                    made_source=sources.get(item.get("made_source")),
                    success_criteria=self.text(item.get("success_criteria", "")),
                    deadline=as_date(item.get("deadline")),
                    deadline_note=self.text(item.get("deadline_note", "")),
                    opd=opd,
                    status=item["status"],
                    verification=item["verification"] if rated else "",
                    last_checked=today if rated else None,
                    version=2 if rated else 1,
                )
            )
        created = self.bulk(Promise, rows)
        promises = {item["code"]: promise for item, promise in zip(items, created, strict=True)}
        self.bulk(
            PromiseSource,
            [
                PromiseSource(
                    promise=promises[item["code"]], source=sources[link["source"]], note=self.text(link.get("note", ""))
                )
                for item in items
                for link in {link["source"]: link for link in item.get("sources", [])}.values()
            ],
        )
        return promises

    def copy_status_changes(self, promises, sources) -> None:
        """One change from "Belum dinilai" per rated promise, like the loader: reason, verification, sources."""
        rated = [item for item in self.data["promises"] if item["status"] != Promise.Status.BELUM_DINILAI]
        changes = self.bulk(
            StatusChange,
            [
                StatusChange(
                    promise=promises[item["code"]],
                    from_status=Promise.Status.BELUM_DINILAI,
                    to_status=item["status"],
                    verification=item["verification"],
                    reason=self.text(item.get("status_reason") or NOTE, "Alasan sintetis"),
                    created_at=self.now - timedelta(minutes=i),
                    kind=StatusChange.Kind.INITIAL,
                )
                for i, item in enumerate(rated)
            ],
        )
        through = StatusChange.sources.through
        self.bulk(
            through,
            [
                through(statuschange_id=change.pk, source_id=sources[key].pk)
                for item, change in zip(rated, changes, strict=True)
                # a rated status needs a source: fall back to the promise's first source
                for key in dict.fromkeys(item["status_sources"] or [item["sources"][0]["source"]])
            ],
        )

    def copy_indicators(self, n: int, promises, sources) -> None:
        items = self.data["indicators"]
        rows = []
        for order, item in enumerate(items):
            baseline = item.get("baseline") or {}
            target = item.get("target") or {}
            rows.append(
                Indicator(
                    slug=f"{SLUG_PREFIX}{n}-{item['slug']}"[:80],
                    name=self.text(item["name"], "Indikator sintetis"),
                    description=self.text(item.get("description", "")),
                    unit=item["unit"],
                    promise=promises.get(item.get("promise")),
                    sector=self.sectors.get(item.get("sector")),
                    baseline_value=decimal_or_none(baseline.get("value")),
                    baseline_as_of=as_date(baseline.get("as_of")),
                    baseline_source=sources.get(baseline.get("source")),
                    baseline_note=self.text(baseline.get("note", "")),
                    target_value=decimal_or_none(target.get("value")),
                    target_source=sources.get(target.get("source")),
                    target_note=self.text(target.get("note", "")),
                    note=self.text(item.get("note", "")),
                    order=order,
                )
            )
        indicators = self.bulk(Indicator, rows)
        self.bulk(
            Reading,
            [
                Reading(
                    indicator=indicator,
                    value=decimal_or_none(reading["value"]),
                    value_max=decimal_or_none(reading.get("value_max")),
                    qualifier=reading.get("qualifier", ""),
                    unit=reading.get("unit") or item["unit"],
                    as_of=as_date(reading["as_of"]),
                    as_of_precision=reading.get("as_of_precision", "day"),
                    period_start=as_date(reading.get("period_start")),
                    measure=reading.get("measure", Reading.Measure.TOTAL),
                    counts=reading["counts"],
                    said_by=reading["said_by"],
                    said_by_name="Narasumber sintetis" if reading.get("said_by_name") else "",
                    verification=Reading.verification_for(reading["said_by"]),
                    source=sources[reading["source"]],
                    note=self.text(reading.get("note", "")),
                    created_at=self.now,
                )
                for item, indicator in zip(items, indicators, strict=True)
                for reading in item["readings"]
            ],
        )

    def copy_claims(self, n: int, administration, promises, sources) -> None:
        items = self.data["claims"]
        claims = self.bulk(
            Claim,
            [
                Claim(
                    administration=administration,
                    key=f"{SLUG_PREFIX}{n}-{item['key']}"[:80],
                    title=self.text(item["title"], "Klaim sintetis"),
                    kept=item.get("kept"),
                    total=item.get("total"),
                    percent=None if item.get("percent") is None else Decimal(str(item["percent"])),
                    date=as_date(item["date"]),
                    date_precision=item.get("date_precision", "day"),
                    said_by=item["said_by"],
                    said_by_name="Narasumber sintetis" if item.get("said_by_name") else "",
                    where=self.text(item.get("where", "")),
                    source=sources[item["source"]],
                    note=self.text(item.get("note", "")),
                )
                for item in items
            ],
        )
        self.bulk(
            ClaimItem,
            [
                ClaimItem(claim=claim, promise=promises[claimed["promise"]], note=self.text(claimed.get("note", "")))
                for item, claim in zip(items, claims, strict=True)
                for claimed in {claimed["promise"]: claimed for claimed in item.get("items", [])}.values()
            ],
        )
