"""Every public page answers, shows what a reader needs, and costs a fixed number of queries."""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from promises import fragments, services
from promises.models import Administration, Claim, Indicator, Promise, Source, StatusChange

from .helpers import (
    CACHE_SET_QUERIES,
    RENDER_LOCK_QUERIES,
    grow,
    make_claim,
    make_editor,
    make_indicator,
    make_promise,
    make_reading,
    make_sector,
    make_source,
    queries_per_url,
    rate,
)

WITHOUT_PAGE_CACHE = [m for m in settings.MIDDLEWARE if m != "promises.middleware.PageCacheMiddleware"]


class PageDataTestCase(TestCase):
    """Two rated promises with sources, indicators and readings; the first is named in a government claim."""

    def setUp(self):
        grow(2)
        self.promise = Promise.objects.first()
        make_claim(promises=[self.promise])
        self.indicator = Indicator.objects.first()


class PublicPagesTests(PageDataTestCase):
    def pages(self):
        return [
            reverse("promises:home"),
            reverse("promises:list"),
            reverse("promises:list") + "?status=dalam_proses&urut=judul",
            self.promise.get_absolute_url(),
            self.indicator.get_absolute_url(),
            reverse("promises:indicators"),
            reverse("promises:indicators") + "?keadaan=realisasi",
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:methodology"),
            reverse("promises:data"),
            reverse("promises:changes_feed"),
            reverse("promises:detail_feed", args=[self.promise.pk, self.promise.slug]),
            reverse("promises:indicator_feed", args=[self.indicator.slug]),
        ]

    def test_every_page_costs_the_same_queries_with_ten_times_the_data(self):
        # a new client each time: a process that kept a page at an older version reads the versions first, then
        # the page (LocalCopyTests in test_cache.py)
        # and none of its cards or rows kept (FragmentTests: with them kept)
        def cold():
            counts = {}
            for url in self.pages():
                fragments.forget()
                counts |= queries_per_url(Client(), [url])
            return counts

        before = cold()
        grow(20)
        assert cold() == before

    def test_a_page_missing_from_the_cache_costs_its_views_queries_and_eleven_for_the_cache(self):
        for url in self.pages():
            # none of its cards or rows kept, either time: the view's whole cost (FragmentTests: with them kept)
            fragments.forget()
            with override_settings(MIDDLEWARE=WITHOUT_PAGE_CACHE):
                [view] = queries_per_url(Client(), [url]).values()
            fragments.forget()
            with self.assertNumQueries(1 + RENDER_LOCK_QUERIES + view + CACHE_SET_QUERIES):
                # * the data version and the page, read together (one get_many)
                # * the render lock (RENDER_LOCK_QUERIES; it expires on its own)
                # * the view's own queries (ViewQueryTests)
                # * storing the page (CACHE_SET_QUERIES)
                assert self.client.get(url).status_code == 200

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


class QuerySetQueryTests(PageDataTestCase):
    """What the querysets behind the pages cost, walked the way the templates walk them."""

    def test_a_promise_with_everything_its_page_shows_but_its_history_costs_five_queries(self):
        with self.assertNumQueries(5):
            # * the promise with sector, administration, programme and the source it was made in
            # * its source links with their sources
            # * the claim items that name it
            # * those claims
            # * the claims' sources
            [promise] = Promise.objects.for_detail().filter(pk=self.promise.pk)
            assert promise.sector.name and promise.administration.name
            assert (promise.programme, promise.made_source) == (None, None)
            assert [link.source.outlet for link in promise.source_links.all()]
            assert [item.claim.source.outlet for item in promise.claim_items.all()]

    def test_indicators_with_their_readings_cost_three_queries(self):
        with self.assertNumQueries(3):
            # * the indicators with promise, sector, and their target and baseline sources
            # * their readings with their sources
            # * the editors' conflict marks on them
            for indicator in Indicator.objects.with_readings():
                assert indicator.promise.title and indicator.sector.name and indicator.target_source.outlet
                assert indicator.baseline_source is None
                assert [reading.source.outlet for reading in indicator.ledger()]
                assert list(indicator.conflict_marks.all()) == []
                indicator.progress_percent(), indicator.conflicts()

    def test_indicators_with_what_their_cards_show_cost_three_queries(self):
        from promises.formatting import reading_value

        with self.assertNumQueries(3):
            # * the indicators * their figures (the fields a card reads) with their sources' outlets (no sources)
            # * the editors' conflict marks on them
            for indicator in Indicator.objects.for_cards():
                progress = indicator.progress_reading()
                assert progress.source_outlet and reading_value(progress) and progress.as_of_label
                assert progress.get_counts_display()
                indicator.progress_percent(), indicator.event_sum(), indicator.conflicts()
        page = self.client.get(reverse("promises:indicators")).text
        assert page.count('<article class="card indicator">') == Indicator.objects.count()

    def test_a_list_of_promises_costs_one_query(self):
        with self.assertNumQueries(1):
            # * the promises with sector and administration
            assert [(p.sector.name, p.administration.name) for p in Promise.objects.with_related()]

    def test_the_sources_with_what_they_support_cost_three_queries(self):
        with self.assertNumQueries(3):
            # * the sources, newest first
            # * their promise links with those promises' codes and titles
            # * the replacements of any of them, with the source that replaced it
            sources = Source.objects.for_list()
            assert [[link.promise.title for link in s.promise_links.all()] for s in sources]
            assert [[r.new.outlet for r in s.replaced_by.all()] for s in sources]

    def test_the_log_of_changes_costs_two_queries(self):
        with self.assertNumQueries(2):
            # * the changes with promise and editor
            # * their sources
            assert [(c.promise.title, c.editor, list(c.sources.all())) for c in StatusChange.objects.for_log()]

    def test_the_dashboard_counts_from_one_query_are_the_counts_of_each_kind(self):
        administration = self.promise.administration
        sector = make_sector(name="Air", order=0)
        make_promise(
            origin=Promise.Origin.JABATAN,
            status=Promise.Status.DITEPATI,
            verification=Promise.Verification.DIKONFIRMASI_MEDIA,
            sector=sector,
        )
        make_promise(origin=Promise.Origin.JABATAN, number=7, sector=sector)
        make_promise(
            origin=Promise.Origin.KAMPANYE,
            number=8,
            status=Promise.Status.TERSENDAT,
            verification=Promise.Verification.DIKONFIRMASI_MEDIA,
        )
        promises = Promise.objects.filter(administration=administration)
        with self.assertNumQueries(1):
            counts = promises.dashboard_counts()
            by_origin, documentation, by_sector = counts.by_origin, counts.documentation, counts.by_sector
        for origin in [*Promise.Origin.values, "all"]:
            of_origin = promises if origin == "all" else promises.filter(origin=origin)
            for status in Promise.Status.values:
                assert by_origin[origin][status] == of_origin.filter(status=status).count(), (origin, status)
            assert by_origin[origin]["total"] == of_origin.count()
        assert documentation == {
            "numbered": promises.filter(number__isnull=False).count(),
            "campaign": promises.filter(origin="kampanye").count(),
            "office": promises.filter(origin="jabatan", number__isnull=True).count(),
            "documented": 2,  # the numbered ones, once there are any
        }
        assert [s["name"] for s in by_sector] == ["Air", *sorted({p.sector.name for p in promises} - {"Air"})]
        for row in by_sector:
            in_sector = promises.filter(sector__slug=row["slug"])
            assert row["total"] == in_sector.count()
            assert row["statuses"] == {s: in_sector.filter(status=s).count() for s in Promise.Status.values}

    def test_the_latest_claim_says_how_many_claims_there_are(self):
        make_claim(date=date(2026, 1, 5), title="Klaim terbaru")
        make_claim(date=date(2024, 1, 5))
        with self.assertNumQueries(1):
            latest = Claim.objects.latest_first().with_count().first()
            assert (latest.title, latest.count, latest.source.outlet) == ("Klaim terbaru", 3, latest.source.outlet)
        page = self.client.get(reverse("promises:home")).text
        assert "Semua klaim pemerintah (3) →" in page

    def test_each_figure_of_the_dashboard_costs_one_query(self):
        promises = Promise.objects.filter(administration=self.promise.administration)
        for figure in [
            Administration.objects.default,
            lambda: Claim.objects.latest_first().first().source.outlet,
            promises.origin_status_counts,
            promises.documentation_counts,
            promises.sector_status_counts,
        ]:
            with self.assertNumQueries(1):
                assert figure()


@override_settings(MIDDLEWARE=WITHOUT_PAGE_CACHE)
class ViewQueryTests(PageDataTestCase):
    """What each page's view costs, the page cache out of the way (with the cache: PublicPagesTests)."""

    def test_the_home_page_costs_thirteen_queries_and_seven_with_its_cards_and_rows_kept(self):
        with self.assertNumQueries(13):
            # * the default administration
            # * the latest government claim with its source and how many claims there are
            # * the promises counted by origin, sector, status and official number (the status, documentation
            #   and sector figures; was three queries)
            # * the four featured indicators (a realised total, those with a target first): pk and slug
            # * the fingerprints of their cards (promises/fragments.py)
            # * the cards not kept: those indicators, their figures (what a card reads) with their sources'
            #   outlets, and the editors' conflict marks on them
            # * how many indicators there are ("Semua angka program (N)")
            # * the eight latest log entries: pk and date
            # * the fingerprints of their rows
            # * the rows not kept: those entries with promise, figure and editor, and their sources
            assert self.client.get(reverse("promises:home")).status_code == 200
        with self.assertNumQueries(13 - 3 - 2):
            assert self.client.get(reverse("promises:home")).status_code == 200

    def test_the_promise_page_costs_fourteen_queries_and_twelve_with_its_history_kept(self):
        with self.assertNumQueries(14):
            # * the promise with sector, administration, programme and the source it was made in
            # * its source links with their sources
            # * how many log entries it has (for the history's pager)
            # * one page of them: pk and date
            # * the fingerprints of their rows (promises/fragments.py)
            # * the rows not kept: those entries with their status changes, figures and editors, and their sources
            # * the claim items that name it
            # * those claims
            # * the claims' sources
            # * its indicators, their figures (what a card and the share text read) with their sources' outlets,
            #   and the editors' conflict marks on them
            # * how many readers' reports about it are waiting
            assert self.client.get(self.promise.get_absolute_url()).status_code == 200
        with self.assertNumQueries(14 - 2):
            assert self.client.get(self.promise.get_absolute_url()).status_code == 200

    def test_the_promise_list_costs_four_queries(self):
        for url in [reverse("promises:list"), reverse("promises:list") + "?status=dalam_proses&urut=judul"]:
            with self.assertNumQueries(4):
                # * the default administration
                # * the number of its promises (for the pager)
                # * the sectors (the filter's choices)
                # * one page of promises with sector and administration
                assert self.client.get(url).status_code == 200

    def test_the_indicator_page_costs_three_queries(self):
        with self.assertNumQueries(3):
            # * the indicator with promise, sector, and its target and baseline sources
            # * its readings with their sources
            # * the editors' conflict marks on it
            assert self.client.get(self.indicator.get_absolute_url()).status_code == 200

    def test_the_sources_page_costs_seven_queries_and_four_with_its_rows_kept(self):
        with self.assertNumQueries(7):
            # * the outlets with their years (the filters' choices; a promise is asked for by its code)
            # * the number of sources (for the pager)
            # * one page of sources, newest first: pk
            # * the fingerprints of their rows (promises/fragments.py)
            # * the rows not kept: those sources, their promise links with the promises' codes and titles, and the
            #   replacements of any of them with the source that replaced it
            assert self.client.get(reverse("promises:sources")).status_code == 200
        with self.assertNumQueries(4):
            assert self.client.get(reverse("promises:sources")).status_code == 200

    def test_the_changes_page_costs_five_queries_and_three_with_its_rows_kept(self):
        with self.assertNumQueries(5):
            # * the number of changes (for the pager)
            # * one page of changes: pk and date
            # * the fingerprints of their rows (promises/fragments.py)
            # * the rows not kept: those changes with promise, figure and editor, and their sources
            assert self.client.get(reverse("promises:changes")).status_code == 200
        with self.assertNumQueries(3):
            assert self.client.get(reverse("promises:changes")).status_code == 200

    def test_the_claims_page_costs_four_queries(self):
        make_claim(promises=Promise.objects.all())
        with self.assertNumQueries(4):
            # * the default administration
            # * the number of claims (for the pager)
            # * one page of claims with their sources
            # * their items with the promises they name (code, title, address)
            response = self.client.get(reverse("promises:claims"))
        assert response.text.count("<li><a href=") >= Promise.objects.count()

    def test_the_methodology_page_costs_no_query(self):
        with self.assertNumQueries(0):
            assert self.client.get(reverse("promises:methodology")).status_code == 200


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
        assert "Ada juga 1 janji yang disampaikan setelah menjabat" in text


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


class IndicatorCardTests(TestCase):
    """The card of an indicator on /angka/, the dashboard and its promise's page (templatetags/kartu.py): what it
    stands at, and ⚠ when sources disagree."""

    def setUp(self):
        self.promise = make_promise()

    def card(self, indicator) -> str:
        page = self.client.get(reverse("promises:indicators")).text
        start = page.index(f'<a href="{indicator.get_absolute_url()}">')
        return page[page.rindex("<article", 0, start) : page.index("</article>", start)]

    def test_a_card_shows_the_latest_realised_figure_against_the_target_with_its_bar_date_and_outlet(self):
        indicator = make_indicator(
            promise=self.promise, name="Tempat sampah RT", target_value=1347, target_source=make_source()
        )
        make_reading(indicator, value=Decimal(900), source=make_source(outlet="Liputan NTT"))
        card = self.card(indicator)
        assert '<p class="figure">900 unit <span class="of">dari target 1.347 unit</span></p>' in card
        assert 'aria-label="67% dari target"' in card and '<rect width="67" height="6" class="fill"/>' in card
        assert "Diserahkan / terealisasi · per 14 Agustus 2025 · Liputan NTT" in card
        assert "pertentangan" not in card

    def test_a_card_warns_with_the_number_of_conflicts_when_sources_disagree(self):
        indicator = make_indicator(promise=self.promise)
        make_reading(indicator, value=Decimal(900))
        make_reading(indicator, value=Decimal(1300))
        card = self.card(indicator)
        assert (
            '<p class="conflict"><span aria-hidden="true">⚠</span> Angka dari sumber berbeda-beda (1 pertentangan)</p>'
            in card
        )
        assert "⚠" in self.client.get(self.promise.get_absolute_url()).text

    def test_a_card_sums_single_handovers_when_there_is_no_total(self):
        indicator = make_indicator(promise=self.promise)
        for value in (50, 170):
            make_reading(indicator, value=Decimal(value), measure="event")
        assert "Jumlah 220 unit dari 2 kejadian yang tercatat" in self.card(indicator)

    def test_a_card_without_a_realised_figure_says_so(self):
        indicator = make_indicator(promise=self.promise, target_value=51, target_source=make_source())
        make_reading(indicator, value=Decimal(51), counts="target")
        assert "Belum ada angka realisasi; baru target, alokasi, atau klaim." in self.card(indicator)

    def test_a_card_in_english_is_translated_with_english_numbers_and_dates(self):
        indicator = make_indicator(
            promise=self.promise, name="Tempat sampah RT", target_value=1347, target_source=make_source()
        )
        make_reading(indicator, value=Decimal(900), source=make_source(outlet="Liputan NTT"))
        page = self.client.get("/en/angka/").text
        assert '<p class="figure">900 units <span class="of">of a target of 1,347 units</span></p>' in page
        assert 'aria-label="67% of target"' in page
        assert "Handed over / delivered · as of 14 August 2025 · Liputan NTT" in page


class LogRowTests(TestCase):
    """The rows of the log (templatetags/perubahan.py) on /perubahan/: a withdrawn or corrected figure shows the
    figure struck through or new, and the editor's reason labelled as the reason."""

    def setUp(self):
        self.editor = make_editor()
        self.indicator = make_indicator(promise=make_promise(), name="Tempat sampah RT")
        self.reading = make_reading(self.indicator, value=Decimal(900))

    def changes(self) -> str:
        return self.client.get(reverse("promises:changes")).text

    def test_a_withdrawn_figure_is_struck_through_with_its_reason(self):
        services.withdraw_reading(
            self.reading, expected_version=self.indicator.version, reason="Salah ketik.", editor=self.editor
        )
        page = self.changes()
        assert "Tempat sampah RT</a>: <s>900 unit</s> (diserahkan / terealisasi, per 14 Agustus 2025)" in page
        assert '<p dir="auto" lang="id">Alasan: Salah ketik.</p>' in page

    def test_a_corrected_figure_shows_the_new_value_with_its_reason(self):
        services.withdraw_reading(
            self.reading,
            expected_version=self.indicator.version,
            reason="Angka yang benar 921.",
            editor=self.editor,
            correction={"value": Decimal(921)},
        )
        page = self.changes()
        assert "<strong>921 unit</strong>" in page
        assert '<p dir="auto" lang="id">Alasan: Angka yang benar 921.</p>' in page
        assert "oleh editor" in page


class SourceRowTests(TestCase):
    """A row of /sumber/ (templatetags/sumber.py) in each of its states, in Indonesian and English."""

    def setUp(self):
        from datetime import UTC, datetime

        from promises.models import SourceReplacement

        self.promise = make_promise(code="PG-9", title="Air bersih <untuk> semua")
        self.wrong = make_source(
            headline="Berita yang salah", outlet="Media Lama", published=None, published_note="Tanggal tidak tercantum"
        )
        self.right = make_source(headline="Berita yang benar", outlet="Media Baru")
        SourceReplacement.objects.create(
            old=self.wrong,
            new=self.right,
            reason="Tautan lama menunjuk ke berita lain.",
            created_at=datetime(2025, 9, 3, 23, 30, tzinfo=UTC),  # 4 September in Kupang (UTC+8)
        )
        self.partisan = make_source(
            headline="Rilis tim pemenangan",
            reliability=Source.Reliability.PARTISAN,
            reliability_note="Dari tim kampanye",
        )
        self.noted = make_source(headline="Berita dengan catatan", reliability_note="Judul berubah setelah terbit")
        self.label = make_source(headline="Dokumen RPJMD", headline_is_label=True, kind="dokumen")
        self.promise.source_links.create(source=self.right, note="")

    def row(self, page: str, source) -> str:
        found = re.search(rf'<li id="sumber-{source.pk}">.*?</li>', page, re.S)
        assert found, source.pk
        return re.sub(r"\s+", " ", found[0])

    def test_each_state_of_a_source_row(self):
        page = self.client.get(reverse("promises:sources")).text
        wrong = self.row(page, self.wrong)
        assert "Media Lama · Tanggal terbit tidak diketahui · " in wrong
        assert (
            '<p class="warn">Diganti pada 4 September 2025: Tautan lama menunjuk ke berita lain. Sumber pengganti: '
            in wrong
        )
        assert f'href="{self.right.url}"' in wrong
        partisan = self.row(page, self.partisan)
        assert '<p class="warn">⚠ Keandalan rendah: partisan. Dari tim kampanye</p>' in partisan
        assert '<p class="meta">Catatan: Judul berubah setelah terbit</p>' in self.row(page, self.noted)
        assert ">[Dokumen RPJMD]</a>" in self.row(page, self.label)
        right = self.row(page, self.right)
        assert "Media Baru · 14 Agustus 2025 · " in right
        assert (
            f'Dipakai untuk: <a href="{self.promise.get_absolute_url()}">PG-9 <span dir="auto" lang="id">'
            "Air bersih &lt;untuk&gt; semua</span></a>"
        ) in right

    def test_a_source_row_in_english(self):
        page = self.client.get("/en" + reverse("promises:sources")).text
        assert "Publication date unknown" in self.row(page, self.wrong)
        assert "Replaced on 4 September 2025: " in self.row(page, self.wrong)
        assert "Low reliability: partisan" in self.row(page, self.partisan)
        assert "Used for: " in self.row(page, self.right)


# The promise page's source list as its template wrote it before it became a simple tag (templatetags/sumber.py).
OLD_PROMISE_SOURCES = """{% load i18n situs %}<ul class="sources">
    {% for link in links %}
      <li>{% source_cite link.source %}: <q dir="auto" lang="id">{{ link.source.headline }}</q>{% if link.note %}\
<br><span class="meta">{{ link.note }}</span>{% endif %}</li>
    {% empty %}<li>{% translate "Belum ada sumber." %}</li>{% endfor %}
    </ul>"""


def norm(html: str) -> str:
    """The HTML with each run of whitespace as one space, and none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


class PromiseSourcesTests(TestCase):
    """A promise page's list of its sources is what its template loop wrote, in both languages."""

    def test_each_kind_of_source_link_reads_as_the_template_wrote_it(self):
        from django.template import Context, Template
        from django.utils import translation

        from promises.templatetags.sumber import promise_sources

        promise = make_promise(code="PG-9")
        empty = make_promise(code="PG-10")
        promise.source_links.create(source=make_source(headline="Berita <penting> & lain"), note="Catatan “editor”")
        promise.source_links.create(source=make_source(headline="Rilis", reliability=Source.Reliability.PARTISAN))
        promise.source_links.create(
            source=make_source(headline="Dokumen", kind="pemerintah", published=None, published_note="Tanpa tanggal")
        )
        for language in ("id", "en"):
            for shown in (promise, empty):
                with self.subTest(language=language, promise=shown.code), translation.override(language):
                    links = list(shown.source_links.select_related("source"))
                    old = Template(OLD_PROMISE_SOURCES).render(Context({"links": links}))
                    self.assertEqual(norm(promise_sources(links)), norm(old))
        page = self.client.get(promise.get_absolute_url()).text
        assert 'Berita &lt;penting&gt; &amp; lain</q><br><span class="meta">Catatan “editor”</span></li>' in page
        assert "Belum ada sumber." in self.client.get(empty.get_absolute_url()).text


class FilterSelectTests(PageDataTestCase):
    """The public filter forms' selects (promises/widgets.py) are the HTML Django's own Select writes."""

    def test_every_filter_select_is_djangos_html_in_both_languages_with_and_without_a_choice(self):
        from django import forms
        from django.utils import translation

        from promises.forms import IndicatorFilterForm, PromiseFilterForm
        from promises.views.sources import SourceFilterForm
        from promises.widgets import QuickSelect

        make_source(outlet="Media & <Co>", published=None, published_note="tanpa tanggal")
        filled = {"bidang": Promise.objects.first().sector.slug, "status": "dalam_proses", "keadaan": "belum"}
        compared = 0
        for language in ("id", "en"):
            with translation.override(language):
                for form_class in (PromiseFilterForm, IndicatorFilterForm, SourceFilterForm):
                    for data in ({}, filled | {"media": "Media & <Co>", "tahun": "2025", "urut": "judul"}):
                        form = form_class(data)
                        for name, field in form.fields.items():
                            if not isinstance(field.widget, QuickSelect):
                                continue
                            ours = str(form[name])
                            field.widget = forms.Select(choices=field.choices)
                            assert str(form[name]) == ours, (form_class, name)
                            compared += 1
        assert compared == 2 * 2 * (5 + 2 + 2)


class AddressTests(TestCase):
    """Promise, indicator and log-entry addresses are remembered (promises/models/addresses.py) per language."""

    def test_a_remembered_address_follows_the_language_and_the_script_prefix(self):
        from django.urls import set_script_prefix
        from django.utils import translation

        promise = make_promise(code="PG-9", title="Air bersih")
        with translation.override("id"):
            indonesian = promise.get_absolute_url()
        with translation.override("en"):
            english = promise.get_absolute_url()
        with translation.override("id"):
            assert (
                promise.get_absolute_url()
                == indonesian
                == reverse("promises:detail", kwargs={"pk": promise.pk, "slug": promise.slug})
            )
        assert english == "/en" + indonesian
        set_script_prefix("/situs/")
        try:
            with translation.override("id"):
                assert promise.get_absolute_url() == "/situs" + indonesian
        finally:
            set_script_prefix("/")
