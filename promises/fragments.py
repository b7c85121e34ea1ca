"""Fragments: the HTML of one indicator card or one row of the log of changes (and what a feed says of one log
entry), kept by each process under the versions of the scopes it shows (promises/cache.py), so that after a save
a list page re-renders the card or row that changed, not all 30 or 50 of them, and loads the figures and sources
of those only.

A card shows one indicator (its scope `indicator:<slug>`, which a figure, a conflict mark and its promise's edits
also change); a row shows one log entry (its promise's and its indicator's scopes, which its status change,
figure, approval and report change). Everything else a card or row shows (a source, an editor's name, an
indicator's own edit) changes the global version, which is part of every key. So a fragment is reused exactly
when the page of its promise or indicator would be. The language is part of the key; nothing in them depends
on the time of day.

Kept in this process, not the shared cache: a fragment is worth less than the write that would share it (each
`set` on the database cache is a committed transaction), and each worker renders a page often enough to have
its own. LIMIT bounds the memory (a card or row is 1–2 KB: a few MB a process). A lock keeps the store whole
under a threaded server.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import cache as data_version
from .models import Indicator, LogEntry

LIMIT = 4000

_kept: OrderedDict[tuple, tuple[str, object]] = OrderedDict()
_lock = threading.Lock()


def indicator_cards(indicators: Sequence[Indicator], loaded: bool = False) -> list[SafeString]:
    """The cards of `indicators` (loaded with at least pk and slug), in their order. With `loaded`, they come
    with what a card shows (IndicatorQuerySet.for_cards) and are drawn from as they are; otherwise the figures of
    the cards not kept are loaded (3 queries)."""
    from .templatetags.kartu import indicator_card

    def draw(missing: list[Indicator]) -> list[SafeString]:
        if not loaded:
            full = Indicator.objects.filter(pk__in=[i.pk for i in missing]).order_by().for_cards().in_bulk()
            missing = [full.get(i.pk) for i in missing]
        return [indicator_card(indicator) if indicator else None for indicator in missing]

    # Loaded ones were read before the versions: a write in between would keep an old card under the new version,
    # so they are drawn and not kept (the conflicts filter of /angka/, which needs every figure anyway).
    return _fragments("card", indicators, lambda i: (data_version.indicator_scope(i.slug),), draw, keep=not loaded)


def log_rows(entries: Sequence[dict]) -> list[SafeString]:
    """The rows of log entries given as LogEntryQuerySet.for_log_keys() dicts (pk, promise_id, indicator__slug),
    in their order; the entries of the rows not kept are loaded with everything a row shows (2 queries)."""
    from .templatetags.perubahan import log_row

    return log_items(entries, log_row, kind="row")


def log_items[T](entries: Sequence[dict], make: Callable[[LogEntry], T], kind: str = "feed") -> list[T]:
    """`make(entry)` for log entries given as for_log_keys() dicts, kept like the rows (the feeds' entries)."""

    def scopes(entry: dict) -> tuple[str, ...]:
        return (
            *((data_version.promise_scope(entry["promise_id"]),) if entry["promise_id"] else ()),
            *((data_version.indicator_scope(entry["indicator__slug"]),) if entry["indicator__slug"] else ()),
        )

    def draw(missing: list[dict]) -> list[T | None]:
        full = LogEntry.objects.filter(pk__in=[e["pk"] for e in missing]).for_log().order_by().in_bulk()
        return [make(full[e["pk"]]) if e["pk"] in full else None for e in missing]

    return _fragments(kind, entries, scopes, draw, pk=lambda e: e["pk"])


def _fragments(
    kind: str,
    items: Sequence,
    scopes: Callable[..., Iterable[str]],
    draw: Callable[[list], list],
    pk: Callable = lambda item: item.pk,
    keep: bool = True,
) -> list:
    if not items:
        return []
    if settings.DEBUG:  # translations and code change under a running dev server: keep nothing (like pages)
        return [drawn for drawn in draw(list(items)) if drawn is not None]
    language = get_language()
    wanted = [(item, (kind, language, pk(item)), tuple(scopes(item))) for item in items]
    current = data_version.versions({scope for _item, _key, item_scopes in wanted for scope in item_scopes})
    everything = current[data_version.VERSION_KEY]
    html, missing = {}, []
    with _lock:
        for item, key, item_scopes in wanted:
            version = "|".join([everything, *(current[scope] for scope in item_scopes)])
            kept = _kept.get(key)
            if kept is not None and kept[0] == version:
                _kept.move_to_end(key)
                html[key] = kept[1]
            else:
                missing.append((item, key, version))
    if missing:
        drawn = draw([item for item, _key, _version in missing])
        with _lock:
            for (_item, key, version), fragment in zip(missing, drawn, strict=True):
                if fragment is None:  # deleted since the page's list was read: not shown, not kept
                    continue
                html[key] = fragment
                if keep:
                    _kept[key] = (version, fragment)
                    _kept.move_to_end(key)
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return [html[key] for _item, key, _scopes in wanted if key in html]


def forget() -> None:
    """Drop every kept fragment (tests)."""
    with _lock:
        _kept.clear()
