"""Readers' reports in a real browser on the Kupang data (issue 13): a reader on a 360-px phone sends a
correction from a promise page, without JavaScript and with; an editor turns it into a figure on the desk; the
changes log names the reader only where they allowed it. Screenshots go to screenshots/laporan-*.png."""

import pytest
from playwright.sync_api import Page, expect

from promises.models import Indicator, LogEntry, Report

from .helpers import make_editor
from .test_browser import DESKTOP, PHONE, SHOTS, wait_for_htmx
from .test_desk_browser import field, fill_new_source, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = "Menurut berita 15 Agustus 2025, kontainer sampah untuk RT sudah 1.347 unit, bukan 1.300."
CONTACT = "0812 3456 7890"


def send_report(page: Page, base: str, *, name: str, public: bool) -> str:
    """From the bins indicator's page to the receipt; the receipt number."""
    indicator = Indicator.objects.get(slug="tempat-sampah-rt")
    page.goto(base + indicator.get_absolute_url())
    page.get_by_role("link", name="Kirim koreksi atau kabar tentang angka ini").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirim koreksi atau kabar")
    expect(page.locator("main")).to_contain_text(indicator.name)
    page.get_by_role("button", name="Kirim laporan").click()  # empty: a message, nothing stored
    expect(page.get_by_role("alert").first).to_contain_text("Laporan belum terkirim")
    assert not Report.objects.exists()
    page.get_by_label("Apa yang salah atau baru?").fill(TEXT)
    page.get_by_label("Tautan bukti (boleh kosong)").fill("https://berita.example/kontainer-1347")
    page.get_by_label("Nama (boleh kosong)").fill(name)
    if public:
        page.get_by_label("Nama saya boleh ditampilkan bila laporan ini ditindaklanjuti").check()
    page.get_by_label("Nomor WhatsApp atau e-mail (boleh kosong, tidak pernah ditampilkan)").fill(CONTACT)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih, laporan Anda sudah kami terima")
    report = Report.objects.get(name=name)
    expect(page.locator(".receipt")).to_contain_text(report.receipt)
    assert CONTACT not in page.content()
    assert (report.indicator.slug, report.text, report.contact, report.name_public) == (
        "tempat-sampah-rt",
        TEXT,
        CONTACT,
        public,
    )
    return report.receipt


@pytest.mark.parametrize("javascript", [False, True])
def test_a_reader_on_a_phone_sends_a_report_and_an_editor_turns_it_into_a_figure(kupang, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    reader = context.new_page()
    receipt = send_report(reader, kupang, name="Maria Bria", public=javascript)
    promise = Indicator.objects.get(slug="tempat-sampah-rt").promise
    reader.goto(kupang + promise.get_absolute_url())
    expect(reader.locator(".reports")).to_contain_text("1 laporan pembaca sedang ditinjau")

    make_editor("redaktur")
    editor_context, desk = log_in(browser, kupang, "redaktur", next_url="/meja/laporan/", javascript=javascript)
    desk.set_viewport_size(PHONE)
    expect(desk.locator("#antrean")).to_contain_text(TEXT)
    expect(desk.locator("#antrean")).to_contain_text(CONTACT)
    desk.get_by_role("link", name="Catat di meja editor").click()
    expect(desk.locator("#meja .report-from")).to_contain_text(receipt)
    expect(field(desk, "url")).to_have_value("https://berita.example/kontainer-1347")
    if javascript:
        wait_for_htmx(desk)
    fill_new_source(desk, "https://berita.example/kontainer-1347", "Kontainer sampah RT capai 1.347 unit")
    field(desk, "summary").fill("Kontainer sampah untuk RT disebut sudah 1.347 unit.")
    desk.get_by_role("button", name="+ Angka").click()
    bins = Indicator.objects.get(slug="tempat-sampah-rt")
    field(desk, "angka-0-indicator").select_option(str(bins.pk))
    field(desk, "angka-0-value").fill("1347")
    field(desk, "angka-0-unit").fill("unit")
    field(desk, "angka-0-as_of").fill("2025-08-15")
    field(desk, "angka-0-counts").select_option("procured")
    field(desk, "angka-0-said_by").select_option("wali_kota")
    desk.get_by_role("button", name="Simpan semua").click()
    expect(desk.locator("main")).to_contain_text(f"Laporan pembaca {receipt} ditindaklanjuti.")
    report = Report.objects.get(receipt=receipt)
    entry = LogEntry.objects.get(report=report)
    assert report.state == "diterima" and entry.reading.value == 1347
    editor_context.close()

    reader.goto(kupang + "/perubahan/")
    row = reader.locator(f"#{entry.anchor}")
    expected = "berdasarkan laporan pembaca, Maria Bria" if javascript else "berdasarkan laporan pembaca"
    expect(row).to_contain_text(expected)
    assert ("Maria Bria" in reader.content()) == javascript  # the name only where the reader allowed it
    assert CONTACT not in reader.content()
    reader.goto(kupang + f"/laporan/{receipt}/")
    expect(reader.locator("main")).to_contain_text("Ditindaklanjuti")
    context.close()


@pytest.mark.parametrize("width,size", [(360, PHONE), (1280, DESKTOP)])
def test_the_report_pages_fit_the_screen_and_are_screenshotted(kupang, browser, width, size):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=size)
    page = context.new_page()
    receipt = send_report(page, kupang, name="Yohanes", public=False)
    page.screenshot(path=SHOTS / f"laporan-tanda-terima-{width}.png", full_page=True)
    page.goto(kupang + "/laporan/?indikator=tempat-sampah-rt")
    page.screenshot(path=SHOTS / f"laporan-formulir-{width}.png", full_page=True)
    page.goto(kupang + "/tentang/")
    page.screenshot(path=SHOTS / f"tentang-{width}.png", full_page=True)
    make_editor("redaktur")
    editor_context, queue = log_in(browser, kupang, "redaktur", next_url="/meja/laporan/")
    queue.set_viewport_size(size)
    expect(queue.locator("#antrean")).to_contain_text(receipt)
    queue.screenshot(path=SHOTS / f"laporan-antrean-{width}.png", full_page=True)
    for view in (page, queue):
        overflow = view.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (view.url, overflow)
    editor_context.close()
    context.close()
