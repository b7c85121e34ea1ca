"""The data bin/bench.py measures: the default administration's own data grown N times, and one promise and one
indicator with a long history. Called from bench.py's process (Django set up); `history` also runs on its own
(`python bin/bench_data.py history PROMISE_PK INDICATOR_SLUG`) on a copy of the 1x database and prints JSON.

`generate_synthetic_data` adds other administrations, which the public pages never show; here every copy is
more promises, sources, status changes, indicators, readings, log entries and claims of the DEFAULT
administration, so at 100x the dashboard, the lists, /perubahan/, the feeds and the downloads really hold 100×
the rows. Copies are exact twins of the Kupang rows (same text, dates and figures) with the unique fields made
unique: a promise's code gets ".<n>", an indicator's slug and a claim's key "-<n>", a source's URL
"#salinan-<n>" and no key. Search text is the original's (the promise's is recomputed: its code differs).
Written with bulk_create, so no signal fires: the caller sets a new data version afterwards.
"""

import json
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def originals() -> dict:
    """The 1x rows to copy, per model, read once before any copy exists (each model's rows in pk order)."""
    from promises.models import (
        Administration,
        Claim,
        ClaimItem,
        Indicator,
        LogEntry,
        Promise,
        PromiseSource,
        Reading,
        Source,
        StatusChange,
        StatusChangeSource,
    )

    administration = Administration.objects.default()
    promises = Promise.objects.filter(administration=administration)
    indicators = Indicator.objects.filter(promise__in=promises) | Indicator.objects.filter(promise__isnull=True)
    logs = LogEntry.objects.filter(promise__in=promises) | LogEntry.objects.filter(promise__isnull=True)
    log_sources = LogEntry.sources.through
    claims = Claim.objects.filter(administration=administration)
    plan = [
        (Source, Source.objects.all()),
        (Promise, promises),
        (PromiseSource, PromiseSource.objects.filter(promise__in=promises)),
        (StatusChange, StatusChange.objects.filter(promise__in=promises)),
        (StatusChangeSource, StatusChangeSource.objects.filter(statuschange__promise__in=promises)),
        (Indicator, indicators.distinct()),
        (Reading, Reading.objects.filter(indicator__in=indicators.distinct())),
        (LogEntry, logs.distinct()),
        (log_sources, log_sources.objects.filter(logentry__in=logs.distinct())),
        (Claim, claims),
        (ClaimItem, ClaimItem.objects.filter(claim__in=claims)),
    ]
    return {model: list(rows.order_by("pk")) for model, rows in plan}


def _unique(model, row, n: int) -> None:
    """Make the copy's unique fields unique; drop links the copy cannot keep."""
    name = model._meta.model_name
    if name == "source":
        row.url, row.key = f"{row.url}#salinan-{n}", ""
    elif name == "promise":
        row.code, row.number = f"{row.code}.{n}"[:20], None
        row.search_text = row.index_text()
    elif name == "indicator":
        suffix = f"-{n}"
        row.slug = row.slug[: 80 - len(suffix)] + suffix
    elif name == "reading":
        row.key, row.part_of_id, row.corrected_by_id = "", None, None
    elif name == "logentry":
        row.report_id = None
    elif name == "claim":
        suffix = f"-{n}"
        row.key = row.key[: 80 - len(suffix)] + suffix


def grow(rows: dict, first: int, last: int) -> int:
    """Copies number `first` to `last` (inclusive) of the 1x rows in `rows` (see `originals`); returns rows written."""
    from django.db import transaction

    written = 0
    for n in range(first, last + 1):
        maps: dict = {}
        with transaction.atomic():
            for model, originals_ in rows.items():
                fields = [f for f in model._meta.concrete_fields if not f.primary_key]
                copies = []
                for original in originals_:
                    row = model(**{f.attname: getattr(original, f.attname) for f in fields})
                    for field in fields:
                        target = field.related_model if field.is_relation else None
                        if target in maps and getattr(row, field.attname) is not None:
                            setattr(row, field.attname, maps[target].get(getattr(row, field.attname)))
                    _unique(model, row, n)
                    copies.append(row)
                created = model.objects.bulk_create(copies, batch_size=2000)
                maps[model] = {o.pk: c.pk for o, c in zip(originals_, created, strict=True)}
                written += len(created)
    return written


def add_history(promise_pk: int, indicator_slug: str, changes: int = 5000, readings: int = 1000) -> dict:
    """+`changes` status changes (each with its log entry and source) on one promise and +`readings` figures
    (each with its log entry) on one indicator, newer than everything else, as if editors had kept at it."""
    from django.db import transaction
    from django.utils import timezone

    from promises import cache
    from promises.models import Indicator, LogEntry, Promise, Reading, StatusChange, StatusChangeSource

    promise = Promise.objects.get(pk=promise_pk)
    indicator = Indicator.objects.get(slug=indicator_slug)
    source = promise.source_links.first().source
    now = timezone.now()
    statuses = [Promise.Status.DALAM_PROSES, Promise.Status.TERSENDAT]
    with transaction.atomic():
        made = StatusChange.objects.bulk_create(
            [
                StatusChange(
                    promise=promise,
                    from_status=statuses[(i + 1) % 2],
                    to_status=statuses[i % 2],
                    verification=Promise.Verification.DIKONFIRMASI_MEDIA,
                    reason=f"Uji beban: perubahan ke-{i + 1} dengan alasan sepanjang alasan editor biasanya.",
                    created_at=now - timedelta(minutes=changes - i),
                )
                for i in range(changes)
            ],
            batch_size=2000,
        )
        StatusChangeSource.objects.bulk_create(
            [StatusChangeSource(statuschange=c, source=source) for c in made], batch_size=2000
        )
        entries = LogEntry.objects.bulk_create(
            [
                LogEntry(
                    kind=LogEntry.Kind.STATUS,
                    promise=promise,
                    status_change=c,
                    created_at=c.created_at,
                    search_text=f"{c.reason} {promise.code}",
                )
                for c in made
            ],
            batch_size=2000,
        )
        LogEntry.sources.through.objects.bulk_create(
            [LogEntry.sources.through(logentry_id=e.pk, source_id=source.pk) for e in entries], batch_size=2000
        )
        Promise.objects.filter(pk=promise.pk).update(status=made[-1].to_status, version=promise.version + changes)

        like = indicator.readings.order_by("-as_of").first()
        today = timezone.localdate()
        base = like.value if like else Decimal(100)
        figures = Reading.objects.bulk_create(
            [
                Reading(
                    indicator=indicator,
                    value=base + i % 37,
                    unit=like.unit if like else indicator.unit,
                    as_of=today - timedelta(days=readings - i),
                    counts=like.counts if like else Reading.Counts.values[0],
                    said_by=like.said_by if like else Reading.SaidBy.values[0],
                    verification=like.verification if like else "",
                    source=like.source if like else source,
                    note="Uji beban",
                    created_at=now - timedelta(seconds=readings - i),
                )
                for i in range(readings)
            ],
            batch_size=2000,
        )
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    kind=LogEntry.Kind.READING,
                    promise=indicator.promise,
                    indicator=indicator,
                    reading=r,
                    created_at=r.created_at,
                    search_text=indicator.name,
                )
                for r in figures
            ],
            batch_size=2000,
        )
    cache.set_new_version()
    return {"promise": promise.get_absolute_url(), "indicator": indicator.get_absolute_url()}


def history_pages(promise_pk: int, indicator_slug: str) -> list[dict]:
    """After add_history: every public page that shows the two, cold (a new version before each), raw bytes
    and wall ms of one in-process render (the median of 3)."""
    from django.test import Client
    from django.urls import reverse

    from promises import cache
    from promises.models import Indicator, Promise

    urls = add_history(promise_pk, indicator_slug)
    promise = Promise.objects.get(pk=promise_pk)
    indicator = Indicator.objects.get(slug=indicator_slug)
    pages = {
        "promise page": urls["promise"],
        "promise feed": reverse("promises:detail_feed", kwargs={"pk": promise.pk, "slug": promise.slug}),
        "indicator page": urls["indicator"],
        "indicator feed": reverse("promises:indicator_feed", kwargs={"slug": indicator.slug}),
        "dashboard": reverse("promises:home"),
        "promise list": reverse("promises:list"),
        "indicators": reverse("promises:indicators"),
        "changes": reverse("promises:changes"),
        "changes feed": reverse("promises:changes_feed"),
        "data": reverse("promises:data"),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    out = []
    for name, path in pages.items():
        times, size, status = [], 0, 0
        for _ in range(3):
            cache.set_new_version()
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            status, size = response.status_code, len(response.content)
        out.append({"page": name, "path": path, "status": status, "bytes_raw": size, "cold_ms": sorted(times)[1]})
    return out


def nothing_kept(pages: list[dict], renders: int) -> list[dict]:
    """Each page rendered in this process with nothing kept: a new global version and no kept cards or rows
    (promises/fragments.py) before each render, as after a write that changed every card and row, or in a worker's
    first render of a page; wall ms, page cache and all middleware included, HTTP not."""
    from django.conf import settings
    from django.test import Client

    from promises import cache, fragments

    if settings.DEBUG:
        raise SystemExit("bench_data.py nothing-kept: DEBUG is on, nothing would be cached")
    client = Client(HTTP_HOST="127.0.0.1")
    out = []
    for page in pages:
        times = []
        for turn in range(-1, renders):  # one unmeasured render first
            cache.set_new_version()
            fragments.forget()
            started = time.perf_counter()
            response = client.get(page["path"], headers=page["headers"] | {"Accept-Encoding": "gzip"})
            if turn >= 0:
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or response.get("X-Page-Cache") != "miss":
                raise SystemExit(f"{page['path']}: {response.status_code} {response.get('X-Page-Cache')}")
        out.append({"page": page["page"], "path": page["path"], "ms": times})
    return out


def main() -> None:
    usage = "usage: bench_data.py history PROMISE_PK INDICATOR_SLUG | bench_data.py nothing-kept RENDERS < pages.json"
    if not (len(sys.argv) == 4 and sys.argv[1] == "history") and not (
        len(sys.argv) == 3 and sys.argv[1] == "nothing-kept"
    ):
        raise SystemExit(usage)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    if sys.argv[1] == "history":
        print("HISTORY " + json.dumps(history_pages(int(sys.argv[2]), sys.argv[3])))
    else:
        print("NOTHING-KEPT " + json.dumps(nothing_kept(json.load(sys.stdin), int(sys.argv[2]))))


if __name__ == "__main__":
    main()
