"""Editors change statuses, add figures and sources from the public pages: safely, with a full record."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import time_machine
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from promises.formatting import reading_value
from promises.models import ConflictMark, Indicator, Promise, PromiseSource, Reading, Source, StatusChange

from .helpers import (
    CACHE_SET_QUERIES,
    JUST_AFTER_MIDNIGHT_IN_KUPANG,
    TODAY_IN_KUPANG,
    make_admin_user,
    make_editor,
    make_indicator,
    make_promise,
    make_reading,
    make_source,
    make_user,
    snapshot,
)


def status_data(promise, **overrides):
    source = promise.source_links.first().source
    data = {
        "version": promise.version,
        "status": "dalam_proses",
        "verification": "dikonfirmasi_media",
        "reason": "Kontainer mulai dibagikan ke RT.",
        "sources": [source.pk],
    }
    return data | overrides


def reading_data(indicator, **overrides):
    data = {
        "version": indicator.version,
        "value": "1000",
        "unit": indicator.unit,
        "as_of": "2025-09-01",
        "counts": "delivered",
        "said_by": "pemerintah",
        "said_by_name": "Kepala DLHK",
        "source": indicator.readings.first().source_id,
        "note": "",
    }
    return data | overrides


def text_data(promise, **overrides):
    data = {
        "version": promise.version,
        "title": "Satu tempat sampah untuk setiap RT",
        "description": "Uraian yang diperbaiki.",
        "success_criteria": "Setiap RT menerima satu tempat sampah.",
        "deadline": "",
        "deadline_note": "",
        "opd": "DLHK Kota Kupang",
    }
    return data | overrides


def source_data(**overrides):
    data = {
        "url": "https://kupang.example/berita-baru?utm_source=wa",
        "outlet": "Media Kupang",
        "headline": "1.000 tempat sampah sudah dibagikan",
        "published": "2025-09-02",
        "published_note": "",
        "kind": "media",
        "reliability_note": "",
    }
    return data | overrides


class EditorTestCase(TestCase):
    def setUp(self):
        self.promise = make_promise(title="Tempat sampah untuk setiap RT")
        PromiseSource.objects.create(promise=self.promise, source=make_source())
        self.indicator = make_indicator(promise=self.promise, unit="unit")
        make_reading(self.indicator)

    def endpoints(self):
        """(url, form data read at the current version), for every write endpoint."""
        promise = lambda: Promise.objects.get(pk=self.promise.pk)  # noqa: E731
        indicator = lambda: Indicator.objects.get(pk=self.indicator.pk)  # noqa: E731
        return [
            (reverse("promises:promise_status", args=[self.promise.pk]), lambda: status_data(promise())),
            (reverse("promises:indicator_reading", args=[self.indicator.slug]), lambda: reading_data(indicator())),
            (reverse("promises:source_add"), source_data),
            (reverse("promises:promise_text", args=[self.promise.pk]), lambda: text_data(promise())),
        ]


class PermissionMatrixTests(EditorTestCase):
    def test_anonymous_writes_are_sent_to_login_and_change_nothing(self):
        before = snapshot()
        for url, data in self.endpoints():
            data = data()
            response = self.client.post(url, data)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        assert snapshot() == before

    def test_a_logged_in_user_without_permission_is_forbidden_and_changes_nothing(self):
        self.client.force_login(make_user("pembaca"))
        before = snapshot()
        for url, data in self.endpoints():
            data = data()
            assert self.client.post(url, data).status_code == 403, url
        assert snapshot() == before

    def assert_every_write_endpoint_works_for(self, user):
        self.client.force_login(user)
        for url, data in self.endpoints():
            data = data()
            assert self.client.post(url, data).status_code == 302, url
        assert StatusChange.objects.get().editor == user
        assert Reading.objects.count() == 2
        assert Reading.objects.latest("pk").created_by == user
        assert Source.objects.get(outlet="Media Kupang").created_by == user
        promise = Promise.objects.get(pk=self.promise.pk)
        assert (promise.status, promise.opd, promise.updated_by) == ("dalam_proses", "DLHK Kota Kupang", user)

    def test_an_editor_may_use_every_write_endpoint(self):
        self.assert_every_write_endpoint_works_for(make_editor())

    def test_an_admin_may_use_every_write_endpoint(self):
        self.assert_every_write_endpoint_works_for(make_admin_user())

    def test_writes_only_accept_post(self):
        self.client.force_login(make_editor())
        for url, _data in self.endpoints():
            assert self.client.get(url).status_code == 405, url


class StatusEditTests(EditorTestCase):
    def setUp(self):
        super().setUp()
        self.editor = make_editor()
        self.client.force_login(self.editor)
        self.url = reverse("promises:promise_status", args=[self.promise.pk])

    def test_an_htmx_status_change_answers_with_the_updated_badge_and_timeline(self):
        response = self.client.post(self.url, status_data(self.promise), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text
        assert 'id="janji"' in response.text
        assert "status-dalam_proses" in response.text
        assert "Kontainer mulai dibagikan ke RT." in response.text
        change = StatusChange.objects.get()
        assert change.editor == self.editor
        assert change.created_at is not None

    def test_a_plain_post_redirects_back_to_the_promise(self):
        response = self.client.post(self.url, status_data(self.promise))
        assert response.status_code == 302
        assert response["Location"] == self.promise.get_absolute_url()

    def test_a_new_source_pasted_in_the_form_is_created_linked_and_cited(self):
        data = status_data(
            self.promise,
            sources=[],
            new_url="https://kupang.example/baru",
            new_outlet="Pos Uji",
            new_headline="RT menerima kontainer",
            new_kind="media",
            new_published="2025-09-03",
        )
        self.client.post(self.url, data)
        source = Source.objects.get(url="https://kupang.example/baru")
        assert source.created_by == self.editor
        assert list(StatusChange.objects.get().sources.all()) == [source]
        assert self.promise.source_links.filter(source=source).exists()

    def test_a_pasted_url_that_exists_reuses_that_source(self):
        existing = self.promise.source_links.first().source
        before = Source.objects.count()
        self.client.post(
            self.url, status_data(self.promise, sources=[], new_url=existing.url.upper().replace("HTTPS", "https"))
        )
        assert Source.objects.count() == before

    def test_a_stale_form_is_refused_shows_what_changed_and_keeps_the_input(self):
        loaded = status_data(self.promise)
        self.client.post(self.url, status_data(self.promise, reason="Disimpan lebih dulu oleh editor lain."))
        before = snapshot()
        response = self.client.post(
            self.url, loaded | {"status": "ditepati", "reason": "Alasan saya sendiri"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "sudah diubah orang lain" in response.text
        assert "Disimpan lebih dulu oleh editor lain." in response.text
        assert "Alasan saya sendiri" in response.text
        assert snapshot() == before

    @time_machine.travel(JUST_AFTER_MIDNIGHT_IN_KUPANG, tick=False)
    def test_bad_input_gets_a_clear_message_and_changes_nothing(self):
        before = snapshot()
        cases = [
            ({"reason": "  "}, "tidak boleh kosong"),
            ({"status": "hampir"}, "bukan salah satu dari pilihan"),
            ({"status": "ditepati", "verification": ""}, "Pilih tingkat verifikasi"),
            ({"sources": []}, "minimal satu sumber"),
            ({"reason": "x" * 2001}, "2000"),
            ({"sources": [], "new_url": "javascript:alert(1)"}, "http:// atau https://"),
            (
                {
                    "sources": [],
                    "new_url": "https://a.example/x",
                    "new_outlet": "A",
                    "new_headline": "B",
                    "new_published": (TODAY_IN_KUPANG + timedelta(days=3)).isoformat(),
                },
                "masa depan",
            ),
        ]
        for overrides, message in cases:
            response = self.client.post(
                self.url, status_data(self.promise, **overrides), headers={"HX-Request": "true"}
            )
            assert response.status_code == 200, overrides
            assert message in response.text, (overrides, message)
        assert snapshot() == before

    def test_html_in_a_reason_is_stored_as_text_and_escaped_on_output(self):
        self.client.post(self.url, status_data(self.promise, reason="<script>alert(1)</script> <b>tebal</b>"))
        assert StatusChange.objects.get().reason == "<script>alert(1)</script> <b>tebal</b>"
        response = self.client.get(self.promise.get_absolute_url())
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text

    def test_a_status_change_costs_a_fixed_number_of_queries(self):
        data = status_data(self.promise)
        with self.assertNumQueries(37 + 3 * CACHE_SET_QUERIES):
            # the request:
            # * the session
            # * the editor
            # * the editor's own permissions
            # * the permissions of the editor's groups
            # the write:
            # * the promise
            # * the chosen sources, among the promise's (the form's check)
            # * a savepoint (services.record_status_change)
            # * a savepoint (services.change_status)
            # * the promise's current status
            # * the promise's next version, with its new status and verification
            # * the slugs of its indicators (their pages show the promise: they are invalidated with it)
            # * the history row
            # * the history row's sources so far (sources.set)
            # * which of the chosen sources it has already
            # * its links to the chosen sources
            # * the promise, refreshed
            # * the release of change_status's savepoint
            # * the release of record_status_change's savepoint
            # the answer, the promise's fragment as the database now holds it:
            # * the promise with sector, administration, programme and the source it was made in
            # * its source links with their sources
            # * how many log entries it has (the history's pager)
            # * one page of them: pk and date
            # * the fingerprints of their rows (promises/fragments.py)
            # * the rows not kept (the new one at least): those entries with their editors, and their sources
            # * the claim items that name it
            # * the status form's source choices (the promise's sources)
            # * its indicators, their figures (what a card reads) with their sources' outlets, and the editors'
            #   conflict marks on them
            # * how many readers' reports about it are waiting
            # and apart from those, new versions for the pages it is on (promises/cache.py): the list pages,
            # the promise's and its indicator's (3 × CACHE_SET_QUERIES); every other page stays cached
            response = self.client.post(self.url, data, headers={"HX-Request": "true"})
        assert 'class="saved"' in response.text


class ReadingEditTests(EditorTestCase):
    def setUp(self):
        super().setUp()
        self.editor = make_editor()
        self.client.force_login(self.editor)
        self.url = reverse("promises:indicator_reading", args=[self.indicator.slug])

    def test_an_htmx_reading_answers_with_the_updated_ledger(self):
        response = self.client.post(
            self.url, reading_data(self.indicator, value="1347"), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert 'id="indikator"' in response.text
        assert "1.347 unit" in response.text
        reading = Reading.objects.get(value=Decimal(1347))
        assert reading.created_by == self.editor

    @time_machine.travel(JUST_AFTER_MIDNIGHT_IN_KUPANG, tick=False)
    def test_bad_readings_get_clear_messages_and_change_nothing(self):
        before = snapshot()
        future = (TODAY_IN_KUPANG + timedelta(days=1)).isoformat()
        cases = [
            ({"value": "-5"}, "lebih besar dari atau sama dengan 0"),
            ({"as_of": future}, "masa depan"),
            ({"counts": "kira-kira"}, "bukan salah satu dari pilihan"),
            ({"value": "10", "value_max": "5"}, "Nilai maksimum"),
            ({"source": "", "new_url": ""}, "Pilih sumber"),
            ({"value": "abc"}, "bilangan"),
        ]
        for overrides, message in cases:
            response = self.client.post(
                self.url, reading_data(self.indicator, **overrides), headers={"HX-Request": "true"}
            )
            assert response.status_code == 200
            assert message.lower() in response.text.lower(), (overrides, message)
        assert snapshot() == before

    def test_a_reading_is_recorded_as_the_source_says_it_a_month_a_period_and_a_qualifier(self):
        data = reading_data(
            self.indicator,
            value="162",
            qualifier="setidaknya",
            as_of="2025-08-20",
            as_of_precision="month",
            period_start="2025-07-05",
            measure="period",
        )
        response = self.client.post(self.url, data, headers={"HX-Request": "true"})
        assert 'class="saved"' in response.text
        reading = Reading.objects.get(value=Decimal(162))
        assert (reading.as_of, reading.period_start, reading.measure) == (date(2025, 8, 1), date(2025, 7, 1), "period")
        assert "setidaknya 162 unit" in response.text
        assert "Juli–Agustus 2025" in response.text

    def test_a_period_without_its_start_is_refused(self):
        before = snapshot()
        response = self.client.post(
            self.url, reading_data(self.indicator, measure="period"), headers={"HX-Request": "true"}
        )
        assert "Isi awal periode" in response.text
        assert snapshot() == before

    def test_a_stale_reading_form_is_refused_and_keeps_the_input(self):
        loaded = reading_data(self.indicator)
        self.client.post(self.url, reading_data(self.indicator, value="900"))
        before = snapshot()
        response = self.client.post(self.url, loaded | {"value": "921"}, headers={"HX-Request": "true"})
        assert "sudah diubah orang lain" in response.text
        assert 'value="921"' in response.text
        assert snapshot() == before

    def test_the_editors_figure_choices_are_the_loaded_figures_and_still_checked_on_save(self):
        make_reading(
            self.indicator,
            value=Decimal(5),
            as_of=date(2025, 3, 1),
            withdrawn_at=timezone.now(),
            withdrawal_reason="Salah.",
        )
        page = self.client.get(self.indicator.get_absolute_url()).text
        ledger = list(self.indicator.readings.select_related("source").order_by("as_of", "pk"))
        labels = [
            f'<option value="{r.pk}">{r.as_of_label} · {reading_value(r)} · {r.get_counts_display()} · '
            f"{r.source.outlet}</option>"
            for r in ledger
        ]
        # each figure in the two conflict-mark selects, and in the correction's unless it is withdrawn
        assert [page.count(label) for label in labels] == [2 if r.withdrawn_at else 3 for r in ledger]
        other = make_reading(make_indicator(promise=self.indicator.promise), value=Decimal(7))
        response = self.client.post(
            reverse("promises:indicator_fix", args=[self.indicator.slug]),
            {"version": self.indicator.version, "reading": other.pk, "action": "tarik", "reason": "Salah."},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and "Masukkan pilihan yang valid" in response.text
        other.refresh_from_db()
        assert other.withdrawn_at is None

    def test_adding_a_reading_costs_a_fixed_number_of_queries_however_many_figures_it_already_has(self):
        # figures of its own, each from another source and one withdrawn, and a conflict mark, so that a query per
        # figure, per source or per mark would change the count
        for value in range(1, 13):
            make_reading(self.indicator, value=Decimal(value * 100))
        Reading.objects.filter(pk=make_reading(self.indicator, value=Decimal(5)).pk).update(
            withdrawn_at=timezone.now(), withdrawal_reason="Salah ketik."
        )
        first, second = self.indicator.readings.order_by("pk")[:2]
        ConflictMark.objects.create(
            indicator=self.indicator, first=first, second=second, conflicting=True, reason="Uji."
        )
        data = reading_data(self.indicator)
        with self.assertNumQueries(24 + 3 * CACHE_SET_QUERIES):
            # the request:
            # * the session
            # * the editor
            # * the editor's own permissions
            # * the permissions of the editor's groups
            # the write:
            # * the indicator
            # * the chosen source, among the indicator's (the form's check)
            # * a savepoint (services.add_reading)
            # * the indicator's next version
            # * its slug and promise (the pages it is on)
            # * the reading
            # * the indicator, refreshed
            # * the release of the savepoint
            # the answer, the indicator's fragment as the database now holds it:
            # * the indicator with promise, sector, and its target and baseline sources
            # * its readings with their sources
            # * the editors' conflict marks on it
            # * the reading form's source choices (the indicator's sources)
            # (the conflict-mark and correction forms' figure choices are the readings loaded above: no query;
            # they were three)
            # and apart from those, new versions for the pages it is on: the list pages, the indicator's and its
            # promise's (3 × CACHE_SET_QUERIES); every other page stays cached
            response = self.client.post(self.url, data, headers={"HX-Request": "true"})
        assert 'class="saved"' in response.text


class PromiseTextEditTests(EditorTestCase):
    def setUp(self):
        super().setUp()
        self.editor = make_editor()
        self.client.force_login(self.editor)
        self.url = reverse("promises:promise_text", args=[self.promise.pk])

    def test_an_editor_changes_the_texts_and_who_and_when_are_recorded(self):
        response = self.client.post(self.url, text_data(self.promise), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "DLHK Kota Kupang" in response.text
        promise = Promise.objects.get(pk=self.promise.pk)
        assert (promise.opd, promise.updated_by, promise.version) == ("DLHK Kota Kupang", self.editor, 2)
        assert promise.status == "belum_dinilai"

    def test_a_stale_text_form_is_refused_and_keeps_the_input(self):
        loaded = text_data(self.promise)
        self.client.post(self.url, text_data(self.promise, title="Judul dari editor pertama"))
        before = snapshot()
        response = self.client.post(self.url, loaded | {"opd": "OPD dari editor kedua"}, headers={"HX-Request": "true"})
        assert "sudah diubah orang lain" in response.text
        assert "Judul dari editor pertama" in response.text
        assert 'value="OPD dari editor kedua"' in response.text
        assert snapshot() == before

    def test_an_empty_title_is_refused_and_changes_nothing(self):
        before = snapshot()
        response = self.client.post(self.url, text_data(self.promise, title="  "), headers={"HX-Request": "true"})
        assert "tidak boleh kosong" in response.text
        assert snapshot() == before


class SourceEditTests(EditorTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(make_editor())
        self.url = reverse("promises:source_add")

    def test_a_new_source_is_stored_with_its_url_normalised(self):
        self.client.post(self.url, source_data())
        assert Source.objects.filter(url="https://kupang.example/berita-baru").exists()

    def test_an_existing_url_points_to_the_existing_source(self):
        self.client.post(self.url, source_data())
        before = Source.objects.count()
        response = self.client.post(
            self.url, source_data(url="HTTPS://KUPANG.example/berita-baru/"), headers={"HX-Request": "true"}
        )
        assert Source.objects.count() == before
        assert "sudah ada" in response.text

    def test_a_non_http_url_is_refused(self):
        before = Source.objects.count()
        for url in ["javascript:alert(1)", "ftp://kupang.example/a", "data:text/html,hi"]:
            response = self.client.post(self.url, source_data(url=url), headers={"HX-Request": "true"})
            assert response.status_code == 200
            assert 'class="error"' in response.text
        assert Source.objects.count() == before


class VisibilityTests(EditorTestCase):
    def test_anonymous_visitors_see_no_edit_control(self):
        for url in [self.promise.get_absolute_url(), self.indicator.get_absolute_url(), reverse("promises:sources")]:
            text = self.client.get(url).text
            for control in ["Ubah status", "Tambah angka", "Tambah sumber", "hx-post", "csrfmiddlewaretoken"]:
                assert control not in text, (url, control)

    def test_editors_see_the_edit_controls_with_the_csrf_token_for_htmx(self):
        self.client.force_login(make_editor())
        text = self.client.get(self.promise.get_absolute_url()).text
        assert "Ubah status" in text
        assert 'hx-headers=\'{"X-CSRFToken": "' in text


class CsrfTests(EditorTestCase):
    def test_a_post_without_the_csrf_token_is_refused(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(make_editor())
        before = snapshot()
        for url, data in self.endpoints():
            assert client.post(url, data()).status_code == 403, url
        assert snapshot() == before


class RaceTests(TransactionTestCase):
    """Two editors save the same promise from the same version at the same moment."""

    def test_exactly_one_of_two_concurrent_saves_wins(self):
        from promises import services

        promise = make_promise()
        sources = [make_source(), make_source()]
        barrier = threading.Barrier(2)
        results = []

        def save(i):
            try:
                barrier.wait()
                services.change_status(
                    Promise.objects.get(pk=promise.pk),
                    expected_version=1,
                    status="dalam_proses",
                    verification="dikonfirmasi_media",
                    reason=f"editor {i}",
                    sources=[sources[i]],
                )
                results.append("won")
            except services.Stale:
                results.append("conflict")
            finally:
                connection.close()

        if connection.vendor == "sqlite":
            # SQLite's in-memory test database is per-connection: the two saves run one after the other
            barrier = threading.Barrier(1)
            save(0)
            save(1)
        else:
            threads = [threading.Thread(target=save, args=(i,)) for i in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert sorted(results) == ["conflict", "won"]
        promise.refresh_from_db()
        assert promise.version == 2
        assert StatusChange.objects.filter(promise=promise).count() == 1


class InvisibleCharacterTests(EditorTestCase):
    """Right-to-left overrides and zero-width characters never reach the database (red-team L9)."""

    def setUp(self):
        super().setUp()
        self.client.force_login(make_editor())

    def test_every_editor_form_refuses_them_with_a_message_naming_the_character(self):
        before = snapshot()
        posts = [
            (reverse("promises:source_add"), source_data(headline="Judul \u202eterbalik")),
            (reverse("promises:source_add"), source_data(url="https://evil.example/\u202eabc")),
            (reverse("promises:promise_text", args=[self.promise.pk]), text_data(self.promise, opd="Dinas\u200b")),
            (
                reverse("promises:indicator_reading", args=[self.indicator.slug]),
                reading_data(self.indicator, note="\ufeffcatatan"),
            ),
        ]
        for url, data in posts:
            response = self.client.post(url, data, headers={"HX-Request": "true"})
            assert response.status_code == 200, url
            assert "karakter tak terlihat atau pengubah arah tulisan" in response.text, url
        assert snapshot() == before

    def test_the_admin_refuses_them_too(self):
        from .helpers import make_user

        self.client.force_login(make_user("super", superuser=True))
        url = reverse("admin:promises_sector_add")
        response = self.client.post(url, {"slug": "uji", "name": "Bidang\u202e", "order": 0})
        assert response.status_code == 200
        assert "U+202E" in response.text

    def test_text_people_typed_is_shown_isolated_from_its_surroundings(self):
        self.client.logout()
        page = self.client.get(self.promise.get_absolute_url()).text
        assert '<h1 dir="auto" lang="id">' in page
        assert 'rel="noopener nofollow" dir="auto" lang="id">' in self.client.get(reverse("promises:sources")).text


class NoRiskyDefaultsTests(EditorTestCase):
    """What is counted and who said it are chosen, never preselected; a long pasted reason is not cut silently."""

    def setUp(self):
        super().setUp()
        self.client.force_login(make_editor())

    def test_the_reading_form_preselects_neither_what_is_counted_nor_who_said_it(self):
        page = self.client.get(self.indicator.get_absolute_url()).text
        for name in ("counts", "said_by"):
            select = page[page.index(f'name="{name}"') :]
            select = select[: select.index("</select>")]
            assert "selected" in select.split("</option>")[0], name  # the empty "— pilih —" comes first
        before = snapshot()
        response = self.client.post(
            reverse("promises:indicator_reading", args=[self.indicator.slug]),
            reading_data(self.indicator, counts="", said_by=""),
            headers={"HX-Request": "true"},
        )
        assert response.text.count("Bidang ini tidak boleh kosong.") >= 2
        assert snapshot() == before

    def test_a_reason_longer_than_the_limit_is_refused_with_a_message_not_cut_by_the_browser(self):
        page = self.client.get(self.promise.get_absolute_url()).text
        reason = page[page.index('name="reason"') - 200 : page.index('name="reason"') + 200]
        assert "maxlength" not in reason
        before = snapshot()
        data = status_data(self.promise, reason="x" * 2001)
        response = self.client.post(
            reverse("promises:promise_status", args=[self.promise.pk]), data, headers={"HX-Request": "true"}
        )
        assert "paling banyak 2000 karakter" in response.text
        assert "x" * 2001 in response.text  # the editor's text is still in the form
        assert snapshot() == before


class FigureInputTests(EditorTestCase):
    """A figure's value as it is written here, and its unit without a scale word."""

    def setUp(self):
        super().setUp()
        self.client.force_login(make_editor())
        self.url = reverse("promises:indicator_reading", args=[self.indicator.slug])

    def test_a_value_written_the_indonesian_way_is_read_as_people_mean_it(self):
        for typed, meant in [
            ("1.300", 1300),
            ("23.000", 23000),
            ("1.300,5", Decimal("1300.5")),
            ("2,5", Decimal("2.5")),
        ]:
            response = self.client.post(
                self.url, reading_data(self.indicator, value=typed), headers={"HX-Request": "true"}
            )
            assert 'class="saved"' in response.text, typed
            self.indicator.refresh_from_db()
            assert Reading.objects.filter(indicator=self.indicator, value=Decimal(meant)).exists(), typed

    def test_a_unit_with_a_scale_word_is_refused_and_nothing_is_saved(self):
        before = snapshot()
        response = self.client.post(
            self.url,
            reading_data(self.indicator, value="3", unit="miliar rupiah"),
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert "Satuan tidak boleh memuat “miliar”" in response.text
        assert snapshot() == before
