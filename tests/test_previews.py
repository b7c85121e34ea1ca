"""The preview card of a shared link (og:image): drawn from the data, in the status colours, never stale."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.test import RequestFactory, TestCase
from django.urls import reverse
from PIL import Image

from promises import cache as data_version
from promises import previews
from promises.models import Indicator, Promise, Reading

from .helpers import CACHE_SET_QUERIES, make_indicator, make_promise, make_reading, make_source, rate

Status = Promise.Status


def opened(png: bytes) -> Image.Image:
    image = Image.open(BytesIO(png))
    image.load()
    return image


def badge_colour(png: bytes) -> tuple[int, int, int]:
    return opened(png).convert("RGB").getpixel(previews.BADGE_SPOT)


def bins(promise=None, **overrides) -> Indicator:
    """The bins-per-RT indicator: a target of 1.347 with its source."""
    values = {"name": "Tempat sampah RT", "unit": "unit", "target_value": Decimal(1347), "target_source": make_source()}
    return make_indicator(promise=promise, **(values | overrides))


def loaded(indicator: Indicator) -> Indicator:
    return Indicator.objects.with_readings().get(pk=indicator.pk)


class CardTextTests(TestCase):
    def test_an_indicator_card_shows_the_latest_realised_figure_against_the_target_its_date_and_the_status(self):
        promise = make_promise(code="PG-4", title="Satu tempat sampah untuk setiap RT")
        rate(promise, Status.DALAM_PROSES)
        indicator = bins(promise)
        make_reading(indicator, value=Decimal(400), as_of=date(2025, 6, 2))
        make_reading(indicator, value=Decimal(900), as_of=date(2025, 8, 14))
        make_reading(indicator, value=Decimal(1347), as_of=date(2025, 9, 1), counts=Reading.Counts.CLAIMED)

        lines = previews.indicator_card(loaded(indicator), "janji.example.org").lines()

        assert lines == [
            "Pantau Janji Kupang",
            "Indikator · PG-4",
            "Tempat sampah RT",
            "900 dari 1.347 unit (67%)",
            "per 14 Agustus 2025",
            "Dalam proses",
            "janji.example.org",
        ]

    def test_without_a_realised_figure_the_card_says_so_and_shows_only_the_target(self):
        indicator = bins()
        make_reading(indicator, value=Decimal(1347), counts=Reading.Counts.ALLOCATED)

        card = previews.indicator_card(loaded(indicator), "janji.example.org")

        assert (card.figure, card.figure_note) == ("Belum ada angka realisasi", "Target 1.347 unit")
        assert card.status == "" and "Indikator" in card.kicker

    def test_a_figure_without_a_target_is_shown_as_the_source_gave_it(self):
        indicator = bins(target_value=None, target_source=None)
        make_reading(indicator, value=Decimal(26), qualifier=Reading.Qualifier.LEBIH_DARI)

        assert previews.figure(loaded(indicator)) == ("lebih dari 26 unit", "per 14 Agustus 2025")

    def test_a_promise_card_shows_its_first_indicator_with_a_realised_figure_and_when_its_status_changed(self):
        promise = make_promise(code="PG-4", title="Satu tempat sampah untuk setiap RT")
        with time_machine.travel(datetime(2025, 9, 22, 17, 0, tzinfo=UTC), tick=False):  # 23 September in Kupang
            rate(promise, Status.DITEPATI_SEBAGIAN)
        make_indicator(promise=promise, name="Tanpa angka", order=1)
        indicator = bins(promise, order=2)
        make_reading(indicator, value=Decimal(900))
        promise = Promise.objects.with_related().get(pk=promise.pk)
        indicators = list(Indicator.objects.filter(promise=promise).with_readings())

        card = previews.promise_card(promise, indicators, promise.changes.get().created_at, "janji.example.org")

        assert card.lines() == [
            "Pantau Janji Kupang",
            f"PG-4 · {promise.sector.name}",
            "Satu tempat sampah untuk setiap RT",
            "900 dari 1.347 unit (67%)",
            "Tempat sampah RT · per 14 Agustus 2025",
            "Ditepati sebagian",
            "sejak 23 September 2025",
            "janji.example.org",
        ]

    def test_a_promise_never_rated_and_without_figures_shows_its_status_only(self):
        promise = make_promise()
        card = previews.promise_card(Promise.objects.with_related().get(pk=promise.pk), [], None, "x.example")
        assert (card.status_label, card.figure, card.since) == ("Belum dinilai", "", "")

    def test_text_the_font_cannot_draw_is_simplified_instead_of_shown_as_boxes(self):
        assert previews.drawable("Café – “Rp3 miliar” · 67%") == "Cafe - “Rp3 miliar” · 67%"
        assert previews.drawable("日") == "?"


class ImageTests(TestCase):
    def card(self, **overrides) -> previews.Card:
        values = {
            "kicker": "PG-4 · Sampah",
            "title": "Satu tempat sampah untuk setiap RT",
            "status": Status.DALAM_PROSES,
            "figure": "900 dari 1.347 unit (67%)",
            "figure_note": "Tempat sampah RT · per 14 Agustus 2025",
            "since": "sejak 23 September 2025",
            "domain": "janji.example.org",
        }
        return previews.Card(**(values | overrides))

    def test_the_card_is_a_small_1200_by_630_png(self):
        png = previews.render(self.card())
        image = opened(png)
        assert (image.format, image.size) == ("PNG", (1200, 630))
        assert len(png) < 60_000

    def test_the_badge_has_the_colour_the_pages_give_its_status(self):
        kept = badge_colour(previews.render(self.card(status=Status.DITEPATI)))
        broken = badge_colour(previews.render(self.card(status=Status.TIDAK_DITEPATI)))
        assert kept == (0x14, 0x69, 0x2F)  # --s-ditepati in site.css
        assert broken == (0xA3, 0x20, 0x1D)  # --s-tidak_ditepati
        assert previews.status_colour(Status.DITEPATI) == kept

    def test_every_status_has_a_colour_and_a_card_with_its_glyph(self):
        colours = set()
        for status in Status:
            colours.add(badge_colour(previews.render(self.card(status=status))))
        assert len(colours) == len(Status)

    def test_a_card_without_a_status_has_no_badge(self):
        png = previews.render(self.card(status="", since=""))
        assert badge_colour(png) == previews.colours()["bg"]

    def test_a_long_title_takes_at_most_three_lines_ending_with_an_ellipsis(self):
        font = previews._font(52)
        lines = previews._wrap("sangat panjang " * 40, font, 1072, previews.TITLE_LINES)
        assert len(lines) == 3 and lines[-1].endswith("…")
        assert all(font.getlength(line) <= 1072 for line in lines)
        assert previews._wrap("pendek", font, 1072, 3) == ["pendek"]


class PreviewViewTests(TestCase):
    def setUp(self):
        self.promise = make_promise(code="PG-4", title="Satu tempat sampah untuk setiap RT")
        rate(self.promise, Status.DALAM_PROSES)
        self.promise.refresh_from_db()
        self.indicator = bins(self.promise)
        make_reading(self.indicator, value=Decimal(900))
        self.promise_url = reverse("promises:promise_preview", kwargs={"pk": self.promise.pk})
        self.indicator_url = reverse("promises:indicator_preview", kwargs={"slug": self.indicator.slug})

    def test_the_urls_are_the_documented_ones(self):
        assert self.promise_url == f"/janji/{self.promise.pk}/pratinjau.png"
        assert self.indicator_url == f"/indikator/{self.indicator.slug}/pratinjau.png"

    def test_both_previews_are_public_cacheable_pngs_with_an_etag(self):
        for url in (self.promise_url, self.indicator_url):
            response = self.client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/png"
            assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
            assert response["ETag"].startswith('"')
            assert not response.cookies and "Cookie" not in response.get("Vary", "")
            assert opened(response.content).size == (1200, 630)

    def test_the_same_etag_is_answered_304(self):
        etag = self.client.get(self.promise_url)["ETag"]
        assert self.client.get(self.promise_url, headers={"If-None-Match": etag}).status_code == 304

    def test_head_answers_200_and_post_is_refused(self):
        assert self.client.head(self.promise_url).status_code == 200
        assert self.client.head(self.indicator_url).status_code == 200
        assert self.client.post(self.promise_url).status_code == 405

    def test_an_unknown_promise_or_indicator_is_404(self):
        assert self.client.get(reverse("promises:promise_preview", kwargs={"pk": 999999})).status_code == 404
        assert self.client.get(reverse("promises:indicator_preview", kwargs={"slug": "tidak-ada"})).status_code == 404

    def test_a_status_change_draws_a_new_card_on_the_next_request(self):
        first = self.client.get(self.promise_url)
        assert self.client.get(self.promise_url).content == first.content  # from the cache
        assert badge_colour(first.content) == previews.status_colour(Status.DALAM_PROSES)

        rate(self.promise, Status.DITEPATI)

        second = self.client.get(self.promise_url)
        assert second.content != first.content and second["ETag"] != first["ETag"]
        assert badge_colour(second.content) == previews.status_colour(Status.DITEPATI)
        assert badge_colour(self.client.get(self.indicator_url).content) == previews.status_colour(Status.DITEPATI)

    def test_a_new_figure_draws_a_new_indicator_card(self):
        first = self.client.get(self.indicator_url).content
        make_reading(self.indicator, value=Decimal(1000), as_of=date(2025, 9, 1))
        assert self.client.get(self.indicator_url).content != first

    def test_the_card_follows_the_language_of_the_address(self):
        indonesian = self.client.get(self.promise_url).content
        english = self.client.get("/en" + self.promise_url)
        assert english.status_code == 200 and english.content != indonesian

    def test_preview_url_is_the_absolute_address_of_the_card(self):
        request = RequestFactory().get("/")
        assert previews.preview_url(request, self.promise) == "http://testserver" + self.promise_url
        with self.settings(SITE_URL="https://pantau.example"):
            assert previews.preview_url(request, self.indicator) == "https://pantau.example" + self.indicator_url


@pytest.fixture
def rows(db):
    """A promise with two indicators of several readings each: enough that an N+1 would show."""
    promise = make_promise()
    rate(promise, Status.DALAM_PROSES)
    for order in (1, 2):
        indicator = bins(promise, order=order)
        for day in (1, 5, 9, 13):
            make_reading(indicator, value=Decimal(100 * day), as_of=date(2025, 8, day))
    data_version.set_new_version()  # as after any write: the version is in the cache
    return promise, indicator


def test_a_drawn_promise_card_costs_a_fixed_number_of_queries_and_a_stored_one_one_query(
    client, rows, django_assert_num_queries
):
    promise, _indicator = rows
    url = reverse("promises:promise_preview", kwargs={"pk": promise.pk})
    # the version and the stored card; the promise; the indicators, their readings and conflict marks; storing
    with django_assert_num_queries(1 + 1 + 3 + CACHE_SET_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_drawn_indicator_card_costs_a_fixed_number_of_queries_and_a_stored_one_one_query(
    client, rows, django_assert_num_queries
):
    _promise, indicator = rows
    url = reverse("promises:indicator_preview", kwargs={"slug": indicator.slug})
    with django_assert_num_queries(1 + 3 + CACHE_SET_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.head(url).status_code == 200
