"""Search over promises, indicators, sources and changes (promises/search.py, /cari/, /janji/?q=, /sumber/).

The audit's queries (reports/ux.md §1.4, F9) run over the real Kupang data; the same tests run on SQLite and,
in CI, on PostgreSQL, where the search goes through to_tsvector/to_tsquery instead of the padded-text filter.
"""

from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils.http import urlencode

from promises import search
from promises.models import Indicator, LogEntry, Promise, Source
from promises.views.search import KINDS

from .helpers import CACHE_SET_QUERIES, make_indicator, make_promise, make_source, rate

WITHOUT_PAGE_CACHE = [m for m in settings.MIDDLEWARE if m != "promises.middleware.PageCacheMiddleware"]
ON_POSTGRESQL = connection.vendor == "postgresql"


def _key(kind: str, row) -> str:
    """How a test names a hit: promise code, indicator slug, source key, or the code of a change's promise."""
    if kind == "janji":
        return row.code
    if kind == "angka":
        return row.slug
    if kind == "sumber":
        return row.key
    return row.promise.code if row.promise_id else f"#{row.pk}"


def found(text: str) -> dict[str, set[str]]:
    """Every hit of every group, through the querysets the search page uses."""
    query = search.parse(text)
    return {kind: {_key(kind, row) for row in rows(query)} for kind, (_title, rows) in KINDS.items()}


class NormalisationTests(TestCase):
    def test_thousands_are_one_word_however_they_are_written(self):
        assert search.words("1347") == search.words("1.347") == search.words("1,347") == ["1347"]
        assert search.words("Rp1.200.000") == ["rp1200000"]

    def test_a_decimal_comma_is_not_a_thousands_separator(self):
        assert search.words("Rp7,5 juta") == ["rp7", "5", "juta"]

    def test_case_accents_and_punctuation_are_folded(self):
        assert search.words("Café «PG-4» (UHC/JKN)") == ["cafe", "pg", "4", "uhc", "jkn"]

    def test_the_stored_text_is_padded_so_a_whole_word_is_a_plain_substring(self):
        assert search.index_text("Satu tempat sampah", "", "RT") == " satu tempat sampah rt "
        assert search.index_text("", "—") == ""

    def test_a_word_of_the_corpus_matches_whole_and_an_unknown_one_as_a_word_start(self):
        query = search.parse("beras sampa", ["beras", "berasal", "sampah"])
        assert query.groups[0] == ((search.Term("beras"),), (search.Term("rice"),))
        assert query.groups[1] == ((search.Term("sampa", prefix=True),),)
        assert query.tsquery() == "(('beras') | ('rice')) & (('sampa':*))"

    def test_an_unknown_short_word_is_not_a_prefix(self):
        assert search.parse("ab", ["abc"]).groups == (((search.Term("ab"),),),)

    def test_a_synonym_phrase_is_found_before_its_single_words(self):
        query = search.parse("tong sampah", ["sampah"])
        assert len(query.groups) == 1
        assert (search.Term("kontainer"),) in query.groups[0]

    def test_a_query_without_words_matches_nothing_and_reads_nothing(self):
        with self.assertNumQueries(0):
            query = search.parse(" -- ")
        assert not query
        assert not search.matching(Promise.objects.all(), query).exists()


class KupangSearchTests(TestCase):
    """The audit's queries over the loaded Kupang data."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_kupang_data", stdout=StringIO())

    # query → {group: hits that must be there}, {group: hits that must not}; every hit checked in kupang.json
    AUDIT = [
        ("tempat sampah", {"janji": {"CP-6", "PG-4", "PG-5", "PG-6", "CP-8"}}, {}),
        ("kontainer", {"janji": {"PG-4", "PG-5", "CP-6"}, "sumber": {"W01", "W12", "W13", "W14"}}, {}),
        ("container", {"janji": {"PG-4", "PG-5", "CP-6"}}, {}),
        ("bak sampah", {"janji": {"PG-4"}}, {}),
        (
            "beras",
            {"janji": {"CP-15"}, "angka": {"bantuan-beras-penerima"}, "sumber": {"G09", "G10"}},
            {"janji": {"PG-4"}},
        ),
        ("JKN", {"angka": {"cakupan-uhc", "kepesertaan-jkn-aktif"}, "janji": {"PG-12"}, "sumber": {"K12"}}, {}),
        ("BPJS", {"janji": {"PG-10", "PG-12"}}, {}),
        ("sekolah", {"janji": {"PG-32"}, "angka": {"penerima-pip"}}, {}),
        ("beasiswa", {"janji": {"PG-32"}, "sumber": {"P12"}}, {}),
        ("PDAM", {"janji": {"PG-26"}, "sumber": {"I04"}, "perubahan": {"PG-26"}}, {}),
        ("air bersih", {"janji": {"PG-26"}}, {}),
        ("1347", {"janji": {"PG-4"}, "angka": {"tempat-sampah-rt"}}, {}),
        ("1.347", {"janji": {"PG-4"}, "angka": {"tempat-sampah-rt"}}, {}),
        ("1,347", {"janji": {"PG-4"}, "angka": {"tempat-sampah-rt"}}, {}),
        ("Widodo", {"sumber": {"W08", "W13", "K12", "T01"}, "perubahan": {"PG-20"}}, {}),
        ("RT", {"janji": {"PG-4", "PG-5", "PG-23"}}, {"janji": {"PG-12", "PG-19", "CP-10"}}),
        ("dana pengaman", {"janji": {"PG-10"}}, {}),
        ("saboak", {"janji": {"CP-16", "PG-22"}}, {}),
        ("sampa", {"janji": {"PG-4", "CP-6"}}, {}),
        ("waste", {"janji": {"PG-4", "PG-5", "PG-6"}}, {}),
        ("garbage", {"janji": {"PG-4"}}, {}),
        ("bins", {"janji": {"PG-4", "PG-5"}}, {}),
        ("rice", {"janji": {"CP-15"}}, {}),
        ("clean water", {"janji": {"PG-26"}}, {}),
        ("scholarship", {"janji": {"PG-32"}}, {}),
    ]

    def test_every_audit_query_finds_what_it_should_and_not_what_it_should_not(self):
        for text, wanted, unwanted in self.AUDIT:
            hits = found(text)
            for kind, keys in wanted.items():
                assert keys <= hits[kind], f"{text!r} in {kind}: missing {keys - hits[kind]}"
            for kind, keys in unwanted.items():
                assert not keys & hits[kind], f"{text!r} in {kind}: false hits {keys & hits[kind]}"

    def test_whole_words_keep_the_false_hits_out(self):
        # "berasal" (PG-4) and "rt" inside "PPPK"/"UHC"-like words were the audit's false hits
        assert found("beras")["janji"] == {"CP-15"}
        assert found("RT")["janji"] == {"PG-4", "PG-5", "PG-23"}
        assert found("tempat sampah")["janji"] == {"CP-6", "CP-8", "PG-4", "PG-5", "PG-6"}

    def test_a_near_miss_gets_a_suggestion_and_a_hit_gets_none(self):
        assert search.parse("sampha").suggestion == "sampah"
        assert search.parse("kontener").suggestion == "kontainer"
        assert search.parse("dana pengamanan").suggestion == "dana pengaman"
        assert search.parse("sampah").suggestion == ""
        assert search.parse("sampa").suggestion == ""  # it begins "sampah": found, nothing to suggest

    def test_the_suggestion_is_the_same_every_time(self):
        words = search.corpus_words()
        assert {search.parse("kontener", list(reversed(words))).suggestion for _ in range(3)} == {"kontainer"}

    def test_the_search_page_shows_the_groups_with_counts_and_links(self):
        response = self.client.get(reverse("promises:search"), {"q": "kontainer"})
        html = response.text
        for title in ("Janji", "Angka program", "Sumber", "Perubahan"):
            assert f">{title} <span" in html, title
        pg4 = Promise.objects.get(code="PG-4")
        assert f'href="{pg4.get_absolute_url()}"' in html
        assert f'href="{Indicator.objects.get(slug="kontainer-besi-kelurahan").get_absolute_url()}"' in html
        [sources] = [g for g in response.context["groups"] if g.kind == "sumber"]
        assert f'href="{sources.items[0].get_absolute_url()}"' in html  # its place on the sources page
        entry = LogEntry.objects.filter(promise=pg4, kind=LogEntry.Kind.STATUS).latest("created_at")
        assert f'href="{entry.get_absolute_url()}"' in html
        assert "?q=kontainer&amp;jenis=sumber" in html  # more sources than the page shows: the whole group

    def test_the_link_to_a_source_lands_on_its_page_of_the_sources_list(self):
        response = self.client.get(reverse("promises:search"), {"q": "Widodo", "jenis": "sumber"})
        source = Source.objects.get(key="W08")
        assert f'href="{source.get_absolute_url()}"' in response.text

    def test_one_group_is_shown_whole_and_paginated(self):
        response = self.client.get(reverse("promises:search"), {"q": "sampah", "jenis": "sumber"})
        assert [g.kind for g in response.context["groups"]] == ["sumber"]
        group = response.context["groups"][0]
        assert group.count > 20 and len(group.items) == 20
        assert "halaman=2" in response.text

    def test_a_near_miss_shows_the_suggestion_and_an_empty_state(self):
        response = self.client.get(reverse("promises:search"), {"q": "sampha"})
        assert "Mungkin maksud Anda:" in response.text
        assert "?q=sampah" in response.text
        assert "Tidak ada hasil untuk “sampha”." in response.text
        assert "?bidang=sampah" in response.text  # something to browse instead

    def test_the_english_site_finds_the_bins_promises_for_waste(self):
        response = self.client.get("/en/cari/", {"q": "waste"})
        assert response.status_code == 200
        assert "Satu tempat sampah untuk setiap RT" in response.text

    def test_the_promise_list_uses_the_same_rule(self):
        response = self.client.get(reverse("promises:list"), {"q": "kontainer"})
        assert "Satu tempat sampah untuk setiap RT" in response.text
        response = self.client.get(reverse("promises:list"), {"q": "beras"})
        assert "Beras 20 kg" in response.text
        assert "Satu tempat sampah untuk setiap RT" not in response.text

    def test_the_sources_page_is_searched_and_filtered(self):
        url = reverse("promises:sources")
        html = self.client.get(url, {"q": "kontainer"}).text
        assert "SERAHKAN 14 Kontainer Sampah" in html
        assert "Dana Pengaman Kesehatan" not in html
        html = self.client.get(url, {"janji": "PG-26"}).text
        assert "Perumda Air Minum Kota Kupang Optimis" in html
        assert "Kontainer Sampah" not in html
        html = self.client.get(url, {"media": "Antara Kupang", "tahun": "2025"}).text
        count = Source.objects.filter(outlet="Antara Kupang", published__year=2025).count()
        assert f"{count} sumber cocok" in html
        undated = Source.objects.filter(published__isnull=True).count()
        assert f"{undated} sumber cocok" in self.client.get(url, {"tahun": "tanpa"}).text

    def test_the_sources_page_names_the_promise_next_to_its_code(self):
        html = self.client.get(reverse("promises:sources"), {"janji": "PG-16"}).text
        assert "Dipakai untuk" in html
        assert "PG-16 <span" in html and "Ina Kasih: pembalut gratis bagi perempuan kurang mampu" in html

    def test_the_migration_fills_what_save_stores(self):
        models = [Promise, Indicator, Source, LogEntry]
        before = {m: dict(m.objects.values_list("pk", "search_text")) for m in models}
        import_module("promises.migrations.0017_search_everywhere").fill(apps, None)
        assert {m: dict(m.objects.values_list("pk", "search_text")) for m in models} == before
        assert all(text for m in models for text in before[m].values())

    @pytest.mark.skipif(not ON_POSTGRESQL, reason="compares PostgreSQL's full-text match with the SQLite filter")
    def test_postgresql_and_the_padded_text_filter_give_the_same_rows(self):
        for text, _wanted, _unwanted in self.AUDIT:
            query = search.parse(text)
            for model in (Promise, Indicator, Source, LogEntry):
                by_tsquery = set(search.matching(model.objects.all(), query).values_list("pk", flat=True))
                by_substring = set(model.objects.filter(query.contains_q()).values_list("pk", flat=True))
                assert by_tsquery == by_substring, (text, model.__name__)

    @pytest.mark.skipif(not ON_POSTGRESQL, reason="the GIN index exists on PostgreSQL only")
    def test_postgresql_searches_through_the_gin_index(self):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        plan = search.matching(Source.objects.all(), search.parse("kontainer")).explain()
        assert "source_search_gin" in plan

    @pytest.mark.skipif(not ON_POSTGRESQL, reason="the stored search vector is PostgreSQL's")
    def test_a_row_is_tested_against_its_stored_vector_without_parsing_its_text(self):
        # walking the latest changes in order and parsing each one's text cost 67 ms at 100x (migration 0019)
        plan = search.matching(LogEntry.objects.order_by("-created_at"), search.parse("kontainer"))[:5].explain()
        assert "search_vector @@" in plan and "to_tsvector" not in plan


@override_settings(MIDDLEWARE=WITHOUT_PAGE_CACHE)
class SearchQueryCountTests(TestCase):
    """What the search page costs, the page cache out of the way."""

    def grow(self, n: int) -> None:
        for i in range(n):
            promise = make_promise(title=f"Tempat sampah uji {i}")
            make_indicator(name=f"Tempat sampah terpasang {i}", promise=promise)
            make_source(headline=f"Tempat sampah baru {i}")
            rate(promise, reason="Tempat sampah diserahkan.")

    def test_the_search_page_costs_ten_queries_however_many_rows_match(self):
        self.grow(2)
        for text, words in [("tempat sampah", 0), ("tempat sampah baru", 1)]:
            url = reverse("promises:search") + "?" + urlencode({"q": text})
            with self.assertNumQueries(9 + words):
                # * whether the corpus has the words that are not synonyms, or words they begin (one query of
                #   EXISTS through the search index; none when every word is part of a synonym)
                # * per group (promises, indicators, sources, changes): the number of hits, the first few with
                #   what a row shows (sector; promise; -; promise, indicator, status change, figure)
                # * the places of those sources in the sources list (one numbered query)
                response = self.client.get(url)
            assert [g.count for g in response.context["groups"]] == ([0, 0, 2, 0] if words else [2, 2, 2, 2])
        self.grow(10)
        with self.assertNumQueries(9):
            response = self.client.get(reverse("promises:search") + "?q=tempat+sampah")
        assert [g.count for g in response.context["groups"]] == [12, 12, 12, 12]

    def test_one_group_costs_two_or_three_queries(self):
        self.grow(3)
        with self.assertNumQueries(2):
            # * the number of promises * one page of them with sector and administration ("sampah" is a synonym:
            #   no word to look up)
            self.client.get(reverse("promises:search"), {"q": "sampah", "jenis": "janji"})
        with self.assertNumQueries(3):
            # the same, and the places of those sources in the sources list
            self.client.get(reverse("promises:search"), {"q": "sampah", "jenis": "sumber"})

    def test_a_word_that_matches_nothing_reads_the_vocabulary_once_per_data_version(self):
        self.grow(1)
        url = reverse("promises:search") + "?q=diserahkn"
        with self.assertNumQueries(3 + CACHE_SET_QUERIES + 8 + 1):
            # * the word lookup * the vocabulary's cached copy and the data version (one get_many)
            # * the corpus words (one UNION over the four search texts) * storing them
            # * per group: the number of hits and the (no) rows * the sectors (the page's empty state)
            response = self.client.get(url)
        assert response.context["query"].suggestion == "diserahkan"
        with self.assertNumQueries(2 + 8 + 1):
            # the word lookup and the cached vocabulary, no corpus query; the groups; the sectors
            response = self.client.get(reverse("promises:search") + "?q=diserahkx")
        assert response.context["query"].suggestion == "diserahkan"

    def test_the_page_without_a_query_reads_only_the_sectors(self):
        with self.assertNumQueries(1):
            response = self.client.get(reverse("promises:search"))
        assert 'method="get" action="/cari/"' in response.text  # a plain form: works without JavaScript


class SearchPageCacheTests(TestCase):
    def test_a_stored_search_page_costs_one_query_and_keeps_only_what_it_reads(self):
        make_promise(title="Tempat sampah uji")
        url = reverse("promises:search") + "?q=tempat+sampah&jenis=janji"
        page = self.client.get(url).text
        with self.assertNumQueries(1):
            # * the data version and the page, read together
            assert self.client.get(url + "&utm_source=x").text == page
        assert self.client.get(url.replace("janji", "sumber")).text != page


class VocabularyCacheTests(TestCase):
    """The corpus vocabulary (for suggestions) is read once per data version and renewed by every write that can
    add a word."""

    def test_it_is_read_once_until_a_write(self):
        make_promise(title="Jembatan gantung")
        assert search.parse("jembatn").suggestion == "jembatan"
        with self.assertNumQueries(2):
            # the word lookup; the cached vocabulary with the data version (no corpus query)
            assert search.parse("jembatx").suggestion == "jembatan"

    def test_a_status_change_with_a_new_word_renews_it(self):
        promise = make_promise(title="Jembatan gantung")
        assert search.parse("stadiom").suggestion == ""
        rate(promise, reason="Pembangunan stadion dimulai.")  # a log entry: the promise's scope and the lists
        assert search.parse("stadiom").suggestion == "stadion"

    def test_a_new_source_renews_it(self):
        assert search.parse("pelabuhn").suggestion == ""
        make_source(headline="Pelabuhan Tenau diperluas")
        assert search.parse("pelabuhn").suggestion == "pelabuhan"
