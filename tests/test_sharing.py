"""Links that share and cite: preview tags, canonical and hreflang on every public page, short links, WhatsApp
texts with the figure and its date, per-indicator CSV and feeds, robots.txt, the sitemap, the favicon, HEAD."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from promises import sharing
from promises.formatting import nilai
from promises.models import Indicator, LogEntry, Promise, PromiseSource

from .helpers import grow, make_claim, make_indicator, make_promise, make_reading, make_source, rate, streamed

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(page: str, attribute: str, name: str) -> str | None:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', page)
    return found and found[1]


class SharedData(TestCase):
    def setUp(self):
        grow(2)
        self.promise = make_promise(title="Satu tempat sampah untuk setiap RT")
        rate(self.promise)
        make_claim(promises=[self.promise])
        self.indicator = make_indicator(
            promise=self.promise, name="Tempat sampah RT", target_value=Decimal(1347), target_source=make_source()
        )
        make_reading(self.indicator, value=Decimal(900), as_of=date(2025, 8, 14))

    def public_pages(self) -> list[str]:
        return [
            reverse("promises:home"),
            reverse("promises:list"),
            self.promise.get_absolute_url(),
            self.indicator.get_absolute_url(),
            reverse("promises:indicators"),
            reverse("promises:sources"),
            reverse("promises:claims"),
            reverse("promises:changes"),
            LogEntry.objects.first().get_absolute_url(),
            reverse("promises:methodology"),
            reverse("promises:about"),
            reverse("promises:data"),
        ]


class PreviewTagTests(SharedData):
    def test_every_public_page_has_a_canonical_url_preview_tags_and_both_languages(self):
        for url in self.public_pages():
            page = self.client.get(url).text
            canonical = f"http://testserver{url}"
            assert f'<link rel="canonical" href="{canonical}">' in page, url
            assert meta(page, "property", "og:url") == canonical, url
            assert meta(page, "property", "og:title"), url
            assert meta(page, "property", "og:description"), url
            assert meta(page, "property", "og:image").startswith("http://testserver/"), url
            assert meta(page, "name", "twitter:card") == "summary_large_image", url
            english = "http://testserver/en" + url
            assert f'<link rel="alternate" hreflang="id" href="{canonical}">' in page, url
            assert f'<link rel="alternate" hreflang="en" href="{english}">' in page, url
            assert f'<link rel="alternate" hreflang="x-default" href="{canonical}">' in page, url
            assert 'rel="icon"' in page, url

    def test_the_english_page_is_canonical_in_english_and_points_back_to_indonesian(self):
        path = self.indicator.get_absolute_url()
        page = self.client.get("/en" + path).text
        assert f'<link rel="canonical" href="http://testserver/en{path}">' in page
        assert f'hreflang="id" href="http://testserver{path}"' in page

    def test_a_canonical_url_drops_filters_and_tracking_but_keeps_a_later_page_number(self):
        page = self.client.get(reverse("promises:changes") + "?halaman=2&fbclid=x").text
        assert f'<link rel="canonical" href="http://testserver{reverse("promises:changes")}?halaman=2">' in page
        page = self.client.get(reverse("promises:list") + "?status=ditepati&halaman=1").text
        assert f'<link rel="canonical" href="http://testserver{reverse("promises:list")}">' in page

    def test_the_indicator_page_describes_its_figure_against_the_target_with_its_date(self):
        page = self.client.get(self.indicator.get_absolute_url()).text
        expected = "Tempat sampah RT: 900 unit dari target 1.347 unit (67%), per 14 Agustus 2025"
        assert meta(page, "property", "og:description") == expected
        assert meta(page, "name", "description") == expected


class ShareTextTests(SharedData):
    def whatsapp_text(self, url: str) -> str:
        page = self.client.get(url).text
        [href] = re.findall(r'href="https://wa.me/\?text=([^"]*)"', page)
        return parse_qs("text=" + href.replace("&amp;", "&"))["text"][0]

    def test_an_indicator_share_carries_the_figure_the_target_and_the_date(self):
        text = self.whatsapp_text(self.indicator.get_absolute_url())
        assert text == (
            "Tempat sampah RT: 900 unit dari target 1.347 unit (67%), per 14 Agustus 2025. "
            f"Cek sumbernya: http://testserver{self.indicator.get_absolute_url()}"
        )

    def test_a_promise_share_carries_its_status_its_main_figure_and_a_short_link(self):
        text = self.whatsapp_text(self.promise.get_absolute_url())
        assert text.startswith(f'Janji Wali Kota Kupang: "{self.promise.title}" — status: ')
        assert "Tempat sampah RT: 900 unit dari target 1.347 unit (67%), per 14 Agustus 2025" in text
        assert text.endswith(f"Cek sumbernya: http://testserver/j/{self.promise.code}")

    def test_the_dashboard_share_gives_the_campaign_count_and_the_claim_beside_it(self):
        text = self.whatsapp_text(reverse("promises:home"))
        assert text.startswith("Janji kampanye Wali Kota Kupang menurut Pantau Janji: ")
        assert "Klaim pemerintah: 22 dari 72 ditepati" in text
        assert text.endswith("Cek sumbernya: http://testserver/")

    def test_an_indicator_without_a_realised_figure_says_so_and_conflicting_sources_are_named(self):
        bare = make_indicator(promise=self.promise, name="Truk sampah")
        with translation.override("id"):
            assert sharing.indicator_summary(Indicator.objects.with_readings().get(pk=bare.pk)) == (
                "Truk sampah: belum ada angka realisasi"
            )
        make_reading(self.indicator, value=Decimal(1300), as_of=date(2025, 8, 14))
        with translation.override("id"):
            summary = sharing.indicator_summary(Indicator.objects.with_readings().get(pk=self.indicator.pk))
        assert summary.endswith("; sumber menyebut angka berbeda-beda"), summary

    def test_the_copy_button_is_hidden_until_its_script_shows_it(self):
        page = self.client.get(self.indicator.get_absolute_url()).text
        assert re.search(r"<button type=\"button\" hidden data-salin=", page)
        with open("static/css/site.css") as file:
            css = file.read()
        assert "[hidden]{display:none!important}" in css


class ShortLinkTests(SharedData):
    def test_a_short_link_redirects_to_the_promise_in_either_case_and_language(self):
        for url, expected in [
            (f"/j/{self.promise.code}", self.promise.get_absolute_url()),
            (f"/j/{self.promise.code.lower()}/", self.promise.get_absolute_url()),
            (f"/en/j/{self.promise.code}", "/en" + self.promise.get_absolute_url()),
        ]:
            response = self.client.get(url)
            assert (response.status_code, response["Location"]) == (301, expected), url

    def test_an_unknown_code_is_not_found(self):
        assert self.client.get("/j/XX-999").status_code == 404


class CiteAndFollowTests(SharedData):
    def test_one_indicators_figures_download_as_csv_from_its_page(self):
        other = make_indicator(promise=self.promise)
        make_reading(other, value=Decimal(5))
        page = self.client.get(self.indicator.get_absolute_url()).text
        link = reverse("promises:download", args=["readings", "csv"]) + f"?indikator={self.indicator.slug}"
        assert f'href="{link}"' in page
        assert "Unduh angka indikator ini (CSV)" in page
        response = self.client.get(link)
        assert response.status_code == 200
        assert self.indicator.slug in response["Content-Disposition"]
        lines = "".join(streamed(response)).splitlines()[3:]  # after the three comment lines
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
        assert {r["indicator"] for r in rows} == {self.indicator.slug}
        assert [r["value"] for r in rows] == ["900"]

    def test_an_unknown_indicator_filter_is_not_found_rather_than_every_row(self):
        link = reverse("promises:download", args=["readings", "csv"]) + "?indikator=tidak-ada"
        assert self.client.get(link).status_code == 404

    def test_the_indicator_promise_and_changes_pages_link_their_feeds_visibly(self):
        pages = {
            self.indicator.get_absolute_url(): reverse("promises:indicator_feed", args=[self.indicator.slug]),
            self.promise.get_absolute_url(): reverse("promises:detail_feed", args=[self.promise.pk, self.promise.slug]),
            reverse("promises:changes"): reverse("promises:changes_feed"),
        }
        for url, feed in pages.items():
            page = self.client.get(url).text
            body = page.split("<body", 1)[1]
            assert f'href="{feed}"' in body and "(Atom/RSS)" in body, url

    def test_every_figure_and_every_change_has_an_anchor_and_a_visible_link_to_it(self):
        page = self.client.get(self.indicator.get_absolute_url()).text
        reading = self.indicator.readings.get()
        assert f'id="angka-{reading.pk}"' in page and f'href="#angka-{reading.pk}"' in page
        page = self.client.get(reverse("promises:changes")).text
        for entry in LogEntry.objects.all():
            assert f'id="perubahan-{entry.pk}"' in page, entry.pk


class CrawlerFileTests(SharedData):
    def test_robots_txt_keeps_crawlers_off_editor_pages_and_names_the_sitemap(self):
        response = self.client.get("/robots.txt")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
        text = response.text
        assert "Disallow: /meja/" in text and "Disallow: /en/meja/" in text and "Disallow: /admin/" in text
        assert "Sitemap: http://testserver/sitemap.xml" in text
        assert "Disallow: /janji/" not in text

    def sitemap_urls(self) -> set[str]:
        index = ElementTree.fromstring(self.client.get("/sitemap.xml").content)
        urls = set()
        for location in index.iter(f"{SITEMAP}loc"):
            section = ElementTree.fromstring(self.client.get(urlsplit(location.text).path).content)
            urls |= {loc.text for loc in section.iter(f"{SITEMAP}loc")}
        return urls

    def test_the_sitemap_lists_every_public_page_in_both_languages(self):
        urls = self.sitemap_urls()
        expected = {f"http://testserver{url}" for url in self.public_pages()}
        expected |= {f"http://testserver/en{url}" for url in self.public_pages()}
        expected |= {f"http://testserver{p.get_absolute_url()}" for p in Promise.objects.all()}
        expected |= {f"http://testserver{i.get_absolute_url()}" for i in Indicator.objects.all()}
        expected |= {f"http://testserver{e.get_absolute_url()}" for e in LogEntry.objects.all()}
        assert expected <= urls, expected - urls
        assert not {url for url in urls if "/meja/" in url or "/admin/" in url}

    def test_the_sitemap_gives_hreflang_alternates(self):
        section = self.client.get("/sitemap-janji.xml").text
        assert 'hreflang="en"' in section and 'hreflang="x-default"' in section

    def test_the_favicon_is_served_at_the_root(self):
        response = self.client.get("/favicon.ico")
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file

    def test_head_is_answered_like_get_without_a_body(self):
        for url in [*self.public_pages(), "/healthz", "/robots.txt", f"/j/{self.promise.code}"]:
            get, head = self.client.get(url), self.client.head(url)
            assert head.status_code == get.status_code and head.status_code in (200, 301), url
            assert head.content == b"", url


class EnglishReaderTests(SharedData):
    def test_the_english_site_says_the_content_is_indonesian_and_marks_it(self):
        path = self.promise.get_absolute_url()
        page = self.client.get("/en" + path).text
        assert '<p class="notice">' in page
        assert f'lang="id">{self.promise.title}</h1>' in page
        indonesian = self.client.get(path).text
        assert '<p class="notice">' not in indonesian

    def test_unit_words_are_translated_and_pluralised_in_english_only(self):
        with translation.override("en"):
            assert nilai(Decimal(900), "unit") == "900 units"
            assert nilai(Decimal(1), "unit") == "1 unit"
            assert nilai(Decimal(1289), "orang") == "1,289 people"
            assert nilai(Decimal(17), "UMKM") == "17 UMKM"
        with translation.override("id"):
            assert nilai(Decimal(900), "unit") == "900 unit"
            assert nilai(Decimal(1289), "orang") == "1.289 orang"


class DashboardTests(SharedData):
    def test_statuses_no_promise_has_are_one_line_not_chips(self):
        page = self.client.get(reverse("promises:home")).text
        assert "?status=tidak_ditepati" not in page
        assert "Belum ada janji berstatus:" in page and "tidak ditepati" in page

    def test_the_dashboard_shows_a_few_indicators_with_realised_progress_and_links_to_all(self):
        for n in range(8):
            indicator = make_indicator(
                promise=self.promise, name=f"Program {n}", target_value=Decimal(10), target_source=make_source()
            )
            make_reading(indicator, value=Decimal(n + 1))
        bare = make_indicator(promise=self.promise, name="Tanpa realisasi")
        page = self.client.get(reverse("promises:home")).text
        assert page.count('<article class="card indicator">') == 4
        assert bare.name not in page
        total = Indicator.objects.count()
        assert f"Semua angka program ({total}) →" in page
        assert f'href="{reverse("promises:indicators")}"' in page

    def test_the_page_of_all_indicators_filters_by_state(self):
        bare = make_indicator(promise=self.promise, name="Tanpa realisasi")
        url = reverse("promises:indicators")
        everything = self.client.get(url).text
        assert bare.name in everything and self.indicator.name in everything
        without = self.client.get(url + "?keadaan=belum").text
        assert bare.name in without and self.indicator.name not in without
        done = self.client.get(url + "?keadaan=realisasi").text
        assert bare.name not in done and self.indicator.name in done
        assert self.client.get(url + "?keadaan=salah").status_code == 200

    def test_the_dashboard_offers_search_and_the_promise_list_on_its_first_screen(self):
        page = self.client.get(reverse("promises:home")).text
        hero = page.split('<section aria-labelledby="status-h">')[0]
        assert 'role="search"' in hero and 'name="q"' in hero
        assert f"Lihat semua {Promise.objects.count()} janji →" in hero


class PrintTests(TestCase):
    def test_the_print_stylesheet_is_a4_hides_controls_and_prints_source_urls(self):
        with open("static/css/site.css") as file:
            css = file.read()
        assert "@page{size:A4" in css
        block = css.split("@media print{", 1)[1]
        assert ".site-header" in block and ".share" in block and ".edit" in block
        assert 'a[href^="http"]::after{content:" (" attr(href) ")"' in block

    def test_every_page_carries_its_address_for_the_printed_foot(self):
        grow(1)
        page = self.client.get(reverse("promises:methodology")).text
        assert f'<p class="print-foot">Dicetak dari http://testserver{reverse("promises:methodology")}' in page


class TypographyTests(SharedData):
    def test_no_space_before_a_colon_or_a_closing_parenthesis_after_a_source(self):
        PromiseSource.objects.create(promise=self.promise, source=make_source())
        page = self.client.get(self.promise.get_absolute_url()).text
        assert "</a>: <q" in page
        assert "</a> :" not in page and "</a> )" not in page
        assert "</a>)" in page  # the claim's source, in parentheses

    def test_the_data_page_writes_the_time_the_indonesian_way(self):
        page = self.client.get(reverse("promises:data")).text
        assert re.search(r"Halaman ini dibuat \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WITA\.", page)
