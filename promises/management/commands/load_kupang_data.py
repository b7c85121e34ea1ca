"""Load the Kupang data file (promises/data/kupang.json). Idempotent: it updates by natural keys.

Running it twice changes nothing. It never overwrites a status an editor has set: the file's status
is applied only to a promise with no history yet.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from promises import cache, services
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
    normalize_url,
)

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "kupang.json"


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class Command(BaseCommand):
    help = "Muat data Kupang (janji, sumber, indikator, angka, klaim) dari promises/data/kupang.json."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="Berkas JSON (bawaan: data Kupang).")
        parser.add_argument("--if-empty", action="store_true", help="Hanya memuat bila belum ada janji di basis data.")

    def handle(self, *args, file: str, if_empty: bool, verbosity: int, **options):
        if if_empty and Promise.objects.exists():
            if verbosity:
                self.stdout.write("Data sudah ada; tidak ada yang dimuat.")
            return
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        self.changed = 0
        with transaction.atomic(), cache.batch():
            Loader(self).load(data)
        if verbosity:
            counts = ", ".join(
                f"{model._meta.verbose_name_plural}: {model.objects.count()}"
                for model in (Promise, Source, Indicator, Reading, Claim)
            )
            self.stdout.write(self.style.SUCCESS(f"Data Kupang dimuat ({self.changed} baris berubah). {counts}."))


class Loader:
    def __init__(self, command: Command):
        self.command = command

    def upsert(self, model, lookup: dict, values: dict):
        """update_or_create that counts only real changes, so a second run reports 0."""
        lookup, values = self.typed(model, lookup), self.typed(model, values)
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.command.changed += 1
            return obj
        dirty = [name for name, value in values.items() if getattr(obj, name) != value]
        if dirty:
            for name in dirty:
                setattr(obj, name, values[name])
            obj.save()
            self.command.changed += 1
        return obj

    @staticmethod
    def typed(model, values: dict) -> dict:
        """JSON gives dates as strings; compare them as the model holds them."""
        return {
            name: model._meta.get_field(name).to_python(value)
            if isinstance(value, str) and model._meta.get_field(name).get_internal_type() == "DateField"
            else value
            for name, value in values.items()
        }

    def load(self, data: dict) -> None:
        self.sources = {item["key"]: self.load_source(item) for item in data["sources"]}
        admin = data["administration"]
        self.administration = self.upsert(
            Administration,
            {"slug": admin["slug"]},
            {
                "name": admin["name"],
                "region": admin["region"],
                "head": admin["head"],
                "deputy": admin.get("deputy", ""),
                "term_start": admin.get("term_start"),
                "declared_promises": admin.get("declared_promises"),
                "note": admin.get("note", ""),
                "is_default": not Administration.objects.exclude(slug=admin["slug"]).filter(is_default=True).exists(),
            },
        )
        self.administration.refresh_from_db()
        self.programmes = {}
        for item in data["programmes"]:
            programme = self.upsert(
                Programme,
                {"administration": self.administration, "number": item["number"]},
                {"title": item["title"], "description": item.get("description", "")},
            )
            self.link_all(programme.sources, item.get("sources", []))
            self.programmes[item["number"]] = programme
        self.sectors = {}
        for order, item in enumerate(data["sectors"]):
            self.sectors[item["slug"]] = self.upsert(
                Sector,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "programme": self.programmes.get(item.get("programme")),
                    "rpjmd": item.get("rpjmd", ""),
                    "order": order,
                },
            )
        self.promises = {item["code"]: self.load_promise(item) for item in data["promises"]}
        self.file_keys = {self.reading_key(item, r) for item in data["indicators"] for r in item["readings"]}
        for order, item in enumerate(data["indicators"]):
            self.load_indicator(item, order)
        self.remove_readings(data.get("removed_readings", []))
        for item in data["claims"]:
            self.load_claim(item)

    def link_all(self, manager, keys) -> None:
        wanted = {self.sources[key].pk for key in keys}
        missing = wanted - set(manager.values_list("pk", flat=True))
        if missing:
            manager.add(*missing)
            self.command.changed += 1

    def load_source(self, item: dict) -> Source:
        url = normalize_url(item["url"])
        source = Source.objects.filter(key=item["key"]).first() or Source.objects.filter(url=url).first()
        values = {
            "key": item["key"],
            "url": url,
            "outlet": item["outlet"],
            "headline": item["headline"],
            "headline_is_label": item.get("headline_is_label", False),
            "published": item.get("published"),
            "published_note": item.get("published_note") or "",
            "kind": item.get("kind", Source.Kind.MEDIA),
            "reliability": item.get("reliability") or "",
            "reliability_note": item.get("reliability_note") or "",
        }
        if source is None:
            return self.upsert(Source, {"key": item["key"]}, {k: v for k, v in values.items() if k != "key"})
        return self.upsert(Source, {"pk": source.pk}, values)

    def load_promise(self, item: dict) -> Promise:
        promise = self.upsert(
            Promise,
            {"administration": self.administration, "code": item["code"]},
            {
                "title": item["title"],
                "description": item.get("description", ""),
                "sector": self.sectors[item["sector"]],
                "programme": self.programmes.get(item.get("programme")),
                "origin": item["origin"],
                "made_on": item.get("made_on"),
                "made_where": item.get("made_where", ""),
                "made_source": self.sources.get(item.get("made_source")),
                "success_criteria": item.get("success_criteria", ""),
                "deadline": item.get("deadline"),
                "deadline_note": item.get("deadline_note", ""),
                "opd": item.get("opd", ""),
            },
        )
        for link in item.get("sources", []):
            self.upsert(
                PromiseSource,
                {"promise": promise, "source": self.sources[link["source"]]},
                {"note": link.get("note", "")},
            )
        self.load_status(promise, item)
        return promise

    def evidence_time(self, item: dict) -> datetime:
        """When the file's assessment holds: `status_date`, else the latest publication date of its sources."""
        day = date.fromisoformat(item["status_date"]) if item.get("status_date") else None
        if day is None:
            dates = [self.sources[key].published for key in item.get("status_sources", [])]
            day = max((d for d in dates if d), default=None)
        if day is None:
            return timezone.now()
        return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())

    def load_status(self, promise: Promise, item: dict) -> None:
        wanted = (item["status"], item.get("verification") or "", item.get("status_reason", "").strip())
        sources = [self.sources[key] for key in item.get("status_sources", [])]
        changes = list(promise.changes.order_by("created_at", "pk"))
        legacy_first = bool(changes) and changes[0].kind == StatusChange.Kind.CHANGE and changes[0].editor_id is None
        ours = {StatusChange.Kind.INITIAL, StatusChange.Kind.CORRECTION}
        if any(change.kind not in ours for change in changes[1 if legacy_first else 0 :]):
            return  # someone has rated it since: the file no longer speaks for this promise
        if legacy_first:
            # Loaded before initial assessments were dated by their evidence: date our own first row now.
            StatusChange.objects.filter(pk=changes[0].pk).update(
                kind=StatusChange.Kind.INITIAL, created_at=self.evidence_time(item)
            )
            self.command.changed += 1
        latest = changes[-1] if changes else None
        if latest is None and item["status"] == Promise.Status.BELUM_DINILAI:
            return
        if latest is not None and (latest.to_status, latest.verification, latest.reason) == wanted:
            return
        promise.refresh_from_db()
        services.change_status(
            promise,
            expected_version=promise.version,
            status=item["status"],
            verification=item.get("verification") or "",
            reason=item["status_reason"],
            sources=sources,
            at=None if latest else self.evidence_time(item),
            kind=StatusChange.Kind.CORRECTION if latest else StatusChange.Kind.INITIAL,
        )
        self.command.changed += 1

    def load_indicator(self, item: dict, order: int) -> None:
        baseline = item.get("baseline") or {}
        target = item.get("target") or {}
        indicator = self.upsert(
            Indicator,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "description": item.get("description", ""),
                "unit": item["unit"],
                "promise": self.promises.get(item.get("promise")),
                "sector": self.sectors.get(item.get("sector")),
                "baseline_value": decimal_or_none(baseline.get("value")),
                "baseline_as_of": baseline.get("as_of"),
                "baseline_source": self.sources.get(baseline.get("source")),
                "baseline_note": baseline.get("note", ""),
                "target_value": decimal_or_none(target.get("value")),
                "target_source": self.sources.get(target.get("source")),
                "target_note": target.get("note", ""),
                "note": item.get("note", ""),
                "cumulative": item.get("cumulative", False),
                "order": order,
            },
        )
        readings = [{"key": self.reading_key(item, reading), **reading} for reading in item["readings"]]
        loaded = {reading["key"]: self.load_reading(indicator, item, reading) for reading in readings}
        for reading in readings:
            obj, whole = loaded[reading["key"]], loaded.get(reading.get("part_of"))
            if obj.part_of_id != (whole.pk if whole else None):
                obj.part_of = whole
                obj.save(update_fields=["part_of"])
                self.command.changed += 1

    @staticmethod
    def reading_key(item: dict, reading: dict) -> str:
        """The file's key for a reading, or one made from what identifies it in a file without keys."""
        made = "/".join(str(reading.get(name)) for name in ("source", "counts", "as_of", "value", "unit"))
        return reading.get("key") or f"{item['slug']}/{made}"[:120]

    def natural_key(self, item: dict, reading: dict) -> dict:
        """How a reading was found before readings had keys: its indicator, source, kind, date, value, unit."""
        old = {**reading, "indicator": item["slug"], **reading.get("was", {})}
        return {
            "indicator__slug": old["indicator"],
            "source": self.sources[old["source"]],
            "counts": old["counts"],
            "as_of": date.fromisoformat(old["as_of"]),
            "value": decimal_or_none(old["value"]),
            "unit": old.get("unit") or item["unit"],
        }

    def load_reading(self, indicator: Indicator, item: dict, reading: dict) -> Reading:
        said_by = reading["said_by"]
        values = self.typed(
            Reading,
            {
                "indicator": indicator,
                "source": self.sources[reading["source"]],
                "counts": reading["counts"],
                "as_of": reading["as_of"],
                "value": decimal_or_none(reading["value"]),
                "unit": reading.get("unit") or item["unit"],
                "value_max": decimal_or_none(reading.get("value_max")),
                "as_of_precision": reading.get("as_of_precision", "day"),
                "period_start": reading.get("period_start"),
                "measure": reading.get("measure", Reading.Measure.TOTAL),
                "qualifier": reading.get("qualifier", ""),
                "said_by": said_by,
                "said_by_name": reading.get("said_by_name", ""),
                "verification": Reading.verification_for(said_by),
                "note": reading.get("note", ""),
            },
        )
        obj = Reading.objects.filter(key=reading["key"]).first()
        if obj is None:
            # a row of ours from before it had this key (no key, or one the file no longer uses)
            legacy = Reading.objects.filter(created_by__isnull=True, **self.natural_key(item, reading)).exclude(
                key__in=self.file_keys
            )
            obj = legacy.first() or Reading(key=reading["key"])
        dirty = [name for name, value in values.items() if obj.pk is None or getattr(obj, name) != value]
        if dirty or obj.key != reading["key"]:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.key = reading["key"]
            obj.save()
            self.command.changed += 1
        return obj

    def remove_readings(self, items: list[dict]) -> None:
        """The file's own readings that it withdraws (never a reading an editor added)."""
        for item in items:
            lookup = self.natural_key({"slug": item["indicator"], "unit": item.get("unit", "")}, item)
            deleted, _ = Reading.objects.filter(created_by__isnull=True, **lookup).delete()
            self.command.changed += deleted

    def load_claim(self, item: dict) -> None:
        claim = self.upsert(
            Claim,
            {"key": item["key"]},
            {
                "administration": self.administration,
                "title": item["title"],
                "kept": item.get("kept"),
                "total": item.get("total"),
                "percent": decimal_or_none(item.get("percent")),
                "date": item["date"],
                "date_precision": item.get("date_precision", "day"),
                "said_by": item["said_by"],
                "said_by_name": item.get("said_by_name", ""),
                "where": item.get("where", ""),
                "source": self.sources[item["source"]],
                "note": item.get("note", ""),
            },
        )
        for claimed in item.get("items", []):
            self.upsert(
                ClaimItem,
                {"claim": claim, "promise": self.promises[claimed["promise"]]},
                {"note": claimed.get("note", "")},
            )
