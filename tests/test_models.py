from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from promises.models import Promise, Reading, Source, StatusChange, normalize_url

from .helpers import (
    JUST_AFTER_MIDNIGHT_IN_KUPANG,
    TODAY_IN_KUPANG,
    make_indicator,
    make_promise,
    make_reading,
    make_source,
    rate,
)


class SourceUrlTests(TestCase):
    def test_urls_are_normalised_so_one_article_is_one_source(self):
        assert (
            normalize_url("HTTPS://Kupang.Example.COM/berita/123/?utm_source=wa&id=5&fbclid=abc#komentar")
            == "https://kupang.example.com/berita/123?id=5"
        )

    def test_the_same_article_pasted_twice_is_refused_by_the_database(self):
        make_source(url="https://kupang.example/berita/1/")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_source(url="https://KUPANG.example/berita/1?utm_medium=social")

    def test_only_http_and_https_urls_are_accepted(self):
        for url in ["javascript:alert(1)", "ftp://kupang.example/a", "kupang.example/a", "https://", ""]:
            with pytest.raises(ValidationError):
                normalize_url(url)

    def test_a_source_needs_a_date_or_a_note_saying_why_not(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_source(published=None, published_note="")
        make_source(published=None, published_note="Tanggal terbit tidak terlihat")

    @time_machine.travel(JUST_AFTER_MIDNIGHT_IN_KUPANG, tick=False)
    def test_a_future_publication_date_is_invalid(self):
        source = Source(
            url="https://a.example/b", outlet="A", headline="B", published=TODAY_IN_KUPANG + timedelta(days=2)
        )
        with pytest.raises(ValidationError) as error:
            source.full_clean()
        assert "published" in error.value.message_dict
        # today in Kupang has come, although it is still yesterday in UTC
        source.published = TODAY_IN_KUPANG
        source.full_clean()


class PromiseConstraintTests(TestCase):
    def test_a_promise_starts_not_yet_rated_at_version_one(self):
        promise = make_promise()
        assert promise.status == Promise.Status.BELUM_DINILAI
        assert promise.get_status_display() == "Belum dinilai"
        assert promise.version == 1

    def test_an_unknown_status_is_refused_by_the_database(self):
        promise = make_promise()
        with pytest.raises(IntegrityError), transaction.atomic():
            Promise.objects.filter(pk=promise.pk).update(status="hampir_selesai")

    def test_a_rated_status_without_verification_is_refused_by_the_database(self):
        promise = make_promise()
        with pytest.raises(IntegrityError), transaction.atomic():
            Promise.objects.filter(pk=promise.pk).update(status=Promise.Status.DITEPATI, verification="")

    def test_two_promises_cannot_share_a_code_in_one_administration(self):
        promise = make_promise(code="CP-1")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_promise(code="CP-1", administration=promise.administration)

    def test_search_ignores_case_and_accents(self):
        make_promise(title="Pojok Aduan untuk warga")
        make_promise(title="Café UMKM di taman")
        assert Promise.objects.search("POJOK aduan").count() == 1
        assert Promise.objects.search("cafe").count() == 1
        assert Promise.objects.search("tidak ada").count() == 0


class StatusHistoryTests(TestCase):
    def test_history_rows_cannot_be_edited(self):
        promise = make_promise()
        change = rate(promise)
        change.reason = "diubah"
        with pytest.raises(ValidationError):
            change.save()

    def test_history_rows_cannot_be_deleted(self):
        change = rate(make_promise())
        with pytest.raises(ValidationError):
            change.delete()
        assert StatusChange.objects.count() == 1

    def test_history_rows_and_log_entries_cannot_be_deleted_in_bulk_either(self):
        from promises.models import LogEntry

        rate(make_promise())
        for records in (StatusChange.objects.all(), LogEntry.objects.filter(kind=LogEntry.Kind.STATUS)):
            with pytest.raises(ValidationError, match="tidak dapat dihapus"):
                records.delete()
        assert StatusChange.objects.count() == LogEntry.objects.count() == 1

    def test_an_empty_reason_is_refused_by_the_database(self):
        promise = make_promise()
        with pytest.raises(IntegrityError), transaction.atomic():
            StatusChange.objects.create(
                promise=promise, from_status="belum_dinilai", to_status="belum_dinilai", reason=""
            )


class ReadingTests(TestCase):
    def test_a_negative_value_is_refused_by_the_database(self):
        indicator = make_indicator()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_reading(indicator, value=Decimal(-1))

    def test_a_range_must_be_ordered(self):
        indicator = make_indicator()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_reading(indicator, value=Decimal(600), value_max=Decimal(300))

    def test_an_unknown_kind_of_count_is_refused_by_the_database(self):
        indicator = make_indicator()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_reading(indicator, counts="dikira-kira")

    def test_a_reading_needs_a_source(self):
        indicator = make_indicator()
        with pytest.raises(IntegrityError), transaction.atomic():
            Reading.objects.create(
                indicator=indicator,
                value=1,
                unit="unit",
                as_of=date(2025, 1, 1),
                counts="used",
                said_by="media",
                source_id=None,
            )

    @time_machine.travel(JUST_AFTER_MIDNIGHT_IN_KUPANG, tick=False)
    def test_a_reading_dated_in_the_future_is_invalid(self):
        indicator = make_indicator()
        reading = Reading(
            indicator=indicator,
            value=1,
            unit="unit",
            as_of=TODAY_IN_KUPANG + timedelta(days=1),
            counts="used",
            said_by="media",
            source=make_source(),
        )
        with pytest.raises(ValidationError) as error:
            reading.full_clean()
        assert "as_of" in error.value.message_dict
        # today in Kupang has come, although it is still yesterday in UTC
        reading.as_of = TODAY_IN_KUPANG
        reading.full_clean()

    def test_readings_of_the_same_kind_a_week_apart_that_differ_are_a_conflict(self):
        indicator = make_indicator(unit="unit")
        a = make_reading(indicator, value=Decimal(900), as_of=date(2025, 8, 14))
        b = make_reading(indicator, value=Decimal(1300), as_of=date(2025, 8, 20), counts=Reading.Counts.PROCURED)
        make_reading(indicator, value=Decimal(200), as_of=date(2025, 4, 1))
        make_reading(indicator, value=Decimal(1347), as_of=date(2025, 8, 15), counts=Reading.Counts.TARGET)
        indicator = type(indicator).objects.with_readings().get(pk=indicator.pk)
        assert indicator.conflicting_reading_ids() == {a.pk, b.pk}

    def test_readings_within_five_percent_are_not_a_conflict(self):
        indicator = make_indicator()
        make_reading(indicator, value=Decimal(1000), as_of=date(2025, 8, 14))
        make_reading(indicator, value=Decimal(1040), as_of=date(2025, 8, 20))
        indicator = type(indicator).objects.with_readings().get(pk=indicator.pk)
        assert indicator.conflicts() == []

    def test_progress_uses_the_latest_delivered_figure_not_a_claim(self):
        indicator = make_indicator(target_value=Decimal(1000), target_source=make_source())
        make_reading(indicator, value=Decimal(400), as_of=date(2025, 7, 1))
        make_reading(indicator, value=Decimal(1000), as_of=date(2025, 8, 1), counts=Reading.Counts.CLAIMED)
        indicator = type(indicator).objects.with_readings().get(pk=indicator.pk)
        assert indicator.progress_percent() == 40


class ReadingVerificationTests(TestCase):
    def test_a_figure_only_the_government_gives_is_marked_as_its_claim(self):
        indicator = make_indicator()
        assert make_reading(indicator, said_by=Reading.SaidBy.WALI_KOTA).verification == "klaim_pemerintah"
        assert make_reading(indicator, said_by=Reading.SaidBy.MEDIA).verification == "dikonfirmasi_media"
