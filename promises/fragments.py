"""Fragments: the HTML of one indicator card, one row of the log of changes (and what a feed says of one log
entry) or one row of /sumber/, kept by each process under the fingerprint of the rows it is drawn from
(promises/fingerprints.py), so a list page re-renders only the cards and rows whose rows changed, not all 30 or
50 of them, and loads the figures and sources of those only. One query gives the fingerprints of a page's cards
(or rows); it is all a kept card costs.

The fingerprint covers everything a card or row shows, whatever wrote it, so a fragment is never shown stale and
a write that did not touch it (a save elsewhere, and most writes of unknown reach, which make every page cold)
does not redraw it. The language is part of the key; nothing in them depends on the time of day, and the code is
the process's own (a deploy starts new processes).

Kept in this process, not the shared cache: a fragment is worth less than the write that would share it (each
`set` on the database cache is a committed transaction), and each worker renders a page often enough to have
its own. LIMIT bounds the memory (a card or row is 1–2 KB: a few MB a process). A lock keeps the store whole
under a threaded server.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import fingerprints
from .models import Indicator, LogEntry, Source

LIMIT = 4000

_kept: OrderedDict[tuple, tuple[str, object]] = OrderedDict()
_lock = threading.Lock()


def indicator_cards(indicators: Sequence[Indicator], loaded: bool = False) -> list[SafeString]:
    """The cards of `indicators` (loaded with at least their pk), in their order; the figures of the cards not kept
    are loaded (3 queries). With `loaded`, they come with what a card shows (IndicatorQuerySet.for_cards) and are
    drawn from as they are, neither looked up nor kept: they were read before any fingerprint, so a write in between
    would keep an old card under a new fingerprint (the conflicts filter of /angka/, which reads every figure
    anyway)."""
    from .templatetags.kartu import indicator_card

    if loaded:
        return [indicator_card(indicator) for indicator in indicators]

    def draw(missing: list[Indicator]) -> list[SafeString]:
        full = Indicator.objects.filter(pk__in=[i.pk for i in missing]).order_by().for_cards().in_bulk()
        return [indicator_card(full[i.pk]) if i.pk in full else None for i in missing]

    return _fragments("card", indicators, fingerprints.cards, draw)


def log_rows(entries: Sequence[dict]) -> list[SafeString]:
    """The rows of log entries given as LogEntryQuerySet.for_log_keys() dicts, in their order; the entries of the
    rows not kept are loaded with everything a row shows (2 queries)."""
    from .templatetags.perubahan import log_row

    return log_items(entries, log_row, kind="row")


def log_items[T](entries: Sequence[dict], make: Callable[[LogEntry], T], kind: str = "feed") -> list[T]:
    """`make(entry)` for log entries given as for_log_keys() dicts, kept like the rows (the feeds' entries)."""

    def draw(missing: list[dict]) -> list[T | None]:
        full = LogEntry.objects.filter(pk__in=[e["pk"] for e in missing]).for_log().order_by().in_bulk()
        return [make(full[e["pk"]]) if e["pk"] in full else None for e in missing]

    return _fragments(kind, entries, fingerprints.log_entries, draw, pk=lambda e: e["pk"])


def source_rows(pks: Sequence[int]) -> list[SafeString]:
    """The rows of /sumber/ of these sources, in their order; the sources of the rows not kept are loaded with
    what a row shows (3 queries)."""
    from .templatetags.sumber import source_row

    def draw(missing: list[int]) -> list[SafeString | None]:
        full = Source.objects.filter(pk__in=missing).for_list().order_by().in_bulk()
        return [source_row(full[pk]) if pk in full else None for pk in missing]

    return _fragments("source", pks, fingerprints.sources, draw, pk=lambda pk: pk)


def _fragments(
    kind: str,
    items: Sequence,
    fingerprint: Callable[[list], dict],
    draw: Callable[[list], list],
    pk: Callable = lambda item: item.pk,
) -> list:
    if not items:
        return []
    if settings.DEBUG:  # translations and code change under a running dev server: keep nothing (like pages)
        return [drawn for drawn in draw(list(items)) if drawn is not None]
    language = get_language()
    marks = fingerprint([pk(item) for item in items])
    # an item deleted since the page's list was read has no fingerprint: not shown
    wanted = [(item, (kind, language, pk(item)), marks[pk(item)]) for item in items if pk(item) in marks]
    html, missing = {}, []
    with _lock:
        for item, key, mark in wanted:
            kept = _kept.get(key)
            if kept is not None and kept[0] == mark:
                _kept.move_to_end(key)
                html[key] = kept[1]
            else:
                missing.append((item, key, mark))
    if missing:
        drawn = draw([item for item, _key, _mark in missing])
        with _lock:
            for (_item, key, mark), fragment in zip(missing, drawn, strict=True):
                if fragment is None:  # deleted since its fingerprint was read: not shown, not kept
                    continue
                html[key] = fragment
                _kept[key] = (mark, fragment)
                _kept.move_to_end(key)
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return [html[key] for _item, key, _mark in wanted if key in html]


def forget() -> None:
    """Drop every kept fragment (tests)."""
    with _lock:
        _kept.clear()
