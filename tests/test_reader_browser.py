"""What a reader on a phone sees of the evidence, the dashboard and a printed page (issue 14), in Chromium."""

import pytest
from playwright.sync_api import Page

from promises.models import Indicator, Promise

from .test_browser import DESKTOP, PHONE, SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREEN = 800  # one phone screen, as the audit counts them


def test_no_field_of_a_reading_is_off_screen_on_a_phone(kupang, page: Page):
    page.set_viewport_size(PHONE)
    indicator = Indicator.objects.get(slug="tempat-sampah-rt")
    page.goto(kupang + indicator.get_absolute_url())
    rows = page.locator("table.ledger tbody tr")
    assert rows.count() == len(indicator.ledger()) > 10
    width = page.evaluate("document.documentElement.clientWidth")
    for i in range(rows.count()):
        for cell in ["when", "num", "kind", "who", "src"]:
            box = rows.nth(i).locator(f"td.{cell}").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (i, cell, box)
    # the block shows who said it with its label, and the source link, without a sideways scroll
    first = rows.first
    assert first.locator("td.who").evaluate("e => getComputedStyle(e, '::before').content").startswith('"Disampaikan')
    assert first.locator("td.src a.cite").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SHOTS / "indikator-angka-ponsel.png", full_page=True)


def test_each_chart_dot_links_to_its_row(kupang, page: Page):
    page.set_viewport_size(DESKTOP)
    indicator = Indicator.objects.get(slug="tempat-sampah-rt")
    page.goto(kupang + indicator.get_absolute_url())
    links = page.locator("figure.chart svg a")
    assert links.count() > 5
    target = links.first.get_attribute("href")
    assert target.startswith("#angka-") and page.locator(target).count() == 1
    assert page.locator("figure.chart .conflicting").count() > 0  # the bins figures conflict (900, 921, 1.300)


def test_the_dashboard_up_to_the_latest_changes_fits_in_three_phone_screens(kupang, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(kupang + "/")
    top = page.locator("#perubahan-h").bounding_box()["y"]
    print(f"\ndashboard at 360 px: 'Perubahan terbaru' starts at {top:.0f} px ({top / SCREEN:.1f} screens)")
    assert top <= 3 * SCREEN
    # right after the two headline cards, a next step: the search box and the promise list
    assert page.locator("#cari-beranda").bounding_box()["y"] < page.locator("#status-h").bounding_box()["y"]
    assert page.get_by_role("link", name="Lihat semua").first.is_visible()
    assert page.locator("article.card.indicator").count() <= 4
    page.screenshot(path=SHOTS / "beranda-ponsel-atas.png")


def test_a_printed_promise_shows_no_controls_and_prints_its_source_urls(kupang, page: Page):
    promise = Promise.objects.get(code="PG-4")
    page.goto(kupang + promise.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in [".site-header", ".share", ".site-footer a[href*='masuk']"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    after = page.locator("main a.cite").first.evaluate("e => getComputedStyle(e, '::after').content")
    assert "http" in after
    assert page.locator(".print-foot").is_visible()
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(f"\nPG-4 printed: {pages} A4 pages")  # 5 with its 30 sources, each with its URL
    assert pdf.startswith(b"%PDF") and pages >= 1


def test_the_english_page_says_its_content_is_indonesian(kupang, page: Page):
    promise = Promise.objects.get(code="PG-4")
    page.goto(kupang + "/en" + promise.get_absolute_url())
    assert page.locator("p.notice").is_visible()
    assert page.locator("h1").get_attribute("lang") == "id"
    assert "units" in page.locator("body").inner_text()


def test_a_shared_promise_pages_preview_image_is_a_png_with_its_status_and_figure(kupang, page: Page):
    import io

    from PIL import Image

    from promises import previews
    from promises.previews import status_colour

    promise = Promise.objects.get(code="PG-4")
    page.goto(kupang + promise.get_absolute_url())
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert "/pratinjau.png" in image_url
    response = page.request.get(image_url)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    png = Image.open(io.BytesIO(response.body()))
    assert (png.format, png.size) == ("PNG", (1200, 630))
    assert png.convert("RGB").getpixel(previews.BADGE_SPOT) == status_colour(promise.status)
    indicators = list(Indicator.objects.filter(promise=promise).with_readings())
    lines = previews.promise_card(promise, indicators, None, "x").lines()
    assert promise.get_status_display() in lines
    assert "900 dari 1.347 unit (67%)" in lines
    (SHOTS / "pratinjau-PG-4.png").write_bytes(response.body())
