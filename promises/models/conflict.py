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
    low_1, high_1 = value_bounds(first)
    low_2, high_2 = value_bounds(second)
    low = max(low_1, low_2)
    highs = [h for h in (high_1, high_2) if h is not None]
    if not highs:
        return False
    high = min(highs)
    return low > high and (low - high) > TOLERANCE * low


def _distance(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two spans (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


def same_time(first, second) -> bool:
    precision_1, precision_2 = first.as_of_precision, second.as_of_precision
    end_1, end_2 = span(first.as_of, precision_1), span(second.as_of, precision_2)
    if first.measure == "period":
        start_1 = span(first.period_start or first.as_of, precision_1)
        start_2 = span(second.period_start or second.as_of, precision_2)
        return _distance(start_1, start_2) == 0 and _distance(end_1, end_2) == 0
    return _distance(end_1, end_2) <= WINDOW_DAYS


def comparable(first, second) -> bool:
    """The two readings measure the same thing at the same time, so they could contradict each other."""
    from .indicator import Counts

    return (  # the plain comparisons first: this runs for every pair the sweep meets
        first.unit == second.unit
        and first.measure == second.measure != "event"
        and first.part_of_id is None
        and second.part_of_id is None
        and Counts.group(first.counts) == Counts.group(second.counts)
        and same_time(first, second)
    )


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
    dated = sorted(((span(r.as_of, r.as_of_precision), i) for i, r in enumerate(readings)), key=lambda d: d[0][0])
    window = timedelta(days=WINDOW_DAYS)
    for a, ((_start, end), i) in enumerate(dated):
        for (start_b, _end_b), j in dated[a + 1 :]:
            if start_b > end + window:
                break
            pair = (min(i, j), max(i, j))
            first, second = readings[pair[0]], readings[pair[1]]
            if comparable(first, second) and values_disagree(first, second):
                flagged.add(pair)
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


class ConflictMark(models.Model):
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
