"""Every public page answers, shows what a reader needs, and costs a fixed number of queries."""

from django.test import TestCase
from django.urls import reverse

from promises.models import Indicator, Promise

from .helpers import grow, make_indicator, make_promise, make_reading, make_source, rate


class PublicPagesTests(TestCase):
    def setUp(self):
        grow(2)
        self.promise = Promise.objects.first()
        self.indicator = Indicator.objects.first()

    def pages(self):
        return [
            reverse("promises:home"),
            reverse("promises:list"),
            reverse("promises:list") + "?status=dalam_proses&urut=judul",
            self.promise.get_absolute_url(),
            self.indicator.get_absolute_url(),
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:methodology"),
        ]

    def query_counts(self) -> dict[str, int]:
        counts = {}
        for url in self.pages():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(url)
            assert response.status_code == 200, url
            counts[url.split("?")[0] if "?" not in url else url] = len(ctx.captured_queries)
        return counts

    def test_every_page_costs_the_same_queries_with_ten_times_the_data(self):
        before = self.query_counts()
        grow(20)
        after = self.query_counts()
        assert before == after

    def test_home_page_query_count_is_pinned(self):
        with self.assertNumQueries(15):
            self.client.get(reverse("promises:home"))

    def test_promise_page_query_count_is_pinned(self):
        with self.assertNumQueries(13):
            self.client.get(self.promise.get_absolute_url())

    def test_promise_list_query_count_is_pinned(self):
        with self.assertNumQueries(10):
            self.client.get(reverse("promises:list"))

    def test_indicator_page_query_count_is_pinned(self):
        with self.assertNumQueries(8):
            self.client.get(self.indicator.get_absolute_url())

    def test_sources_page_query_count_is_pinned(self):
        with self.assertNumQueries(10):
            self.client.get(reverse("promises:sources"))

    def test_changes_page_query_count_is_pinned(self):
        with self.assertNumQueries(9):
            self.client.get(reverse("promises:changes"))

    def test_a_cached_page_costs_one_query_for_every_page(self):
        for url in self.pages():
            self.client.get(url)
            with self.assertNumQueries(1):
                assert self.client.get(url).status_code == 200

    def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_cookie(self):
        for url in self.pages():
            response = self.client.get(url)
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url

    def test_a_wrong_slug_redirects_to_the_canonical_promise_url(self):
        url = reverse("promises:detail", kwargs={"pk": self.promise.pk, "slug": "salah"})
        response = self.client.get(url)
        assert response.status_code == 301
        assert response["Location"] == self.promise.get_absolute_url()


class PromiseListTests(TestCase):
    def test_filters_by_status_and_search(self):
        rated = make_promise(title="Tempat sampah untuk setiap RT")
        rate(rated)
        make_promise(title="Dana Pengaman untuk pasien")
        response = self.client.get(reverse("promises:list"), {"status": "dalam_proses"})
        assert "Tempat sampah untuk setiap RT" in response.text
        assert "Dana Pengaman" not in response.text
        response = self.client.get(reverse("promises:list"), {"q": "PENGAMAN"})
        assert "Dana Pengaman untuk pasien" in response.text
        assert "Tempat sampah" not in response.text

    def test_an_htmx_request_gets_only_the_results_fragment(self):
        make_promise(title="Janji fragmen")
        response = self.client.get(reverse("promises:list"), headers={"HX-Request": "true"})
        assert "Janji fragmen" in response.text
        assert "<html" not in response.text
        assert 'id="hasil"' in response.text
        assert "HX-Request" in response["Vary"]

    def test_a_direct_load_of_a_filtered_url_gives_the_full_page(self):
        make_promise(title="Janji langsung")
        response = self.client.get(reverse("promises:list"), {"q": "langsung"})
        assert "<html" in response.text
        assert "Janji langsung" in response.text

    def test_an_unknown_filter_value_is_ignored_not_an_error(self):
        make_promise(title="Janji tetap tampil")
        response = self.client.get(reverse("promises:list"), {"status": "ngawur", "bidang": "tidak-ada"})
        assert response.status_code == 200
        assert "Janji tetap tampil" in response.text


class IndonesianFormatTests(TestCase):
    def test_figures_read_the_indonesian_way(self):
        indicator = make_indicator(name="Tempat sampah RT", unit="unit", target_value=1347, target_source=make_source())
        make_reading(indicator, value=1347)
        money = make_indicator(name="Omzet", unit="rupiah")
        make_reading(money, value=1_200_000_000)
        assert "1.347 unit" in self.client.get(indicator.get_absolute_url()).text
        assert "Rp1,2 miliar" in self.client.get(money.get_absolute_url()).text

    def test_dates_read_the_indonesian_way(self):
        indicator = make_indicator()
        make_reading(indicator)
        assert "14 Agustus 2025" in self.client.get(indicator.get_absolute_url()).text


class DocumentedCountTests(TestCase):
    def test_only_campaign_promises_count_toward_the_declared_72_until_the_list_has_numbers(self):
        make_promise(origin="kampanye")
        make_promise(origin="kampanye")
        make_promise(origin="jabatan")
        text = self.client.get(reverse("promises:home")).text
        assert "2 dari 72 janji sudah terdokumentasi" in text
        assert "Ditambah 1 janji dalam jabatan" in text


class EnglishTests(TestCase):
    def test_english_is_a_translation_at_en_with_a_switch_back(self):
        promise = make_promise()
        text = self.client.get("/en" + reverse("promises:list")).text
        assert 'lang="en"' in text
        assert "Not yet rated" in text
        assert f'href="{reverse("promises:list")}"' in text  # the switch back to Indonesian
        assert promise.title in text


class ConditionalGetTests(TestCase):
    def test_a_repeat_visit_with_the_etag_gets_304_until_something_changes(self):
        grow(1)
        url = reverse("promises:home")
        first = self.client.get(url)
        etag = first["ETag"]
        assert self.client.get(url, headers={"If-None-Match": etag}).status_code == 304
        rate(make_promise(title="Janji yang baru dinilai"))
        assert self.client.get(url, headers={"If-None-Match": etag}).status_code == 200


class SourceLinkTests(TestCase):
    def test_a_source_links_to_the_page_of_the_list_it_stands_on(self):
        from datetime import date

        oldest = make_source(published=date(2024, 1, 1))
        for day in range(1, 56):
            make_source(published=date(2025, 1, 1).replace(day=1 + day % 28))
        url = oldest.get_absolute_url()
        assert url == reverse("promises:sources") + f"?halaman=2#sumber-{oldest.pk}"
        assert f'id="sumber-{oldest.pk}"' in self.client.get(url.split("#")[0]).text
