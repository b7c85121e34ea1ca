"""Search over indicators, sources and the log as well as promises (promises/search.py): their search texts, the
promises' texts in the new normalisation, and on PostgreSQL a GIN index on each to_tsvector('simple', …)."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.db import migrations, models

from promises.search import fold, index_text

MODELS = ("Promise", "Indicator", "Source", "LogEntry")


def _number(value) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


def fill(apps, schema_editor):
    """What each model's save() now stores (the historical models have no save() of ours)."""
    Promise, Indicator, Source, LogEntry = (apps.get_model("promises", name) for name in MODELS)
    promises = list(Promise.objects.all())
    for p in promises:
        p.search_text = index_text(p.code, p.title, p.description, p.opd)
    Promise.objects.bulk_update(promises, ["search_text"], batch_size=500)
    indicators = list(Indicator.objects.select_related("promise"))
    for i in indicators:
        code = i.promise.code if i.promise_id else ""
        i.search_text = index_text(i.name, i.unit, i.description, code, _number(i.target_value))
    Indicator.objects.bulk_update(indicators, ["search_text"], batch_size=500)
    sources = list(Source.objects.all())
    for s in sources:
        host = (urlsplit(s.url).hostname or "").removeprefix("www.")
        s.search_text = index_text(s.outlet, s.headline, host, s.summary)
    Source.objects.bulk_update(sources, ["search_text"], batch_size=500)
    entries = list(LogEntry.objects.select_related("status_change", "promise", "indicator", "reading"))
    for e in entries:
        parts = [e.status_change.reason if e.status_change_id else "", e.note, e.promise.code if e.promise_id else ""]
        if e.indicator_id:
            parts.append(e.indicator.name)
        if e.reading_id:
            parts += [_number(e.reading.value), e.reading.unit]
        e.search_text = index_text(*parts)
    LogEntry.objects.bulk_update(entries, ["search_text"], batch_size=500)


def unfill(apps, schema_editor):
    """The promises' search texts as 0015 wrote them (the other columns go with their fields)."""
    Promise = apps.get_model("promises", "Promise")
    promises = list(Promise.objects.all())
    for p in promises:
        p.search_text = fold(" ".join([p.code, p.title, p.description, p.opd]))
    Promise.objects.bulk_update(promises, ["search_text"], batch_size=500)


def _gin_indexes(apps):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for name in MODELS:
        # The same expression the search filters on (search.matching), so the planner can use the index.
        index = GinIndex(SearchVector("search_text", config="simple"), name=f"{name.lower()}_search_gin")
        yield apps.get_model("promises", name), index


def add_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _gin_indexes(apps):
            schema_editor.add_index(model, index)


def remove_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _gin_indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("promises", "0016_origin_after_taking_office")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="source",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="logentry",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, unfill),
        migrations.RunPython(add_gin_indexes, remove_gin_indexes),
    ]
