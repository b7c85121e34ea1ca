"""When two figures for one indicator conflict: the rule, and the editors' marks that overrule it.

Two readings conflict only when they measure the same thing and cannot both be true:

- the same unit, and the same kind of count: targets with targets, allocations with allocations, and
  everything said to be done (procured, delivered, used, or claimed as done) with each other;
- the same measure: two totals as of a date, or two amounts over a period. A single event (a handover of
  50 bins) adds up to a total and never conflicts with anything; a figure that is part of another (28 of 162
  patients) is shown with its whole and never compared;
- the same time at their precision: two totals at most `WINDOW_DAYS` apart ("April 2025" is any day of
  April), two periods whose starts and ends fall together;
- values that cannot both hold given their qualifiers: "setidaknya 22" fits 162, "hingga Rp600 juta" does
  not fit Rp1 miliar. An exact figure may be rounded by up to `TOLERANCE`; "sekitar" allows `APPROXIMATELY`.

One pair of different measures conflicts too, where an indicator's totals count everything done since the
programme began (`Indicator.cumulative`): an amount done over a period that is larger than the total done as of
the period's end or later (669 NIB issued in June alone, 510 in all by 14 August).

An editor may mark a pair as conflicting, or a flagged pair as not conflicting, with a reason that is shown
publicly; a mark wins over the rule. Everything here works on readings already loaded (no queries).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import span
from .loading import QuickLoad

WINDOW_DAYS = 31
TOLERANCE = Decimal("0.05")
APPROXIMATELY = Decimal("0.10")


@dataclass(frozen=True)
class Conflict:
    first: "Reading"  # noqa: F821 (models.indicator.Reading; not imported to keep the modules apart)
    second: "Reading"  # noqa: F821
    mark: "ConflictMark | None" = None


def value_bounds(reading) -> tuple[Decimal, Decimal | None]:
    """The values a reading allows given its qualifier: (low, high), high None for "no upper bound"."""
    low, high = reading.value, reading.value_max if reading.value_max is not None else reading.value
    match reading.qualifier:
        case "lebih_dari" | "setidaknya":
            return low, None
        case "hingga" | "kurang_dari":
            return Decimal(0), high
        case "sekitar":
            return low * (1 - APPROXIMATELY), high * (1 + APPROXIMATELY)
    return low, high


def values_disagree(first, second) -> bool:
    """No value fits both readings, even allowing an exact figure to be rounded by TOLERANCE."""
    return _bounds_disagree(value_bounds(first), value_bounds(second))


def _bounds_disagree(bounds_1: tuple, bounds_2: tuple) -> bool:
    (low_1, high_1), (low_2, high_2) = bounds_1, bounds_2
    low = max(low_1, low_2)
    highs = [h for h in (high_1, high_2) if h is not None]
    if not highs:
        return False
    high = min(highs)
    return low > high and (low - high) > TOLERANCE * low


def _distance(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two spans (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


def _same_time(measure: str, spans_1: tuple, spans_2: tuple) -> bool:
    """`spans_*`: (the span of the start, the span of the date) of each reading, at its precision."""
    start_1, end_1 = spans_1
    start_2, end_2 = spans_2
    if measure == "period":
        return _distance(start_1, start_2) == 0 and _distance(end_1, end_2) == 0
    return _distance(end_1, end_2) <= WINDOW_DAYS


def _spans(reading) -> tuple[tuple[date, date], tuple[date, date]]:
    precision = reading.as_of_precision
    return span(reading.period_start or reading.as_of, precision), span(reading.as_of, precision)


def same_time(first, second) -> bool:
    return _same_time(first.measure, _spans(first), _spans(second))


def _kind(reading) -> tuple | None:
    """What a reading measures, for comparing: equal kinds can contradict each other; None for a reading that is
    never compared (a single event, a part of another figure)."""
    from .indicator import Counts

    if reading.measure == "event" or reading.part_of_id is not None:
        return None
    return reading.unit, reading.measure, Counts.group(reading.counts)


def comparable(first, second) -> bool:
    """The two readings measure the same thing at the same time, so they could contradict each other."""
    kind = _kind(first)
    return kind is not None and kind == _kind(second) and same_time(first, second)


def period_exceeds_later_total(first, second) -> bool:
    """An amount done over a period cannot be more than the total done as of the period's end or later
    (669 NIB issued in June alone, but 510 in all by 14 August)."""
    from .indicator import Counts

    by_measure = {first.measure: first, second.measure: second}
    period, total = by_measure.get("period"), by_measure.get("total")
    if period is None or total is None or first.unit != second.unit or first.part_of_id or second.part_of_id:
        return False
    if period.counts not in Counts.done() or total.counts not in Counts.done():
        return False
    if span(total.as_of, total.as_of_precision)[0] < span(period.as_of, period.as_of_precision)[1]:
        return False
    low, high = value_bounds(period)[0], value_bounds(total)[1]
    return high is not None and low > high and (low - high) > TOLERANCE * low


def find_conflicts(
    readings: list, marks: list["ConflictMark"], *, cumulative: bool = False
) -> tuple[list[Conflict], list[Conflict]]:
    """(conflicts, dismissed): the pairs that conflict, by the rule or an editor's mark, and the pairs the rule
    would flag that an editor marked as not conflicting, each pair in ledger order. `readings` in ledger order;
    `cumulative`: the indicator's totals count everything done since the start.

    Readings are swept in the order of their dates, each compared only with those that follow it within
    `WINDOW_DAYS` (no two readings further apart can be at the same time): O(n log n) for readings spread over
    time, instead of every pair. The cumulative rule compares each period with the totals (periods are few)."""
    by_pair = {(mark.first_id, mark.second_id): mark for mark in marks}
    flagged: set[tuple[int, int]] = set()
    # what each reading measures and when, worked out once per reading rather than once per pair
    kinds = [_kind(r) for r in readings]
    spans = [_spans(r) for r in readings]
    bounds = [value_bounds(r) for r in readings]
    dated = sorted(range(len(readings)), key=lambda i: spans[i][1][0])
    window = timedelta(days=WINDOW_DAYS)
    for a, i in enumerate(dated):
        last = spans[i][1][1] + window
        for j in dated[a + 1 :]:
            if spans[j][1][0] > last:
                break
            kind = kinds[i]
            if kind is None or kind != kinds[j] or not _same_time(kind[1], spans[i], spans[j]):
                continue
            if _bounds_disagree(bounds[i], bounds[j]):
                flagged.add((min(i, j), max(i, j)))
    if cumulative:
        for i, period in enumerate(readings):
            if period.measure != "period":
                continue
            for j in range(len(readings)):
                pair = (min(i, j), max(i, j))
                if i != j and period_exceeds_later_total(readings[pair[0]], readings[pair[1]]):
                    flagged.add(pair)
    position = {reading.pk: i for i, reading in enumerate(readings)}
    marked = {
        (min(position[a], position[b]), max(position[a], position[b]))
        for (a, b), mark in by_pair.items()
        if mark.conflicting and a in position and b in position
    }
    conflicts, dismissed = [], []
    for i, j in sorted(flagged | marked):
        first, second = readings[i], readings[j]
        mark = by_pair.get(tuple(sorted((first.pk, second.pk))))
        if mark is not None and mark.conflicting:
            conflicts.append(Conflict(first, second, mark))
        elif mark is None:
            conflicts.append(Conflict(first, second))
        else:
            dismissed.append(Conflict(first, second, mark))
    return conflicts, dismissed


class ConflictMark(QuickLoad, models.Model):
    """An editor's judgement on a pair of readings, shown publicly with its reason."""

    indicator = models.ForeignKey(
        "Indicator", on_delete=models.CASCADE, related_name="conflict_marks", verbose_name=_("indikator")
    )
    first = models.ForeignKey("Reading", on_delete=models.CASCADE, related_name="+", verbose_name=_("angka pertama"))
    second = models.ForeignKey("Reading", on_delete=models.CASCADE, related_name="+", verbose_name=_("angka kedua"))
    conflicting = models.BooleanField(
        _("bertentangan"), help_text=_("Centang bila kedua angka bertentangan; kosongkan bila tidak.")
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
        verbose_name = _("tanda pertentangan")
        verbose_name_plural = _("tanda pertentangan")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_conflict_mark"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="conflict_mark_pair_ordered"),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_mark_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id}: {'bertentangan' if self.conflicting else 'tidak bertentangan'}"

    def clean(self) -> None:
        readings = [r for r in (self.first if self.first_id else None, self.second if self.second_id else None) if r]
        if any(reading.indicator_id != self.indicator_id for reading in readings):
            raise ValidationError(_("Kedua angka harus dari indikator yang sama."))
