"""Fingerprints: for each indicator card, log row and row of /sumber/ (promises/fragments.py), a hash of the
columns it is drawn from, computed by the database in one query.

A fragment is kept under its fingerprint and reused while the fingerprint is the same, so it is redrawn exactly
when a row it shows has changed, whatever wrote it: a service, the admin, an import, an `.update()` that sends no
signal, a source or an editor's name edited. A write that touches nothing a fragment shows (most writes of
unknown reach) leaves it kept.

The fingerprint covers the very columns the fragment's own query loads:
- a card: the indicator, the figures' columns the card reads (`CARD_READING_FIELDS`) with their source's outlet,
  and the editors' conflict marks;
- a log row: the entry and the objects `LogQuerySet.for_log()` reads with it (less the long texts it leaves
  unread, `log.UNSHOWN`), the editors' names and the sources' cited columns;
- a source's row: the source, the promises it is used for (`LISTED_PROMISE`), and its replacements with their
  new sources.
A column added to one of these models is covered without a change here. Each value is written with its length
("5:Media"), NULL as "-" (on PostgreSQL, as a record's text), so two different sets of values never give the same
text.
"""

from collections.abc import Iterable, Sequence
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model

from .models import ConflictMark, Indicator, LogEntry, Promise, PromiseSource, Reading, Source, SourceReplacement
from .models.indicator import CARD_READING_FIELDS
from .models.log import CITED, ROW_OBJECTS, UNSHOWN
from .models.source import LISTED_PROMISE

# How each database joins the texts of many rows into one (in the order of the rows given).
JOIN_TEXTS = {"postgresql": "string_agg", "sqlite": "group_concat"}


def cards(pks: Iterable[int]) -> dict[int, str]:
    """The fingerprint of each of these indicators' card; an indicator that no longer exists has none."""
    return _fingerprints(_cards(connection.vendor), pks)


def log_entries(pks: Iterable[int]) -> dict[int, str]:
    """The fingerprint of each of these log entries' row (and feed entry); an entry that no longer exists has
    none."""
    return _fingerprints(_log_entries(connection.vendor), pks)


def sources(pks: Iterable[int]) -> dict[int, str]:
    """The fingerprint of each of these sources' row of /sumber/ (SourceQuerySet.for_list()); a source that no
    longer exists has none."""
    return _fingerprints(_sources(connection.vendor), pks)


# The queries, built once per database (`vendor` keys the cache; they read the models' columns):
# "SELECT id, MD5(...) ... WHERE id IN ".


@cache
def _cards(vendor: str) -> str:
    reading_columns = ["id", *(name.removesuffix("_id") for name in CARD_READING_FIELDS)]
    outlet = f"(SELECT s.{_q('outlet')} FROM {_table(Source)} s WHERE s.{_q('id')} = r.{_column(Reading, 'source')})"
    figures = _rows(
        _row(Reading, "r", reading_columns, also=[outlet]),
        f"{_table(Reading)} r WHERE r.{_column(Reading, 'indicator')} = i.{_q('id')}",
        "r." + _q("id"),
    )
    marks = _rows(
        _row(ConflictMark, "m"),
        f"{_table(ConflictMark)} m WHERE m.{_column(ConflictMark, 'indicator')} = i.{_q('id')}",
        "m." + _q("id"),
    )
    return _query(f"{_row(Indicator, 'i')} || '#' || {figures} || '#' || {marks}", f"{_table(Indicator)} i", "i")


@cache
def _log_entries(vendor: str) -> str:
    unread = _unread()
    texts, joins = [_row(LogEntry, "e", leave_out=unread.get("", ()))], []
    for n, name in enumerate(ROW_OBJECTS):
        field = LogEntry._meta.get_field(name)
        model, alias = field.related_model, f"o{n}"
        if model is get_user_model():  # an editor is shown by name only (formatting.person)
            texts.append(_row(model, alias, ["first_name", "last_name", model.USERNAME_FIELD]))
        else:
            texts.append(_row(model, alias, leave_out=unread.get(name, ())))
        joins.append(f"LEFT JOIN {_table(model)} {alias} ON {alias}.{_q(model._meta.pk.column)} = e.{_q(field.column)}")
    through = LogEntry._meta.get_field("sources").remote_field.through
    sources = _rows(
        _row(Source, "s", ["id", *CITED]),
        f"{_table(through)} t JOIN {_table(Source)} s ON s.{_q('id')} = t.{_column(through, 'source')} "
        f"WHERE t.{_column(through, 'logentry')} = e.{_q('id')}",
        "s." + _q("id"),
    )
    texts.append(sources)
    return _query(" || '#' || ".join(texts), f"{_table(LogEntry)} e {' '.join(joins)}", "e")


@cache
def _sources(vendor: str) -> str:
    pk = _q("id")
    used_for = _rows(
        f"{_row(PromiseSource, 'l', ['id', 'source', 'promise'])} || {_row(Promise, 'p', LISTED_PROMISE)}",
        f"{_table(PromiseSource)} l JOIN {_table(Promise)} p ON p.{pk} = l.{_column(PromiseSource, 'promise')} "
        f"WHERE l.{_column(PromiseSource, 'source')} = s.{pk}",
        f"l.{pk}",
    )
    replaced = _rows(
        f"{_row(SourceReplacement, 'r')} || {_row(Source, 'n')}",
        f"{_table(SourceReplacement)} r JOIN {_table(Source)} n ON n.{pk} = r.{_column(SourceReplacement, 'new')} "
        f"WHERE r.{_column(SourceReplacement, 'old')} = s.{pk}",
        f"r.{pk}",
    )
    return _query(f"{_row(Source, 's')} || '#' || {used_for} || '#' || {replaced}", f"{_table(Source)} s", "s")


def _unread() -> dict[str, set[str]]:
    """log.UNSHOWN by object: "" for the entry's own columns, else the name of the object."""
    unread: dict[str, set[str]] = {}
    for path in UNSHOWN:
        owner, _, name = path.rpartition("__")
        unread.setdefault(owner, set()).add(name)
    return unread


def _query(text: str, source: str, alias: str) -> str:
    return f"SELECT {alias}.{_q('id')}, MD5({text}) FROM {source} WHERE {alias}.{_q('id')} IN "


def _fingerprints(query: str, pks: Iterable[int]) -> dict[int, str]:
    pks = list(pks)
    if not pks:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"{query}({', '.join(['%s'] * len(pks))})", pks)
        return dict(cursor.fetchall())


def _row(model: type[Model], alias: str, names: Sequence[str] = (), leave_out=(), also: Sequence[str] = ()) -> str:
    """SQL for the text of one row: its columns (all, or `names`, less `leave_out`) in a fixed order, and the values
    of the SQL expressions `also`."""
    fields = [model._meta.get_field(name) for name in names] if names else model._meta.concrete_fields
    columns = [f"{alias}.{_q(field.column)}" for field in fields if field.name not in leave_out] + list(also)
    if connection.vendor == "postgresql":  # a record's text quotes what needs it: "(1,,\"a,b\")"
        return f"CAST(ROW({', '.join(columns)}) AS TEXT)"
    return " || ".join(_value(column) for column in columns)


def _value(sql: str) -> str:
    """One value as text with its length ("5:Media"), NULL as "-": the text of a row can be read back one way only."""
    return f"COALESCE(LENGTH(CAST({sql} AS TEXT)) || ':' || CAST({sql} AS TEXT), '-')"


def _rows(text: str, source: str, order: str) -> str:
    """SQL for the texts of many rows joined, in `order`; "" for none. (Were a database to join them in another
    order, a fragment would only be redrawn once more, never shown stale.)"""
    join = JOIN_TEXTS[connection.vendor]
    return f"COALESCE((SELECT {join}(t, '') FROM (SELECT {text} AS t FROM {source} ORDER BY {order}) AS texts), '')"


def _table(model: type[Model]) -> str:
    return _q(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
