"""Pages and queries that stay bounded however much one promise or indicator accumulates (issue 16)."""

from datetime import date, timedelta
from decimal import Decimal

from django.test import SimpleTestCase, TestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from promises.forms import ReadingForm
from promises.models import PromiseSource, Reading
from promises.models.conflict import ConflictMark, find_conflicts

from .helpers import make_indicator, make_promise, make_reading, make_source


class EditorQueryTests(TestCase):
    def test_the_reading_forms_sources_are_two_indexed_subqueries_not_a_join_over_all_sources(self):
        promise = make_promise()
        indicator = make_indicator(promise=promise)
        linked, of_a_figure, elsewhere = make_source(), make_source(), make_source()
        PromiseSource.objects.create(promise=promise, source=linked)
        make_reading(indicator, source=of_a_figure)
        make_reading(make_indicator(), source=elsewhere)
        queryset = ReadingForm(indicator=indicator).fields["source"].queryset
        assert set(queryset) == {linked, of_a_figure}
        sql = str(queryset.query).upper()
        assert sql.count("IN (SELECT") == 2 and "DISTINCT" not in sql and "JOIN" not in sql, sql


def all_pairs(readings, marks, cumulative):
    """The rule as first written: every pair compared (the reference the sweep must agree with)."""
    from promises.models.conflict import Conflict, comparable, period_exceeds_later_total, values_disagree

    by_pair = {(mark.first_id, mark.second_id): mark for mark in marks}
    conflicts, dismissed = [], []
    for i, first in enumerate(readings):
        for second in readings[i + 1 :]:
            mark = by_pair.get(tuple(sorted((first.pk, second.pk))))
            flagged = (comparable(first, second) and values_disagree(first, second)) or (
                cumulative and period_exceeds_later_total(first, second)
            )
            if mark is not None and mark.conflicting:
                conflicts.append(Conflict(first, second, mark))
            elif flagged and mark is None:
                conflicts.append(Conflict(first, second))
            elif flagged:
                dismissed.append(Conflict(first, second, mark))
    return conflicts, dismissed


class ConflictSweepTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 400),  # day
                st.sampled_from(["day", "month", "year"]),
                st.integers(1, 2000),  # value
                st.sampled_from(["", "sekitar", "setidaknya", "hingga"]),
                st.sampled_from(["target", "delivered", "allocated"]),
                st.sampled_from(["total", "total", "period", "event"]),
                st.sampled_from(["unit", "unit", "orang"]),
            ),
            max_size=25,
        ),
        st.booleans(),
        st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24), st.booleans()), max_size=4),
    )
    def test_the_sweep_finds_exactly_the_pairs_every_pair_comparison_finds(self, rows, cumulative, marked):
        start = date(2025, 1, 1)
        readings = []
        for n, (day, precision, value, qualifier, counts, measure, unit) in enumerate(rows, start=1):
            as_of = start + timedelta(days=day)
            reading = Reading(
                pk=n,
                value=Decimal(value),
                unit=unit,
                as_of=as_of,
                as_of_precision=precision,
                qualifier=qualifier,
                counts=counts,
                measure=measure,
                period_start=as_of - timedelta(days=30) if measure == "period" else None,
            )
            readings.append(reading)
        readings.sort(key=lambda r: (r.as_of, r.pk))
        marks = [
            ConflictMark(first_id=min(a, b) + 1, second_id=max(a, b) + 1, conflicting=c)
            for a, b, c in marked
            if a != b and max(a, b) < len(readings)
        ]
        marks = list({(m.first_id, m.second_id): m for m in marks}.values())
        expected = all_pairs(readings, marks, cumulative)
        found = find_conflicts(readings, marks, cumulative=cumulative)

        def key(pairs):
            return [(c.first.pk, c.second.pk, c.mark is not None) for c in pairs]

        assert key(found[0]) == key(expected[0]) and key(found[1]) == key(expected[1])
