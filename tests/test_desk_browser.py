"""The editors' desk ("Catat artikel", /meja/artikel/) in a real browser, on the real Kupang data (issue 12).

One article in, everything it says recorded in one save: without JavaScript every button is a plain POST and a
page load; with htmx the same buttons swap the form in place and the page never reloads. Verdicts wait for a
second editor; a recheck is not a status change; the desk fits a phone. Screenshots go to screenshots/desk-*.png.
"""

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from promises import services
from promises.models import Indicator, LogEntry, Promise, PromiseSource, Reading, Source, StatusChange, StatusProposal

from .effort import Recorder, seed_text
from .helpers import make_editor
from .test_browser import AXE, DESKTOP, PHONE, SHOTS, wait_for_htmx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTICLE_URL = "https://berita.example/meja-uji?utm_source=wa"
ARTICLE_TEXT = (
    "Pada Kamis (14/8/2025) Wali Kota menyebut Pemkot Kupang telah mengadakan 1.300 kontainer sampah untuk RT. "
    "Perputaran uang di Saboak mencapai lebih dari Rp200 juta setiap akhir pekan. "
    "Pemkot juga mulai membagikan kontainer besi ke kelurahan."
)
LINK_NOTE = "Saboak disebut pusat ekonomi dengan perputaran lebih dari Rp200 juta per akhir pekan."
STATUS_REASON = "Pembagian kontainer besi ke kelurahan sudah dimulai menurut wali kota."
SAVED = "Tersimpan: 1 tautan janji, 2 angka, 1 status."


def log_in(
    browser, base: str, username: str, *, next_url: str = "/meja/artikel/", javascript: bool = True, axe: bool = False
):
    """A new browser context where `username` has logged in at /masuk/ and landed on `next_url`; with `axe`, one
    that lets axe be injected (the site's CSP rightly refuses injected scripts)."""
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=axe)
    page = context.new_page()
    page.goto(base + "/masuk/?next=" + next_url)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill("kata-sandi-uji")
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(base + next_url)
    return context, page


def field(page: Page, name: str):
    return page.locator(f"#meja [name='{name}']")


def suggested_figure(page: Page, text: str):
    exact = re.compile("^" + re.escape(text) + "$")
    return page.locator("#meja section.suggest li").filter(has=page.locator("strong", has_text=exact))


def fill_new_source(page: Page, url: str, headline: str) -> None:
    field(page, "url").fill(url)
    field(page, "outlet").fill("Media Uji Kupang")
    field(page, "headline").fill(headline)
    field(page, "kind").select_option("media")
    field(page, "published").fill("2025-08-15")
    page.locator("#meja [name='reliability'][value='biasa']").check()


def tick_the_first_suggestions(recorder: Recorder, url: str, seed_file: str) -> None:
    """Paste a URL and a seed article, check them, tick the first promise and figure offered, add them."""
    page = recorder.page
    field(page, "url").fill(url)
    field(page, "text").fill(seed_text({"seed_file": seed_file}))
    recorder.submit(page.get_by_role("button", name="Periksa URL dan teks"), "periksa")
    page.locator("#meja input[name='saran-angka']").first.check()
    page.locator("#meja input[name='saran-janji']").first.check()
    recorder.submit(page.get_by_role("button", name="Tambahkan yang dicentang"), "tambahkan")


def record_the_article(recorder: Recorder) -> None:
    """A promise link (suggested), a figure from a suggestion, a figure typed in, a status change, one save."""
    page = recorder.page
    saboak = Promise.objects.get(code="CP-16")
    containers = Promise.objects.get(code="PG-5")
    fill_new_source(page, ARTICLE_URL, "Pemkot bagikan kontainer sampah")
    field(page, "summary").fill("Wali kota menyebut kontainer sampah yang sudah diadakan dan omzet Saboak.")
    field(page, "text").fill(ARTICLE_TEXT)
    recorder.submit(page.get_by_role("button", name="Periksa URL dan teks"), "periksa")

    page.locator(f"#meja input[name='saran-janji'][value='{saboak.pk}']").check()
    suggested_figure(page, "lebih dari Rp200 juta").get_by_role("checkbox").check()
    recorder.submit(page.get_by_role("button", name="Tambahkan yang dicentang"), "tambahkan")
    expect(field(page, "janji-0-promise")).to_have_value(str(saboak.pk))
    field(page, "janji-0-note").fill(LINK_NOTE)

    omzet = Indicator.objects.get(slug="omzet-saboak-per-pekan")
    expect(field(page, "angka-0-indicator")).to_have_value(str(omzet.pk))
    expect(field(page, "angka-0-qualifier")).to_have_value("lebih_dari")
    assert float(field(page, "angka-0-value").input_value()) == 200_000_000
    expect(field(page, "angka-0-as_of")).to_have_value("2025-08-14")  # the article's day, from its first date
    expect(field(page, "angka-0-counts")).to_have_value("used")  # "Perputaran uang"
    field(page, "angka-0-said_by").select_option("wali_kota")

    recorder.submit(page.get_by_role("button", name="+ Angka"), "tambah angka")
    bins = Indicator.objects.get(slug="tempat-sampah-rt")
    field(page, "angka-1-indicator").select_option(str(bins.pk))
    field(page, "angka-1-value").fill("1300")
    field(page, "angka-1-unit").fill("unit")
    field(page, "angka-1-as_of").fill("2025-08-14")
    field(page, "angka-1-counts").select_option("procured")
    field(page, "angka-1-said_by").select_option("wali_kota")

    recorder.submit(page.get_by_role("button", name="+ Perubahan status"), "tambah status")
    field(page, "status-0-promise").select_option(str(containers.pk))
    field(page, "status-0-status").select_option("dalam_proses")
    field(page, "status-0-verification").select_option("klaim_pemerintah")
    field(page, "status-0-reason").fill(STATUS_REASON)
    recorder.submit(page.get_by_role("button", name="Simpan semua"), "simpan")


def assert_the_article_is_recorded(base: str, browser, editor) -> None:
    source = Source.objects.get(url="https://berita.example/meja-uji")
    assert (source.outlet, source.kind, source.created_by) == ("Media Uji Kupang", "media", editor)
    assert PromiseSource.objects.get(promise__code="CP-16", source=source).note == LINK_NOTE
    readings = Reading.objects.filter(source=source, created_by=editor).order_by("value")
    assert [(r.indicator.slug, int(r.value), r.qualifier, r.counts) for r in readings] == [
        ("tempat-sampah-rt", 1300, "", "procured"),
        ("omzet-saboak-per-pekan", 200_000_000, "lebih_dari", "used"),
    ]
    change = StatusChange.objects.get(promise__code="PG-5", editor=editor)
    assert (change.from_status, change.to_status, change.reason) == ("belum_dinilai", "dalam_proses", STATUS_REASON)
    assert list(change.sources.all()) == [source]
    assert sorted(LogEntry.objects.filter(editor=editor).values_list("kind", flat=True)) == [
        "angka",
        "angka",
        "status",
        "sumber",
    ]

    anonymous = browser.new_context()
    page = anonymous.new_page()
    page.goto(base + "/perubahan/")
    log = page.locator("ol.changes")
    for text in (STATUS_REASON, LINK_NOTE, "Omzet Saboak per akhir pekan", "Tempat sampah untuk setiap RT"):
        expect(log).to_contain_text(text)
    expect(log.locator("li").filter(has_text=STATUS_REASON)).to_contain_text(f"oleh {editor.username}")
    expect(log).to_contain_text("Media Uji Kupang")
    anonymous.close()


def test_a_new_editor_records_an_article_with_a_link_two_figures_and_a_status_change_in_one_save_without_javascript(
    kupang, browser
):
    editor = make_editor("redaktur-baru")
    context, page = log_in(browser, kupang, editor.username, javascript=False)
    recorder = Recorder(page, javascript=False)
    record_the_article(recorder)
    # every button was a plain POST answered by a whole page; the save redirected to the desk with its message
    assert recorder.seen["load"] == 5
    expect(page).to_have_url(re.compile(r"/meja/artikel/\?url=https%3A%2F%2Fberita.example%2Fmeja-uji$"))
    expect(page.locator("p.message")).to_have_text(SAVED)
    expect(page.locator("#meja .known")).to_contain_text(LINK_NOTE)
    context.close()
    assert_the_article_is_recorded(kupang, browser, editor)


def test_a_new_editor_records_the_same_article_with_javascript_in_swaps_without_a_page_load(kupang, browser):
    editor = make_editor("redaktur-baru")
    context, page = log_in(browser, kupang, editor.username)
    wait_for_htmx(page)
    recorder = Recorder(page)
    page.evaluate("window.sameDesk = true")
    record_the_article(recorder)
    expect(page.locator("#meja .saved")).to_have_text(SAVED)
    # five swaps, and the page that was loaded is still the one on screen
    assert recorder.seen["htmx:afterSwap"] == 5 and recorder.seen["load"] == 0
    assert page.evaluate("window.sameDesk") is True, "the desk reloaded"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    # the saved desk is empty again, ready for the next article from the same source
    expect(page.locator("#meja fieldset.row")).to_have_count(0)
    expect(field(page, "url")).to_have_value("https://berita.example/meja-uji")
    context.close()
    assert_the_article_is_recorded(kupang, browser, editor)


def test_a_verdict_waits_for_a_second_editor(kupang, browser):
    first, second = make_editor("redaktur-a"), make_editor("redaktur-b")
    promise = Promise.objects.get(code="PG-17")
    assert promise.status == "ditepati_sebagian"
    url = kupang + promise.get_absolute_url()
    reason = "Juru bahasa isyarat kini hadir di setiap acara resmi kota menurut liputan baru."

    context, page = log_in(browser, kupang, first.username)
    recorder = Recorder(page)
    fill_new_source(page, "https://berita.example/juru-bahasa-isyarat", "Juru bahasa isyarat di acara kota")
    recorder.submit(page.get_by_role("button", name="+ Perubahan status"), "tambah status")
    field(page, "status-0-promise").select_option(str(promise.pk))
    field(page, "status-0-status").select_option("ditepati")
    field(page, "status-0-verification").select_option("dikonfirmasi_media")
    field(page, "status-0-reason").fill(reason)
    recorder.submit(page.get_by_role("button", name="Simpan semua"), "simpan")
    expect(page.locator("#meja .saved")).to_contain_text("1 putusan menunggu persetujuan editor lain.")
    page.goto(url)
    expect(page.locator(".proposals")).to_contain_text("Usulan Anda sendiri: editor lain yang memutuskannya.")
    assert page.get_by_role("button", name="Simpan putusan").count() == 0
    context.close()
    proposal = StatusProposal.objects.get(promise=promise)
    assert proposal.proposed_by == first

    anonymous = browser.new_context()
    public = anonymous.new_page()
    public.goto(url)
    expect(public.locator("#status-blok .badge").first).to_contain_text("Ditepati sebagian")
    expect(public.locator("#janji")).not_to_contain_text(reason)
    assert public.locator(".proposals").count() == 0

    context, page = log_in(browser, kupang, second.username, next_url=promise.get_absolute_url())
    wait_for_htmx(page)
    page.locator(f"[name='usulan-{proposal.pk}-decision'][value='setujui']").check()
    page.locator(f"[name='usulan-{proposal.pk}-note']").fill("Sumbernya sudah saya baca.")
    page.get_by_role("button", name="Simpan putusan").click()
    expect(page.locator("#status-blok .badge").first).to_have_text(re.compile(r"Ditepati$"))
    context.close()

    public.reload()
    expect(public.locator("#status-blok .badge").first).to_have_text(re.compile(r"Ditepati$"))
    entry = public.locator("#riwayat li").filter(has_text=reason)
    expect(entry).to_contain_text("oleh redaktur-a · disetujui oleh redaktur-b")
    anonymous.close()


def test_a_recheck_is_not_a_status_change(kupang, browser):
    editor = make_editor("redaktur")
    promise = Promise.objects.get(code="PG-20")
    status, verification, changes = promise.status, promise.verification, promise.changes.count()
    reason = "Diperiksa lagi: belum ada sumber baru tentang bantuan hukum dari Kejari."

    context, page = log_in(browser, kupang, editor.username, next_url=promise.get_absolute_url())
    wait_for_htmx(page)
    page.get_by_text("Ubah status", exact=True).click()
    page.get_by_label("Status baru").select_option(status)
    page.get_by_label("Verifikasi").select_option(verification)
    page.get_by_label("Alasan").fill(reason)
    page.get_by_role("button", name="Simpan status").click()
    expect(page.locator("#status-blok")).to_contain_text("Status dan verifikasinya sama dengan yang sekarang.")
    assert promise.changes.count() == changes
    assert not LogEntry.objects.filter(promise=promise, kind=LogEntry.Kind.RECHECK).exists()

    page.get_by_label("Diperiksa ulang: statusnya tetap").check()
    page.get_by_role("button", name="Simpan status").click()
    today = timezone.localdate()
    expect(page.locator("#status-blok")).to_contain_text(f"Terakhir diperiksa {date_format(today, 'j F Y')}")
    expect(page.locator("#riwayat li").first).to_contain_text("Diperiksa ulang; statusnya tidak berubah.")
    context.close()

    promise.refresh_from_db()
    assert (promise.status, promise.verification, promise.last_checked) == (status, verification, today)
    assert promise.changes.count() == changes, "a recheck wrote a status change"
    assert LogEntry.objects.get(promise=promise, kind=LogEntry.Kind.RECHECK).note == reason

    anonymous = browser.new_context()
    page = anonymous.new_page()
    page.goto(kupang + "/perubahan/")
    entry = page.locator("ol.changes li").filter(has_text=reason)
    expect(entry).to_contain_text("Diperiksa ulang; statusnya tidak berubah.")
    expect(entry).to_contain_text(f"oleh {editor.username}")
    anonymous.close()


@pytest.mark.parametrize("width,size", [(360, PHONE), (1280, DESKTOP)])
def test_the_desk_with_rows_and_suggestions_fits_the_screen_and_is_screenshotted(kupang, browser, width, size):
    make_editor("redaktur")
    context, page = log_in(browser, kupang, "redaktur")
    page.set_viewport_size(size)
    wait_for_htmx(page)
    recorder = Recorder(page)
    detik = "https://detikntt.com/wali-kota-kupang-penuhi-30-persen-janji-kampanye-di-100-hari-kerja/"
    tick_the_first_suggestions(recorder, detik, "003_f727d920a6324f18.txt")
    expect(page.locator("#meja .known")).to_contain_text("Sumber ini sudah tercatat")
    expect(page.locator("#meja section.suggest")).to_contain_text("sudah tercatat dari sumber ini")
    field(page, "angka-0-said_by").select_option("wali_kota")
    field(page, "janji-0-note").fill("Catatan uji.")
    recorder.submit(page.get_by_role("button", name="+ Perubahan status"), "tambah status")
    expect(page.locator("#meja fieldset.row")).to_have_count(3)
    expect(page.locator("#meja section.suggest")).to_be_visible()

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"desk-{width}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
        " document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
        " + (e.name || ''))"
    )
    assert overflow <= 0 and not wide, f"the desk is wider than {width}px: {overflow}px, {wide}"
    context.close()


def test_an_editor_can_remove_an_unfinished_row_before_filling_it_in(kupang, browser):
    make_editor("redaktur")
    context, page = log_in(browser, kupang, "redaktur")
    wait_for_htmx(page)
    recorder = Recorder(page)
    field(page, "url").fill(ARTICLE_URL)
    # the helper buttons skip the browser's validation (formnovalidate): an empty required field in one row does
    # not block adding another row or removing it
    recorder.submit(page.get_by_role("button", name="+ Angka"), "tambah angka")
    recorder.submit(page.get_by_role("button", name="+ Tautan ke janji"), "tambah janji")
    expect(page.locator("#meja fieldset.row")).to_have_count(2)
    recorder.submit(page.locator("#meja button[name='hapus'][value='angka-0']"), "hapus")
    expect(page.locator("#meja fieldset.row")).to_have_count(1)
    expect(field(page, "janji-0-promise")).to_be_visible()
    context.close()


def test_a_change_by_another_editor_since_the_desk_was_opened_refuses_the_save_even_after_a_re_render(kupang, browser):
    editor = make_editor("redaktur")
    promise = Promise.objects.get(code="PG-5")
    context, page = log_in(browser, kupang, editor.username)
    wait_for_htmx(page)
    recorder = Recorder(page)
    fill_new_source(page, ARTICLE_URL, "Pemkot bagikan kontainer besi")
    recorder.submit(page.get_by_role("button", name="+ Perubahan status"), "tambah status")
    field(page, "status-0-promise").select_option(str(promise.pk))
    field(page, "status-0-status").select_option("dalam_proses")
    field(page, "status-0-verification").select_option("klaim_pemerintah")
    field(page, "status-0-reason").fill(STATUS_REASON)
    # meanwhile another editor rates the promise
    services.change_status(
        promise,
        expected_version=promise.version,
        status="dalam_proses",
        verification="dikonfirmasi_media",
        reason="Liputan lain.",
        sources=[Source.objects.order_by("pk").first()],
    )
    recorder.submit(page.get_by_role("button", name="Periksa URL dan teks"), "periksa")
    recorder.submit(page.get_by_role("button", name="Simpan semua"), "simpan")
    try:
        expect(page.locator("#meja .errors")).to_contain_text("diubah orang lain", timeout=3000)
    finally:
        context.close()


def test_the_desk_with_suggestions_and_rows_has_no_serious_accessibility_violation(kupang, browser):
    make_editor("redaktur")
    context, page = log_in(browser, kupang, "redaktur", axe=True)
    wait_for_htmx(page)
    tick_the_first_suggestions(Recorder(page), "https://berita.example/baru-2025", "004_c769f8d908bd922b.txt")
    expect(field(page, "outlet")).to_have_value("Timesntt")  # filled in from "Times NTT" in the text
    expect(page.locator("#meja fieldset.row")).to_have_count(2)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in {"serious", "critical"}]
    context.close()
    assert not serious, serious
