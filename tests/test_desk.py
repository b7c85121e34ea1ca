"""The editors' desk and what an article needs: one save records everything an article says, or nothing;
verdicts wait for a second editor; a recheck is not a status change; figures are corrected, never deleted."""

from datetime import date, timedelta

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from promises import services
from promises.models import Indicator, LogEntry, Promise, PromiseSource, Reading, Source, StatusChange, StatusProposal

from .helpers import (
    default_administration,
    make_admin_user,
    make_editor,
    make_indicator,
    make_promise,
    make_reading,
    make_source,
    make_user,
    snapshot,
)

DESK = reverse("promises:desk")
ARTICLE = (
    "Pada Kamis (14/8/2025) Wali Kota menyebut Pemkot Kupang telah mengadakan 1.300 kontainer sampah untuk RT. "
    "Perputaran uang di Saboak mencapai lebih dari Rp200 juta setiap akhir pekan."
)


def article(**overrides) -> dict:
    """A desk POST for a new source with no rows yet."""
    data = {
        "url": "https://berita.example/kontainer-baru?utm_source=wa",
        "outlet": "Media Uji",
        "headline": "Pemkot bagikan kontainer sampah",
        "kind": "media",
        "published": "2025-08-15",
        "published_precision": "day",
        "reliability": "biasa",
        "summary": "Pemkot menyebut jumlah kontainer sampah yang sudah diadakan.",
        "dimuat": timezone.now().isoformat(),
        "n-janji": "0",
        "n-angka": "0",
        "n-status": "0",
    }
    return data | overrides


def with_rows(data: dict, kind: str, rows: list[dict]) -> dict:
    data = dict(data)
    data[f"n-{kind}"] = str(len(rows))
    for i, row in enumerate(rows):
        data |= {f"{kind}-{i}-{name}": value for name, value in row.items()}
    return data


def reading_row(indicator, **overrides) -> dict:
    row = {
        "indicator": str(indicator.pk),
        "value": "1300",
        "unit": indicator.unit,
        "as_of": "2025-08-14",
        "counts": "procured",
        "said_by": "wali_kota",
    }
    return row | overrides


class DeskTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.administration = default_administration()
        cls.promise = make_promise(code="CP-1", title="Tempat sampah untuk setiap RT")
        cls.other = make_promise(code="CP-2", title="Pusat ekonomi Saboak untuk UMKM")
        cls.indicator = make_indicator(promise=cls.promise, name="Kontainer sampah untuk RT", unit="kontainer")
        cls.editor = make_editor()
        cls.second = make_editor("editor-kedua")

    def setUp(self):
        self.client.force_login(self.editor)


class DeskPageTests(DeskTestCase):
    def test_the_desk_shows_the_government_and_term_and_asks_for_the_article(self):
        response = self.client.get(DESK)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Pemerintah Kota Uji · Wali Kota Kepala Uji" in page
        assert "menjabat sejak 20 Februari 2025" in page
        assert 'name="url"' in page and "Simpan semua" in page

    def test_the_desk_costs_the_same_queries_with_one_row_or_twenty(self):
        for n in range(10):
            make_promise(title=f"Janji tambahan {n}")
        one = with_rows(article(tambah="angka"), "angka", [reading_row(self.indicator)])
        twenty = with_rows(article(tambah="angka"), "angka", [reading_row(self.indicator)] * 20)
        with self.assertNumQueries(9):
            # session, user, two permission lookups, the administration, its indicators (figure rows need no
            # promise list), whether the pasted URL is a known source, for a new one whether its headline is
            # recorded under another address, and the open readers' reports (the editor bar)
            self.client.post(DESK, one)
        with self.assertNumQueries(9):
            self.client.post(DESK, twenty)

    def test_an_empty_desk_does_not_list_the_promises_or_indicators_however_many_there_are(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(DESK)
        for n in range(30):
            make_promise(title=f"Janji tambahan {n}")
        with CaptureQueriesContext(connection) as many:
            self.client.get(DESK)
        tables = " ".join(query["sql"] for query in many.captured_queries)
        assert len(few) == len(many) == 6
        assert '"promises_promise"' not in tables and '"promises_indicator"' not in tables

    def test_adding_removing_and_suggesting_rows_writes_nothing(self):
        before = snapshot()
        added = self.client.post(DESK, article(tambah="janji"))
        assert 'name="janji-0-promise"' in added.content.decode()
        removed = self.client.post(DESK, with_rows(article(hapus="janji-0"), "janji", [{"promise": ""}]))
        assert 'name="janji-0-promise"' not in removed.content.decode()
        self.client.post(DESK, article(text=ARTICLE, periksa="1"))
        self.client.post(DESK, article(text=ARTICLE, pilih="1", **{"saran-angka": ["0"]}))
        assert snapshot() == before

    def test_ticked_figures_in_the_pasted_text_become_prefilled_rows_in_one_click(self):
        page = self.client.post(DESK, article(text=ARTICLE, periksa="1")).content.decode()
        assert "1.300 kontainer" in page and "lebih dari Rp200 juta" in page
        assert 'name="saran-angka" value="0"' in page and 'name="saran-angka" value="1"' in page
        used = self.client.post(DESK, article(text=ARTICLE, pilih="1", **{"saran-angka": ["0", "1"]})).content.decode()
        assert 'name="angka-0-value" value="1300"' in used and 'name="angka-1-value" value="200000000"' in used
        assert f'<option value="{self.indicator.pk}" selected>' in used  # the indicator that shares the words
        assert 'name="angka-0-as_of" value="2025-08-14"' in used
        row = used.split('name="angka-0-counts"')[1].split("</select>")[0]
        assert '<option value="procured" selected>' in row  # "telah mengadakan 1.300 kontainer"
        row = used.split('name="angka-1-counts"')[1].split("</select>")[0]
        assert '<option value="used" selected>' in row  # "perputaran uang ... lebih dari Rp200 juta"

    def test_what_a_suggested_figure_counts_is_shown_with_the_word_that_says_so(self):
        page = self.client.post(DESK, article(text=ARTICLE, periksa="1")).content.decode()
        assert "diadakan (dari kata “mengadakan”)" in " ".join(page.replace('<span class="meta">', "").split())

    def test_the_suggestions_fold_away_once_rows_are_added_and_open_again_in_one_click(self):
        page = self.client.post(DESK, article(text=ARTICLE, periksa="1")).content.decode()
        assert "<details open><summary>" in page.split('id="saran-h"')[1]
        used = self.client.post(DESK, article(text=ARTICLE, pilih="1", **{"saran-angka": ["0"]})).content.decode()
        suggestions = used.split('id="saran-h"')[1]
        offered = suggestions.count("<li>")
        assert "<details><summary>" in suggestions and f"{offered} saran (tampilkan / sembunyikan)" in suggestions

    def test_a_figure_with_no_word_for_what_it_counts_leaves_the_choice_to_the_editor(self):
        text = "Pemkot Kupang menyebut angka 1.300 kontainer sampah pada Kamis (14/8/2025)."
        used = self.client.post(DESK, article(text=text, pilih="1", **{"saran-angka": ["0"]})).content.decode()
        row = used.split('name="angka-0-counts"')[1].split("</select>")[0]
        assert 'value="" selected>— pilih —' in row

    def test_a_figure_dated_only_by_the_article_takes_the_dateline_with_the_year_of_the_url(self):
        text = "KUPANG - Kamis (14/8) Wali Kota menyebut Pemkot telah mengadakan 1.300 kontainer sampah."
        url = "https://berita.example/2025/08/kontainer.html"
        used = self.client.post(DESK, article(url=url, text=text, pilih="1", **{"saran-angka": ["0"]})).content.decode()
        assert 'name="angka-0-as_of" value="2025-08-14"' in used

    def test_ticking_nothing_or_a_suggestion_already_in_a_row_adds_no_row(self):
        page = self.client.post(DESK, article(text=ARTICLE, pilih="1")).content.decode()
        assert 'name="angka-0-value"' not in page and 'name="janji-0-promise"' not in page
        once = with_rows(article(text=ARTICLE, pilih="1", **{"saran-angka": ["0"]}), "angka", [{"value": "1300"}])
        again = self.client.post(DESK, once).content.decode()
        assert 'name="angka-1-value"' not in again
        assert "sudah ada di baris" in again

    def test_who_gives_the_article_s_figures_is_chosen_once_and_starts_every_new_figure_row(self):
        chosen = article(text=ARTICLE, pilih="1", said_by="wali_kota", **{"saran-angka": ["0"]})
        used = self.client.post(DESK, chosen).content.decode()
        assert '<option value="wali_kota" selected>' in used.split('name="angka-0-said_by"')[1].split("</select>")[0]
        added = self.client.post(DESK, article(tambah="angka", said_by="dprd")).content.decode()
        assert '<option value="dprd" selected>' in added.split('name="angka-0-said_by"')[1].split("</select>")[0]
        plain = self.client.post(DESK, article(tambah="angka")).content.decode()
        assert 'value="" selected>— pilih —' in plain.split('name="angka-0-said_by"')[1].split("</select>")[0]

    def test_ticked_promises_the_text_talks_about_are_linked_in_one_click_and_need_no_note(self):
        page = self.client.post(DESK, article(text=ARTICLE, periksa="1")).content.decode()
        assert f'name="saran-janji" value="{self.other.pk}"' in page
        linked = self.client.post(
            DESK, article(text=ARTICLE, pilih="1", **{"saran-janji": [str(self.other.pk)]})
        ).content.decode()
        assert f'<option value="{self.other.pk}" selected>' in linked
        saved = self.client.post(
            DESK, with_rows(article(simpan="1"), "janji", [{"promise": str(self.other.pk), "note": ""}])
        )
        assert saved.status_code == 302
        assert PromiseSource.objects.get(promise=self.other).note == ""

    def test_a_suggestion_this_source_already_has_is_marked_and_cannot_be_ticked_again(self):
        source = make_source(url="https://berita.example/kontainer-baru")
        PromiseSource.objects.create(promise=self.other, source=source, note="")
        make_reading(self.indicator, source=source, value=1300)
        page = self.client.post(DESK, article(text=ARTICLE, periksa="1")).content.decode()
        assert page.count("sudah tercatat dari sumber ini") == 2
        assert 'name="saran-angka" value="0"' not in page and 'name="saran-angka" value="1"' in page
        assert f'name="saran-janji" value="{self.other.pk}"' not in page

    def test_a_new_source_s_empty_fields_are_filled_in_from_the_pasted_page_and_said_so(self):
        make_source(url="https://lain.example/a", outlet="Suara-NTT", kind="media")
        text = "Pemkot Bagikan Kontainer ke RT\nKUPANG, Suara-ntt.com - Jumat (17/10/2025) – Pemkot mengadakan 12 unit."
        blank = {name: "" for name in ("outlet", "headline", "kind", "published", "published_precision")}
        page = self.client.post(DESK, article(text=text, periksa="1", **blank)).content.decode()
        assert 'name="outlet" value="Suara-NTT"' in page
        assert 'name="headline" value="Pemkot Bagikan Kontainer ke RT"' in page
        assert 'name="published" value="2025-10-17"' in page
        assert '<option value="media" selected>' in page.split('name="kind"')[1].split("</select>")[0]
        assert "Diisi dari teks artikel, periksa dengan artikelnya: Media / penerbit, Jenis sumber" in page

    def test_who_gives_the_figures_is_filled_in_when_the_text_mostly_quotes_the_mayor_and_said_so(self):
        text = (
            "Pemkot Bagikan Kontainer\nWali Kota Kupang menjelaskan Pemkot telah mengadakan 1.300 kontainer. "
            "“Semua RT dapat,” ujar Wali Kota."
        )
        page = self.client.post(DESK, article(text=text, periksa="1")).content.decode()
        chosen = page.split('name="said_by"')[1].split("</select>")[0]
        assert '<option value="wali_kota" selected>' in chosen
        assert "“Disampaikan oleh” diisi dari teks (“Wali Kota Kupang menjelaskan”)" in page
        rows = self.client.post(DESK, article(text=text, pilih="1", said_by="wali_kota", **{"saran-angka": ["0"]}))
        assert '<option value="wali_kota" selected>' in rows.content.decode().split('name="angka-0-said_by"')[1]
        # the editor's own choice stands, and a text that quotes no one clearly fills in nothing
        typed = self.client.post(DESK, article(text=text, periksa="1", said_by="dprd")).content.decode()
        assert (
            '<option value="dprd" selected>' in typed.split('name="said_by"')[1] and "diisi dari teks (“" not in typed
        )
        plain = self.client.post(DESK, article(text="Pemkot mengadakan 1.300 kontainer.", periksa="1")).content
        assert "diisi dari teks (“" not in plain.decode()
        # with nothing to suggest, the choice and the words that filled it in stand on their own
        quoted = "Wali Kota menjelaskan rencananya. “Kami mulai,” ujar Wali Kota."
        alone = self.client.post(DESK, article(text=quoted, periksa="1")).content.decode()
        assert "Saran dari teks" not in alone and "diisi dari teks (“Wali Kota menjelaskan”)" in alone
        assert '<option value="wali_kota" selected>' in alone.split('name="said_by"')[1].split("</select>")[0]

    def test_what_the_editor_typed_or_a_known_source_is_never_replaced_by_a_guess(self):
        make_source(url="https://lain.example/a", outlet="Suara-NTT", kind="media")
        text = "Judul Lain Dari Halaman Ini\nKUPANG, Suara-ntt.com - Jumat (17/10/2025) – ada 12 unit."
        typed = self.client.post(DESK, article(text=text, periksa="1")).content.decode()
        assert 'name="outlet" value="Media Uji"' in typed and 'name="published" value="2025-08-15"' in typed
        assert 'name="headline" value="Pemkot bagikan kontainer sampah"' in typed
        assert "Diisi dari teks" not in typed
        make_source(url="https://berita.example/kontainer-baru", outlet="Media Lama")
        known = self.client.post(DESK, article(text=text, periksa="1", outlet="", headline="")).content.decode()
        assert "Diisi dari teks" not in known and "Sumber ini sudah tercatat" in known

    def test_a_figure_said_twice_is_offered_once_and_a_span_of_time_not_at_all(self):
        text = (
            "Pemkot Adakan 1.300 Kontainer\nDalam 100 hari kerja, Pemkot telah mengadakan 1.300 kontainer sampah. "
            "Program berjalan enam bulan."
        )
        page = self.client.post(DESK, article(text=text, periksa="1")).content.decode()
        assert page.count('name="saran-angka"') == 1 and "<strong>1.300 Kontainer</strong>" in page
        assert "100 hari" not in page.split('id="saran-h"')[1] and "enam bulan</strong>" not in page

    def test_every_error_of_a_refused_save_is_said_at_once_with_a_word_at_the_top(self):
        before = snapshot()
        empty = self.client.post(DESK, article(simpan="1", reliability="")).content.decode()
        assert "Tambahkan minimal satu baris" in empty and "Wajib diisi untuk sumber baru." in empty
        row = with_rows(article(simpan="1", reliability=""), "janji", [{"promise": str(self.promise.pk)}])
        refused = self.client.post(DESK, row).content.decode()
        top = refused.split('name="url"')[0]
        assert "Belum disimpan: periksa isian yang ditandai di bawah." in top
        assert "Wajib diisi untuk sumber baru." in refused
        assert snapshot() == before

    def test_a_suggestion_not_offered_for_this_text_is_not_added(self):
        stranger = make_promise(code="CP-9", title="Janji yang tidak disebut")
        page = self.client.post(
            DESK,
            article(text=ARTICLE, pilih="1", **{"saran-janji": [str(stranger.pk), "x"], "saran-angka": ["99", "-1"]}),
        ).content.decode()
        assert 'name="janji-0-promise"' not in page and 'name="angka-0-value"' not in page

    def test_a_known_url_shows_the_source_and_everything_recorded_from_it(self):
        source = make_source(url="https://berita.example/lama")
        PromiseSource.objects.create(promise=self.promise, source=source, note="Menyebut 900 kontainer.")
        make_reading(self.indicator, source=source, value=900)
        page = self.client.get(DESK, {"url": "https://berita.example/lama/"}).content.decode()
        assert "Sumber ini sudah tercatat" in page
        assert "Menyebut 900 kontainer." in page and "900 kontainer" in page
        assert 'name="outlet"' not in page  # nothing to type again


class DeskSaveTests(DeskTestCase):
    def test_a_promise_already_linked_with_a_note_is_refused_and_its_note_kept(self):
        first = with_rows(article(simpan="1"), "janji", [{"promise": str(self.other.pk), "note": "Catatan pertama."}])
        assert self.client.post(DESK, first).status_code == 302
        before = snapshot()
        again = with_rows(article(simpan="1"), "janji", [{"promise": str(self.other.pk), "note": "Catatan kedua."}])
        response = self.client.post(DESK, again)
        assert response.status_code == 200
        assert "sudah ditautkan ke sumber ini dengan catatan “Catatan pertama.”" in response.content.decode()
        assert snapshot() == before  # the note kept, no second "Sumber baru untuk janji" in the log

    def test_one_save_records_the_source_a_link_two_figures_and_a_status_change(self):
        data = article(simpan="1")
        data = with_rows(data, "janji", [{"promise": str(self.other.pk), "note": "Saboak disebut pusat ekonomi."}])
        data = with_rows(
            data,
            "angka",
            [reading_row(self.indicator), reading_row(self.indicator, value="1347", qualifier="lebih_dari")],
        )
        data = with_rows(
            data,
            "status",
            [
                {
                    "promise": str(self.promise.pk),
                    "status": "dalam_proses",
                    "verification": "klaim_pemerintah",
                    "reason": "Wali Kota menyebut kontainer sudah diadakan.",
                }
            ],
        )
        response = self.client.post(DESK, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        source = Source.objects.get(url="https://berita.example/kontainer-baru")
        assert (source.kind, source.reliability, source.summary) == ("media", "", data["summary"])
        assert source.created_by == self.editor
        assert PromiseSource.objects.get(promise=self.other, source=source).note == "Saboak disebut pusat ekonomi."
        assert sorted(Reading.objects.filter(source=source).values_list("value", "qualifier")) == [
            (1300, ""),
            (1347, "lebih_dari"),
        ]
        self.promise.refresh_from_db()
        assert self.promise.status == "dalam_proses"
        assert list(StatusChange.objects.get(promise=self.promise).sources.all()) == [source]
        kinds = sorted(LogEntry.objects.values_list("kind", flat=True))
        assert kinds == ["angka", "angka", "status", "sumber"]
        assert "Tersimpan: 1 tautan janji, 2 angka, 1 status." in self.client.get(response.url).content.decode()

    def test_a_new_source_without_a_date_is_saved_as_date_unknown(self):
        data = with_rows(
            article(simpan="1", published="", date_unknown="on"),
            "janji",
            [{"promise": str(self.promise.pk), "note": "x"}],
        )
        assert self.client.post(DESK, data).status_code == 302
        source = Source.objects.get()
        assert source.published is None and source.published_note == "tanggal terbit tidak diketahui"

    def test_a_new_source_needs_kind_reliability_and_a_date_or_date_unknown(self):
        before = snapshot()
        data = with_rows(
            article(simpan="1", kind="", reliability="", published=""),
            "janji",
            [{"promise": str(self.promise.pk), "note": "x"}],
        )
        page = self.client.post(DESK, data).content.decode()
        assert page.count("Wajib diisi untuk sumber baru.") == 2
        assert "centang “tanggal tidak diketahui”" in page
        assert snapshot() == before

    def test_one_invalid_row_saves_nothing_and_keeps_every_row(self):
        before = snapshot()
        data = with_rows(article(simpan="1"), "janji", [{"promise": str(self.other.pk), "note": "Saboak."}])
        data = with_rows(data, "angka", [reading_row(self.indicator, counts="")])
        page = self.client.post(DESK, data).content.decode()
        assert 'id="id_angka-0-counts_error">Bidang ini tidak boleh kosong.' in page
        assert 'value="Saboak."' in page
        assert snapshot() == before

    def test_a_save_without_rows_is_refused(self):
        before = snapshot()
        page = self.client.post(DESK, article(simpan="1")).content.decode()
        assert "Tambahkan minimal satu baris" in page
        assert snapshot() == before

    def test_a_figure_from_before_the_term_needs_a_confirmation(self):
        data = with_rows(article(simpan="1"), "angka", [reading_row(self.indicator, as_of="2021-06-01")])
        before = snapshot()
        page = self.client.post(DESK, data).content.decode()
        assert "sebelum masa jabatan Kepala Uji (mulai 20 Februari 2025)" in page
        assert snapshot() == before
        confirmed = with_rows(
            article(simpan="1"), "angka", [reading_row(self.indicator, as_of="2021-06-01", before_term="on")]
        )
        assert self.client.post(DESK, confirmed).status_code == 302
        assert Reading.objects.get().as_of == date(2021, 6, 1)

    def test_an_article_from_before_the_term_needs_a_confirmation(self):
        data = with_rows(
            article(simpan="1", published="2021-03-01"), "janji", [{"promise": str(self.promise.pk), "note": "x"}]
        )
        assert "sebelum masa jabatan" in self.client.post(DESK, data).content.decode()
        assert not Source.objects.exists()

    def test_a_promise_changed_since_the_desk_was_loaded_refuses_the_save_and_a_second_save_goes_through(self):
        loaded = (timezone.now() - timedelta(minutes=5)).isoformat()
        services.update_promise(self.promise, expected_version=1, values={"opd": "DLHK"}, editor=self.second)
        data = with_rows(article(simpan="1", dimuat=loaded), "janji", [{"promise": str(self.promise.pk), "note": "x"}])
        before = snapshot()
        page = self.client.post(DESK, data).content.decode()
        assert "diubah orang lain sejak Anda membuka halaman ini" in page
        assert snapshot() == before
        fresh = page.split('name="dimuat" value="')[1].split('"')[0]
        assert self.client.post(DESK, data | {"dimuat": fresh}).status_code == 302

    def test_adding_a_row_keeps_the_time_the_desk_was_loaded_so_a_change_since_then_is_still_caught(self):
        loaded = (timezone.now() - timedelta(minutes=5)).isoformat()
        page = self.client.post(DESK, article(tambah="janji", dimuat=loaded)).content.decode()
        assert f'name="dimuat" value="{loaded}"' in page

    def test_a_verdict_from_the_desk_waits_for_a_second_editor(self):
        data = with_rows(
            article(simpan="1"),
            "status",
            [
                {
                    "promise": str(self.promise.pk),
                    "status": "ditepati",
                    "verification": "diverifikasi",
                    "reason": "Semua RT.",
                }
            ],
        )
        response = self.client.post(DESK, data)
        assert response.status_code == 302
        self.promise.refresh_from_db()
        assert self.promise.status == "belum_dinilai"
        assert StatusProposal.objects.get().state == "menunggu"
        assert not StatusChange.objects.exists()
        assert "1 putusan menunggu persetujuan editor lain" in self.client.get(response.url).content.decode()

    def test_a_same_status_row_is_refused_unless_marked_rechecked(self):
        data = with_rows(
            article(simpan="1"),
            "status",
            [{"promise": str(self.promise.pk), "status": "belum_dinilai", "reason": "Dicek lagi."}],
        )
        assert "Centang “Diperiksa ulang”" in self.client.post(DESK, data).content.decode()
        data["status-0-recheck"] = "on"
        assert self.client.post(DESK, data).status_code == 302
        assert not StatusChange.objects.exists()
        assert LogEntry.objects.filter(kind="periksa_ulang", promise=self.promise).exists()


class ProposalTests(DeskTestCase):
    def propose(self):
        return services.propose_status(
            self.promise,
            expected_version=self.promise.version,
            status="ditepati",
            verification="diverifikasi",
            reason="Semua RT menerima kontainer.",
            sources=[make_source()],
            editor=self.editor,
        )

    def decide(self, proposal, user, **data):
        self.client.force_login(user)
        values = {
            f"usulan-{proposal.pk}-version": str(Promise.objects.get(pk=self.promise.pk).version),
            f"usulan-{proposal.pk}-decision": "setujui",
            f"usulan-{proposal.pk}-note": "",
        }
        values |= {f"usulan-{proposal.pk}-{key}": value for key, value in data.items()}
        return self.client.post(reverse("promises:proposal_decide", args=[proposal.pk]), values)

    def test_a_proposed_verdict_is_not_public_until_another_editor_approves_it(self):
        proposal = self.propose()
        self.client.logout()
        public = self.client.get(self.promise.get_absolute_url()).content.decode()
        assert "Semua RT menerima kontainer." not in public and "status-ditepati" not in public
        assert self.decide(proposal, self.second).status_code == 302
        change = StatusChange.objects.get()
        assert (change.to_status, change.editor, change.approved_by) == ("ditepati", self.editor, self.second)
        self.client.logout()
        page = self.client.get(self.promise.get_absolute_url()).content.decode()
        assert "disetujui oleh editor-kedua" in page and "oleh editor" in page

    def test_the_proposer_cannot_approve_their_own_verdict(self):
        proposal = self.propose()
        page = self.client.get(self.promise.get_absolute_url()).content.decode()
        assert "Usulan Anda sendiri" in page
        self.decide(proposal, self.editor)
        assert not StatusChange.objects.exists()
        assert StatusProposal.objects.get().state == "menunggu"

    def test_a_rejection_needs_a_reason_and_changes_no_status(self):
        proposal = self.propose()
        self.decide(proposal, self.second, decision="tolak")
        assert StatusProposal.objects.get().state == "menunggu"
        self.decide(proposal, self.second, decision="tolak", note="Sumbernya klaim saja.")
        assert StatusProposal.objects.get().state == "ditolak"
        assert Promise.objects.get(pk=self.promise.pk).status == "belum_dinilai"

    def test_an_approval_from_a_stale_page_is_refused(self):
        proposal = self.propose()
        stale = str(self.promise.version)
        services.update_promise(self.promise, expected_version=self.promise.version, values={"opd": "X"}, editor=None)
        self.decide(proposal, self.second, version=stale)
        assert not StatusChange.objects.exists()

    @override_settings(VERDICTS_NEED_SECOND_EDITOR=False)
    def test_a_one_person_team_can_turn_the_second_editor_off(self):
        result = services.record_status_change(
            self.promise,
            form_data={
                "version": 1,
                "status": "ditepati",
                "verification": "diverifikasi",
                "reason": "Semua RT.",
                "sources": [make_source()],
            },
            editor=self.editor,
        )
        assert isinstance(result, StatusChange)


class RecheckTests(DeskTestCase):
    def post(self, **data):
        values = {
            "version": str(Promise.objects.get(pk=self.promise.pk).version),
            "status": "belum_dinilai",
            "verification": "",
            "reason": "Dicek ke DLHK, belum ada kabar.",
        }
        return self.client.post(reverse("promises:promise_status", args=[self.promise.pk]), values | data)

    def test_a_same_status_save_is_refused_and_changes_nothing(self):
        before = snapshot()
        page = self.post().content.decode()
        assert "Centang “Diperiksa ulang”" in page
        assert snapshot() == before

    def test_a_recheck_updates_last_checked_and_logs_it_without_a_status_change(self):
        assert self.post(recheck="on").status_code == 302
        promise = Promise.objects.get(pk=self.promise.pk)
        assert promise.last_checked == timezone.localdate()
        assert not StatusChange.objects.exists()
        entry = LogEntry.objects.get()
        assert (entry.kind, entry.note) == ("periksa_ulang", "Dicek ke DLHK, belum ada kabar.")
        self.client.logout()
        assert (
            "Diperiksa ulang; statusnya tidak berubah." in self.client.get(reverse("promises:changes")).content.decode()
        )

    def test_a_recheck_with_another_status_is_refused(self):
        before = snapshot()
        assert "Pemeriksaan ulang tidak mengubah status" in self.post(recheck="on", status="tersendat").content.decode()
        assert snapshot() == before


class CorrectionTests(DeskTestCase):
    def fix(self, reading, **data):
        values = {
            "version": str(Indicator.objects.get(pk=self.indicator.pk).version),
            "reading": str(reading.pk),
            "action": "koreksi",
            "reason": "Salah ketik: sumbernya 1.347.",
            "value": "1347",
        }
        return self.client.post(reverse("promises:indicator_fix", args=[self.indicator.slug]), values | data)

    def test_a_corrected_figure_stays_visible_struck_and_the_new_one_counts(self):
        wrong = make_reading(self.indicator, value=1437)
        assert self.fix(wrong).status_code == 302
        wrong.refresh_from_db()
        new = wrong.corrected_by
        assert new.value == 1347 and new.source == wrong.source and wrong.withdrawal_reason.startswith("Salah ketik")
        indicator = Indicator.objects.with_readings().get(pk=self.indicator.pk)
        assert indicator.progress_reading() == new
        self.client.logout()
        page = self.client.get(self.indicator.get_absolute_url()).content.decode()
        assert "<s>1.437 kontainer</s>" in page and "Salah ketik: sumbernya 1.347." in page
        assert LogEntry.objects.get().kind == "koreksi_angka"

    def test_a_withdrawn_figure_no_longer_counts_for_progress(self):
        reading = make_reading(self.indicator, value=900)
        assert self.fix(reading, action="tarik", value="").status_code == 302
        indicator = Indicator.objects.with_readings().get(pk=self.indicator.pk)
        assert indicator.progress_reading() is None
        assert LogEntry.objects.get().kind == "tarik_angka"

    def test_a_correction_without_a_reason_or_from_a_stale_page_changes_nothing(self):
        reading = make_reading(self.indicator)
        before = snapshot()
        self.fix(reading, reason="")
        self.fix(reading, version="99")
        assert snapshot() == before


class CreationTests(DeskTestCase):
    def new_promise(self, **data):
        values = {
            "title": "Lampu jalan di setiap kelurahan",
            "origin": "kampanye",
            "sector": str(self.promise.sector_id),
            "made_where": "Debat kandidat",
            "new_url": "https://berita.example/debat",
            "new_outlet": "Media Uji",
            "new_headline": "Debat kandidat Wali Kota",
            "new_kind": "media",
            "new_date_unknown": "on",
            "success_criteria": "Setiap kelurahan punya lampu jalan yang menyala.",
        }
        return self.client.post(reverse("promises:promise_new"), values | data)

    def test_an_editor_records_a_new_promise_with_its_source_and_it_is_in_the_log(self):
        response = self.new_promise()
        promise = Promise.objects.get(title="Lampu jalan di setiap kelurahan")
        assert response.status_code == 302 and response.url == promise.get_absolute_url()
        assert promise.code == "CP-3" and promise.status == "belum_dinilai"
        assert promise.made_source.url == "https://berita.example/debat"
        assert LogEntry.objects.get(kind="janji_baru").promise == promise

    def test_a_new_promise_needs_its_success_criteria_first(self):
        before = snapshot()
        self.new_promise(success_criteria="")
        assert snapshot() == before

    def test_an_editor_adds_an_indicator_with_a_sourced_target(self):
        source = make_source()
        PromiseSource.objects.create(promise=self.promise, source=source)
        url = reverse("promises:indicator_new", args=[self.promise.pk])
        assert "Indikator baru" in self.client.get(url).content.decode()
        response = self.client.post(
            url,
            {"name": "Truk sampah dengan GPS", "unit": "truk", "target_value": "20", "target_source": str(source.pk)},
        )
        indicator = Indicator.objects.get(name="Truk sampah dengan GPS")
        assert response.status_code == 302 and indicator.target_source == source and indicator.promise == self.promise
        assert LogEntry.objects.get(kind="indikator_baru").indicator == indicator

    def test_a_target_without_a_source_is_refused(self):
        before = snapshot()
        url = reverse("promises:indicator_new", args=[self.promise.pk])
        page = self.client.post(url, {"name": "Truk", "unit": "truk", "target_value": "20"}).content.decode()
        assert "Angka ini perlu sumbernya." in page
        assert snapshot() == before

    def test_a_unit_with_a_scale_word_is_refused_for_a_new_indicator(self):
        before = snapshot()
        url = reverse("promises:indicator_new", args=[self.promise.pk])
        page = self.client.post(url, {"name": "Dana", "unit": "juta rupiah"}).content.decode()
        assert "Satuan tidak boleh memuat “juta”" in page
        assert snapshot() == before


class NewEndpointPermissionTests(DeskTestCase):
    """Anonymous visitors are sent to log in, users without the editor group get 403, editors and admins may;
    a refused request changes nothing."""

    def endpoints(self):
        reading = make_reading(self.indicator)
        proposal = StatusProposal.objects.create(
            promise=self.promise, status="ditepati", verification="diverifikasi", reason="x", proposed_by=self.second
        )
        return [
            ("get", DESK, {}),
            ("post", DESK, with_rows(article(simpan="1"), "janji", [{"promise": str(self.promise.pk), "note": "x"}])),
            ("get", reverse("promises:promise_new"), {}),
            ("post", reverse("promises:promise_new"), {"title": "x"}),
            ("get", reverse("promises:indicator_new", args=[self.promise.pk]), {}),
            ("post", reverse("promises:indicator_new", args=[self.promise.pk]), {"name": "x", "unit": "x"}),
            (
                "post",
                reverse("promises:indicator_fix", args=[self.indicator.slug]),
                {"version": "1", "reading": str(reading.pk), "action": "tarik", "reason": "x"},
            ),
            (
                "post",
                reverse("promises:proposal_decide", args=[proposal.pk]),
                {f"usulan-{proposal.pk}-version": "1", f"usulan-{proposal.pk}-decision": "setujui"},
            ),
        ]

    def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(self):
        self.client.logout()
        endpoints = self.endpoints()
        before = snapshot()
        for method, url, data in endpoints:
            response = getattr(self.client, method)(url, data)
            assert response.status_code == 302 and "/masuk/" in response.url, url
        assert snapshot() == before

    def test_a_user_without_the_editor_group_gets_403_and_changes_nothing(self):
        self.client.force_login(make_user("pembaca"))
        endpoints = self.endpoints()
        before = snapshot()
        for method, url, data in endpoints:
            assert getattr(self.client, method)(url, data).status_code == 403, url
        assert snapshot() == before

    def test_editors_and_admins_may_use_every_new_endpoint(self):
        for user in (self.editor, make_admin_user()):
            self.client.force_login(user)
            for method, url, data in self.endpoints():
                assert getattr(self.client, method)(url, data).status_code in (200, 302), (user, url)

    def test_the_desk_refuses_other_methods(self):
        assert self.client.put(DESK).status_code == 405


class SourcePickerTests(DeskTestCase):
    def test_a_source_added_on_the_sources_page_is_found_chosen_and_linked_from_the_status_form(self):
        other = make_source(outlet="Victory News", headline="Kontainer sampah tiba di kelurahan")
        url = reverse("promises:promise_status", args=[self.promise.pk])
        data = {"version": "1", "status": "dalam_proses", "verification": "dikonfirmasi_media", "reason": "Tiba."}
        before = snapshot()
        page = self.client.post(url, data | {"source_q": "victory kontainer", "cari_sumber": "1"}).content.decode()
        assert snapshot() == before  # a search saves nothing
        assert f'value="{other.pk}"' in page and "Victory News" in page
        assert 'class="error"' not in page  # the form came back for choosing, not with errors
        # the search stays in its box, so the save that follows still offers (and accepts) what it found
        assert (
            self.client.post(url, data | {"source_q": "victory kontainer", "sources": [str(other.pk)]}).status_code
            == 302
        )
        assert PromiseSource.objects.filter(promise=self.promise, source=other).exists()

    def test_a_figure_s_source_is_found_by_its_url_and_linked_to_the_indicator_s_promise(self):
        other = make_source(url="https://kupang.example/berita/kontainer-1347")
        url = reverse("promises:indicator_reading", args=[self.indicator.slug])
        page = self.client.post(
            url, {"version": "1", "source_q": "kontainer-1347", "cari_sumber": "1"}
        ).content.decode()
        assert f'<option value="{other.pk}">' in page
        data = {
            "version": "1",
            "value": "1347",
            "unit": "kontainer",
            "as_of": "2025-08-14",
            "counts": "delivered",
            "said_by": "pemerintah",
            "source": str(other.pk),
            "source_q": "kontainer-1347",
        }
        assert self.client.post(url, data).status_code == 302
        assert PromiseSource.objects.filter(promise=self.promise, source=other).exists()


class IndicatorNoteTests(DeskTestCase):
    def post(self, **data):
        values = {"version": str(Indicator.objects.get(pk=self.indicator.pk).version), "note": "900 dan 1.300 berbeda."}
        return self.client.post(reverse("promises:indicator_note", args=[self.indicator.slug]), values | data)

    def test_an_editor_edits_the_reconciliation_note_and_it_is_in_the_log(self):
        assert self.post().status_code == 302
        assert Indicator.objects.get(pk=self.indicator.pk).note == "900 dan 1.300 berbeda."
        entry = LogEntry.objects.get()
        assert (entry.kind, entry.indicator, entry.note) == (
            "catatan_indikator",
            self.indicator,
            "900 dan 1.300 berbeda.",
        )
        self.client.logout()
        assert "Catatan baru: 900 dan 1.300 berbeda." in self.client.get(reverse("promises:changes")).content.decode()

    def test_a_note_from_a_stale_page_or_without_permission_changes_nothing(self):
        before = snapshot()
        self.post(version="99")
        self.client.force_login(make_user("pembaca"))
        assert self.post().status_code == 403
        assert snapshot() == before


class SameArticleTests(DeskTestCase):
    def test_the_same_article_under_http_or_without_www_is_the_known_source_not_a_second_one(self):
        source = make_source(url="https://www.berita.example/kontainer")
        for pasted in (
            "http://berita.example/kontainer?utm_source=wa&fbclid=abc",
            "https://berita.example/kontainer/",
            "http://www.berita.example/kontainer#isi",
        ):
            page = self.client.post(DESK, article(url=pasted, outlet="", periksa="1")).content.decode()
            assert "Sumber ini sudah tercatat" in page, pasted
            # its link opens another tab: following it never leaves the article half entered
            assert 'class="cite" dir="auto" target="_blank">' in page
        saved = self.client.post(
            DESK,
            with_rows(
                article(url="http://berita.example/kontainer", outlet="", simpan="1"),
                "janji",
                [{"promise": str(self.promise.pk), "note": ""}],
            ),
        )
        assert saved.status_code == 302
        assert Source.objects.filter(url__contains="berita.example/kontainer").count() == 1
        assert PromiseSource.objects.get(promise=self.promise).source == source

    def test_the_mobile_site_and_bloggers_mobile_view_are_the_known_source(self):
        make_source(url="https://www.jejak.example/2025/07/dprd.html")
        for pasted in ("https://m.jejak.example/2025/07/dprd.html?m=1", "http://jejak.example/2025/07/dprd.html?m=0"):
            page = self.client.post(DESK, article(url=pasted, outlet="", periksa="1")).content.decode()
            assert "Sumber ini sudah tercatat" in page, pasted
        page = self.client.post(DESK, article(url="https://jejak.example/2025/07/dprd.html?m=2", periksa="1"))
        assert "Sumber ini sudah tercatat" not in page.content.decode()  # only Blogger's own switch is dropped
        make_source(url="https://m.kabar.example/berita")  # and the other way round: recorded from the mobile site
        page = self.client.post(DESK, article(url="https://kabar.example/berita", outlet="", periksa="1"))
        assert "Sumber ini sudah tercatat" in page.content.decode()

    def test_another_page_of_the_same_site_is_another_source(self):
        make_source(url="https://www.berita.example/kontainer")
        page = self.client.post(DESK, article(url="https://berita.example/kontainer-lain", periksa="1"))
        assert "Sumber ini sudah tercatat" not in page.content.decode()


class KnownSourceDateTests(DeskTestCase):
    URL = "https://berita.example/tanpa-tanggal"

    def setUp(self):
        super().setUp()
        self.source = make_source(url=self.URL, published=None, published_note="tanggal terbit tidak diketahui")

    def save(self, **fields):
        rows = [{"promise": str(self.promise.pk), "note": ""}]
        return self.client.post(DESK, with_rows(article(url=self.URL, simpan="1", **fields), "janji", rows))

    def test_a_known_source_without_a_date_is_offered_the_dateline_and_keeps_it_on_save(self):
        text = "KUPANG - Jumat, 17 Oktober 2025, Pemkot mengadakan 12 unit kontainer."
        page = self.client.post(DESK, article(url=self.URL, text=text, periksa="1", published="")).content.decode()
        assert "Tanggal terbit sumber ini belum tercatat" in page
        assert 'name="published" value="2025-10-17"' in page and "Diisi dari teks artikel" in page
        assert self.save(published="2025-10-17", published_precision="day").status_code == 302
        self.source.refresh_from_db()
        assert (self.source.published, self.source.published_precision, self.source.published_note) == (
            date(2025, 10, 17),
            "day",
            "",
        )

    def test_a_known_source_s_date_is_never_replaced(self):
        Source.objects.filter(pk=self.source.pk).update(published=date(2025, 8, 1), published_note="")
        page = self.client.post(DESK, article(url=self.URL, periksa="1")).content.decode()
        assert "Tanggal terbit sumber ini belum tercatat" not in page
        assert self.save(published="2025-10-17").status_code == 302
        self.source.refresh_from_db()
        assert self.source.published == date(2025, 8, 1)

    def test_a_date_before_the_term_for_a_known_source_asks_for_the_confirmation(self):
        before = snapshot()
        refused = self.save(published="2024-03-01").content.decode()
        assert "sebelum masa jabatan" in refused and snapshot() == before
        assert self.save(published="2024-03-01", before_term="on").status_code == 302
        self.source.refresh_from_db()
        assert self.source.published == date(2024, 3, 1)

    def test_without_a_date_the_known_source_stays_undated_and_the_save_goes_through(self):
        assert self.save(published="", published_precision="").status_code == 302
        self.source.refresh_from_db()
        assert self.source.published is None


class SameHeadlineTests(DeskTestCase):
    def test_a_new_address_with_the_headline_of_a_recorded_source_is_pointed_out_before_saving(self):
        make_source(url="https://www.detik.example/22-janji", outlet="DetikNTT", headline="Wali Kota Penuhi 22 Janji")
        page = self.client.post(
            DESK, article(url="https://lain.example/22-janji", headline="wali kota penuhi 22 janji", periksa="1")
        ).content.decode()
        assert "Judul yang sama sudah tercatat:" in page and "https://www.detik.example/22-janji" in page

    def test_a_new_headline_is_not_pointed_out(self):
        page = self.client.post(DESK, article(url="https://lain.example/baru", headline="Judul baru", periksa="1"))
        assert "Judul yang sama sudah tercatat" not in page.content.decode()


class BeforeTheTermTests(DeskTestCase):
    def test_an_article_from_before_the_term_is_pointed_out_when_it_is_checked(self):
        text = "KUPANG, Jumat (17/3/2023) - Penjabat Wali Kota meminta 20 kelurahan kumuh dibenahi."
        data = article(url="https://lama.example/2023/03/kumuh", text=text, published="", periksa="1")
        page = self.client.post(DESK, data)
        assert "Artikel ini tampaknya dari 17 Maret 2023, sebelum masa jabatan ini" in page.content.decode()

    def test_an_article_from_the_term_is_not(self):
        text = "KUPANG, Kamis (14/8/2025) - Wali Kota memaparkan 100 hari kerja."
        page = self.client.post(DESK, article(url="https://baru.example/2025/08/100-hari", text=text, periksa="1"))
        assert "sebelum masa jabatan ini" not in page.content.decode()
