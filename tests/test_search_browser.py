"""The search page in Chromium on a 360-px phone: a reader searches from the page itself (a plain GET form, no
JavaScript needed) and sees the groups; screenshots go to screenshots/ like the other page types."""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_browser import DESKTOP, PHONE, SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reader_on_a_phone_searches_and_sees_the_groups(kupang, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(kupang + "/cari/")
    page.get_by_label("Cari janji, angka program, sumber, dan perubahan").fill("kontainer")
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"/cari/\?q=kontainer"))
    for title in ("Janji", "Angka program", "Sumber", "Perubahan"):
        expect(page.get_by_role("heading", level=2, name=re.compile(rf"^{title} \(\d+\)$"))).to_be_visible()
    expect(page.locator("#hasil-janji")).to_contain_text("Satu tempat sampah untuk setiap RT")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "cari-ponsel.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the search page scrolls sideways by {overflow}px at 360px"

    page.locator("#hasil-sumber").get_by_role("link", name=re.compile("Tampilkan semua")).click()
    expect(page).to_have_url(re.compile(r"jenis=sumber"))
    expect(page.get_by_role("heading", level=2)).to_have_count(1)


def test_a_typo_offers_the_right_word_without_javascript(kupang, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(kupang + "/cari/")
    page.get_by_label("Cari janji, angka program, sumber, dan perubahan").fill("sampha")
    page.get_by_label("Cari janji, angka program, sumber, dan perubahan").press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Tidak ada hasil")
    page.locator(".suggestion").get_by_role("link", name="sampah").click()
    expect(page).to_have_url(re.compile(r"q=sampah$"))
    expect(page.locator("#hasil-janji h2")).to_have_text("Janji (15)")  # CP-2 … PG-8 in the audit
    page.screenshot(path=SHOTS / "cari-desktop.png", full_page=True)
    context.close()
