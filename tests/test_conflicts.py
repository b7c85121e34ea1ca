"""When two figures conflict: one table of cases, each the way a source would say it (models/conflict.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import TestCase

from promises.models import ConflictMark, Reading
from promises.models.conflict import find_conflicts

from .helpers import make_indicator, make_reading


def reading(pk, value, *, as_of=date(2025, 8, 14), **fields):
    values = {
        "unit": "unit",
        "counts": "delivered",
        "measure": "total",
        "qualifier": "",
        "as_of_precision": "day",
        "said_by": "media",
    }
    return Reading(pk=pk, value=Decimal(value), as_of=as_of, **(values | fields))


CASES = [
    # (what it is, first reading's fields, second reading's fields, conflict?)
    ("two exact totals of one thing in one week that differ", {"value": 900}, {"value": 1300}, True),
    ("two exact totals within the rounding tolerance", {"value": 1300}, {"value": 1347, "counts": "procured"}, False),
    ("a procured and a delivered total (both say done)", {"value": 900}, {"value": 1300, "counts": "procured"}, True),
    ("a target and a delivered total", {"value": 900}, {"value": 1347, "counts": "target"}, False),
    ("'setidaknya 22' and 162", {"value": 22, "qualifier": "setidaknya"}, {"value": 162}, False),
    ("'lebih dari Rp3 miliar' and Rp4 miliar", {"value": 3, "qualifier": "lebih_dari"}, {"value": 4}, False),
    ("'lebih dari Rp3 miliar' and Rp2 miliar", {"value": 3, "qualifier": "lebih_dari"}, {"value": 2}, True),
    ("'hingga Rp600 juta' and Rp1 miliar", {"value": 600, "qualifier": "hingga"}, {"value": 1000}, True),
    ("'hingga Rp600 juta' and Rp500 juta", {"value": 600, "qualifier": "hingga"}, {"value": 500}, False),
    ("'sekitar 29%' and 31%", {"value": 29, "qualifier": "sekitar"}, {"value": 31}, False),
    ("'sekitar 29%' and 18%", {"value": 29, "qualifier": "sekitar"}, {"value": 18}, True),
    ("a range Rp300–600 juta and Rp500 juta", {"value": 300, "value_max": Decimal(600)}, {"value": 500}, False),
    ("a range Rp300–600 juta and Rp1 miliar", {"value": 300, "value_max": Decimal(600)}, {"value": 1000}, True),
    (
        "two handover events of 50 and 5 bins",
        {"value": 50, "measure": "event"},
        {"value": 5, "measure": "event"},
        False,
    ),
    ("an event and a total", {"value": 50, "measure": "event"}, {"value": 900}, False),
    ("two totals in different units", {"value": 669, "unit": "NIB"}, {"value": 510, "unit": "UMKM"}, False),
    ("the same unit: 669 NIB and 510 NIB", {"value": 669, "unit": "NIB"}, {"value": 510, "unit": "NIB"}, True),
    ("two totals two months apart", {"value": 900, "as_of": date(2025, 6, 1)}, {"value": 1300}, False),
    (
        "'Agustus 2025' (month precision) and 9 August",
        {"value": 18, "as_of": date(2025, 8, 1), "as_of_precision": "month"},
        {"value": 29, "as_of": date(2025, 8, 9)},
        True,
    ),
    (
        "'2024' (year precision) and a figure of August 2025",
        {"value": 18, "as_of": date(2024, 1, 1), "as_of_precision": "year"},
        {"value": 29},
        False,
    ),
    (
        "two amounts for the same weekend",
        {
            "value": 600,
            "qualifier": "hingga",
            "measure": "period",
            "period_start": date(2025, 6, 21),
            "as_of": date(2025, 6, 22),
        },
        {"value": 1000, "measure": "period", "period_start": date(2025, 6, 21), "as_of": date(2025, 6, 22)},
        True,
    ),
    (
        "amounts for two different weekends",
        {"value": 100, "measure": "period", "period_start": date(2025, 6, 21), "as_of": date(2025, 6, 22)},
        {"value": 1000, "measure": "period", "period_start": date(2025, 7, 19), "as_of": date(2025, 7, 20)},
        False,
    ),
    (
        "'Juli–Agustus 2025' (months) and 1 July–31 August (days)",
        {
            "value": 162,
            "measure": "period",
            "period_start": date(2025, 7, 1),
            "as_of": date(2025, 8, 1),
            "as_of_precision": "month",
        },
        {"value": 100, "measure": "period", "period_start": date(2025, 7, 1), "as_of": date(2025, 8, 31)},
        True,
    ),
    (
        "162 over 1 July–14 August but 20 in all on 14 August",
        {"value": 162, "measure": "period", "period_start": date(2025, 7, 1)},
        {"value": 20},
        True,
    ),
    (
        "a target over a period and a total",
        {"value": 162, "measure": "period", "period_start": date(2025, 7, 1), "counts": "target"},
        {"value": 20},
        False,
    ),
    (
        "669 issued in June alone, 510 in all by 14 August",
        {
            "value": 669,
            "measure": "period",
            "period_start": date(2025, 6, 1),
            "as_of": date(2025, 6, 1),
            "as_of_precision": "month",
        },
        {"value": 510},
        True,
    ),
    (
        "100 issued in June, 510 in all by 14 August",
        {
            "value": 100,
            "measure": "period",
            "period_start": date(2025, 6, 1),
            "as_of": date(2025, 6, 1),
            "as_of_precision": "month",
        },
        {"value": 510},
        False,
    ),
    (
        "a period amount and a total from before the period ended",
        {
            "value": 162,
            "measure": "period",
            "period_start": date(2025, 7, 1),
            "as_of": date(2025, 8, 1),
            "as_of_precision": "month",
        },
        {"value": 22, "as_of": date(2025, 8, 1)},
        False,
    ),
]


@pytest.mark.parametrize(("first", "second", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_two_readings_conflict_only_when_they_measure_the_same_thing_and_cannot_both_be_true(first, second, expected):
    readings = [reading(1, **first), reading(2, **second)]
    conflicts, dismissed = find_conflicts(readings, [], cumulative=True)
    assert bool(conflicts) is expected
    assert dismissed == []


def test_a_period_is_set_against_a_later_total_only_where_totals_count_everything_since_the_start():
    june = reading(
        1, 669, measure="period", period_start=date(2025, 6, 1), as_of=date(2025, 6, 1), as_of_precision="month"
    )
    august = reading(2, 510)  # per weekend, say: not a running total
    assert find_conflicts([june, august], []) == ([], [])
    assert len(find_conflicts([june, august], [], cumulative=True)[0]) == 1


def test_a_part_is_never_compared_with_its_whole():
    whole = reading(1, 162, measure="period", period_start=date(2025, 7, 1))
    part = reading(2, 28, measure="period", period_start=date(2025, 7, 1), part_of_id=1)
    assert find_conflicts([whole, part], []) == ([], [])


def test_an_editor_mark_wins_over_the_rule_both_ways():
    a, b, c = reading(1, 900), reading(2, 1300), reading(3, 1300, counts="target")
    not_conflicting = ConflictMark(first_id=1, second_id=2, conflicting=False, reason="Dua tahap pengadaan.")
    conflicting = ConflictMark(first_id=1, second_id=3, conflicting=True, reason="Target disebut sebagai realisasi.")
    conflicts, dismissed = find_conflicts([a, b, c], [not_conflicting, conflicting])
    assert [(x.first.pk, x.second.pk, x.mark) for x in conflicts] == [(1, 3, conflicting)]
    assert [(x.first.pk, x.second.pk, x.mark) for x in dismissed] == [(1, 2, not_conflicting)]


class IndicatorConflictTests(TestCase):
    def test_an_indicator_finds_its_conflicts_and_marks_from_the_database_in_fixed_queries(self):
        indicator = make_indicator()
        first = make_reading(indicator, value=Decimal(900))
        second = make_reading(indicator, value=Decimal(1300))
        make_reading(indicator, value=Decimal(50), measure="event")
        make_reading(indicator, value=Decimal(5), measure="event")
        ConflictMark.objects.create(
            indicator=indicator, first=first, second=second, conflicting=False, reason="Dua tahap pengadaan."
        )
        from promises.models import Indicator

        # * the indicator with promise, sector, baseline and target sources
        # * its readings with their sources
        # * its conflict marks
        with self.assertNumQueries(3):
            loaded = Indicator.objects.with_readings().get(pk=indicator.pk)
            assert loaded.conflicts() == []
            assert [c.mark.reason for c in loaded.dismissed_conflicts()] == ["Dua tahap pengadaan."]


class ConflictMarkEditTests(TestCase):
    def setUp(self):
        from .helpers import make_editor

        self.indicator = make_indicator(name="Tempat sampah RT")
        self.first = make_reading(self.indicator, value=Decimal(900))
        self.second = make_reading(self.indicator, value=Decimal(1300))
        self.url = f"/indikator/{self.indicator.slug}/pertentangan/"
        self.editor = make_editor()

    def post(self, **data):
        values = {
            "version": self.indicator.version,
            "first": self.first.pk,
            "second": self.second.pk,
            "conflicting": "tidak",
            "reason": "Dua tahap pengadaan yang berbeda.",
        }
        return self.client.post(self.url, values | data, headers={"HX-Request": "true"})

    def test_an_editor_marks_a_flagged_pair_as_not_conflicting_and_readers_see_why(self):
        page = self.client.get(self.indicator.get_absolute_url()).text
        assert "Angka dari sumber berbeda-beda" in page
        self.client.force_login(self.editor)
        response = self.post()
        assert response.status_code == 200
        assert 'class="saved"' in response.text
        mark = ConflictMark.objects.get()
        assert (mark.first, mark.second, mark.conflicting, mark.editor) == (self.first, self.second, False, self.editor)
        self.client.logout()
        page = self.client.get(self.indicator.get_absolute_url()).text
        assert "Angka dari sumber berbeda-beda" not in page
        assert "Editor menilai keduanya tidak bertentangan: Dua tahap pengadaan yang berbeda." in page

    def test_a_second_mark_on_the_same_pair_replaces_the_first(self):
        self.client.force_login(self.editor)
        self.post()
        self.indicator.refresh_from_db()
        self.post(
            conflicting="ya", reason="Sumber kedua membantah yang pertama.", first=self.second.pk, second=self.first.pk
        )
        mark = ConflictMark.objects.get()
        assert mark.conflicting and mark.reason == "Sumber kedua membantah yang pertama."

    def test_the_same_reading_twice_is_refused_and_changes_nothing(self):
        self.client.force_login(self.editor)
        response = self.post(second=self.first.pk)
        assert response.status_code == 200
        assert "Pilih dua angka yang berbeda." in response.text
        assert not ConflictMark.objects.exists()

    def test_a_reading_of_another_indicator_is_refused(self):
        other = make_reading(make_indicator())
        self.client.force_login(self.editor)
        response = self.post(second=other.pk)
        assert response.status_code == 200
        assert not ConflictMark.objects.exists()

    def test_anonymous_visitors_and_users_without_the_right_cannot_mark(self):
        from .helpers import make_user

        assert self.post().status_code == 302  # to the login page
        self.client.force_login(make_user("pembaca"))
        assert self.post().status_code == 403
        assert not ConflictMark.objects.exists()

    def test_a_stale_form_is_refused_with_the_input_kept(self):
        self.client.force_login(self.editor)
        response = self.post(version=self.indicator.version + 5)
        assert "Tanda tidak disimpan" in response.text
        assert "Dua tahap pengadaan yang berbeda." in response.text
        assert not ConflictMark.objects.exists()
