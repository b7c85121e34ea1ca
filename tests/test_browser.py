"""What only a real browser shows: htmx swaps, history, layout on a phone, accessibility.

Runs Debian's Chromium through Playwright (see conftest.py). Screenshots of every page type at phone and
desktop width go to screenshots/ for a person to look at.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from promises.models import Indicator, Promise

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

# serialized_rollback: the groups and permissions made by migrations survive the flush between tests
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_for_htmx(page: Page) -> None:
    # Not page.wait_for_function: when its first try comes before the deferred htmx script has run, it polls by
    # evaluating a string in the page, which the strict CSP (no unsafe-eval) refuses.
    page.wait_for_load_state("load")
    assert page.evaluate("window.htmx !== undefined"), "htmx did not load"


def page_urls(base: str) -> dict[str, str]:
    promise = Promise.objects.exclude(indicators=None).order_by("code").first()
    indicator = Indicator.objects.get(slug="tempat-sampah-rt")
    return {
        "beranda": base + "/",
        "janji": base + "/janji/",
        "janji-detail": base + promise.get_absolute_url(),
        "indikator": base + indicator.get_absolute_url(),
        "indikator-periode": base + Indicator.objects.get(slug="dana-pengaman-pasien").get_absolute_url(),
        "angka": base + "/angka/",
        "klaim": base + "/klaim/",
        "sumber": base + "/sumber/",
        "perubahan": base + "/perubahan/",
        "metodologi": base + "/metodologi/",
        "tentang": base + "/tentang/",
        "data": base + "/data/",
        "english": base + "/en/",
        "english-janji": base + "/en" + promise.get_absolute_url(),
        "404": base + "/tidak-ada/",
    }


def test_a_reader_filters_by_sector_opens_a_promise_and_an_indicator_and_goes_back(kupang, page: Page):
    page.goto(kupang + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Janji")
    expect(page.locator(".claim")).to_contain_text("22 dari 72")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Janji").click()
    expect(page).to_have_url(re.compile(r"/janji/$"))
    wait_for_htmx(page)

    page.get_by_label("Bidang").select_option("sampah")
    expect(page).to_have_url(re.compile(r"bidang=sampah"))
    expect(page.locator("#hasil")).not_to_contain_text("Dana Pengaman")
    # the swap replaced only the results: the form is the same element, nothing reloaded
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    count_text = page.locator("#hasil-h").inner_text()

    page.locator("#hasil").get_by_role("link", name=re.compile("tempat sampah", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("sampah", re.I))
    page.locator(".indicator h3 a").first.click()
    expect(page.locator("table.ledger")).to_be_visible()

    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"bidang=sampah"))
    expect(page.locator("#hasil-h")).to_have_text(count_text)
    expect(page.get_by_label("Bidang")).to_have_value("sampah")


def test_the_promise_list_works_without_javascript(kupang, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(kupang + "/janji/")
    page.get_by_label("Bidang").select_option("kesehatan")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"bidang=kesehatan"))
    expect(page.locator("#hasil")).to_contain_text("Dana Pengaman")
    context.close()


@pytest.mark.parametrize("size_name,size", [("ponsel", PHONE), ("desktop", DESKTOP)])
def test_every_page_type_fits_the_screen_and_is_screenshotted(kupang, page: Page, size_name, size):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(size)
    for name, url in page_urls(kupang).items():
        page.goto(url)
        page.screenshot(path=SHOTS / f"{name}-{size_name}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
            " document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px: {wide}"


def test_no_page_has_a_serious_or_critical_accessibility_violation(kupang, browser):
    assert AXE.exists(), "axe-core missing: run `npm ci` (make test does)"
    # our CSP forbids injected scripts, rightly; the test context lets axe in
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    failures = []
    for name, url in page_urls(kupang).items():
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run()).violations")
        for violation in violations:
            if violation["impact"] in {"serious", "critical"}:
                failures.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}")
    context.close()
    assert not failures, "\n".join(failures)


def test_an_editor_changes_a_status_with_a_new_source_without_a_reload(kupang, browser):
    from .helpers import make_editor

    make_editor("redaktur")
    promise = Promise.objects.filter(status="belum_dinilai").order_by("code").first()
    url = kupang + promise.get_absolute_url()

    context = browser.new_context()
    page = context.new_page()
    page.goto(kupang + "/masuk/?next=" + promise.get_absolute_url())
    page.get_by_label("Nama pengguna").fill("redaktur")
    page.get_by_label("Sandi").fill("kata-sandi-uji")
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(url)
    wait_for_htmx(page)
    page.evaluate("window.samePage = true")

    page.get_by_text("Ubah status", exact=True).click()
    page.get_by_label("Status baru").select_option("dalam_proses")
    page.get_by_label("Verifikasi").select_option("dikonfirmasi_media")
    page.get_by_label("Alasan").fill("Program sudah berjalan menurut liputan baru.")
    page.get_by_label("URL sumber baru").fill("https://kupang.example/liputan-baru")
    page.get_by_label("Media / penerbit").fill("Media Uji Kupang")
    page.get_by_label("Judul artikel").fill("Program berjalan")
    page.get_by_label("Jenis sumber").select_option("media")
    page.get_by_label("Tanggal terbit:", exact=True).fill("2025-09-10")
    page.get_by_role("button", name="Simpan status").click()

    expect(page.locator("#status-blok .badge").first).to_contain_text("Dalam proses")
    expect(page.locator("#riwayat")).to_contain_text("Program sudah berjalan menurut liputan baru.")
    expect(page.locator("#riwayat")).to_contain_text("Media Uji Kupang")
    assert page.evaluate("window.samePage") is True, "the page reloaded"
    context.close()

    anonymous = browser.new_context()
    page = anonymous.new_page()
    page.goto(url)
    expect(page.locator("#status-blok .badge").first).to_contain_text("Dalam proses")
    assert page.get_by_text("Ubah status", exact=True).count() == 0
    assert page.locator("form[method=post]").count() == 0
    anonymous.close()


def test_no_page_type_reports_a_content_security_policy_violation(kupang, browser):
    from .helpers import make_user

    make_user("admin-csp", superuser=True)
    from .helpers import make_editor

    make_editor("redaktur-csp")
    violations = []

    def watch(page):
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
        )
        return page

    anonymous = browser.new_context()
    page = watch(anonymous.new_page())
    for url in page_urls(kupang).values():
        page.goto(url)
    anonymous.close()

    for username, urls in [
        ("redaktur-csp", [page_urls(kupang)["janji-detail"], page_urls(kupang)["indikator"], kupang + "/sumber/"]),
        (
            "admin-csp",
            [
                kupang + "/admin/",
                kupang + "/admin/promises/promise/",
                kupang + "/admin/promises/promise/1/change/",
                kupang + "/admin/promises/indicator/1/change/",
                kupang + "/admin/promises/promise/impor/",
            ],
        ),
    ]:
        context = browser.new_context()
        page = watch(context.new_page())
        page.goto(kupang + "/masuk/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill("kata-sandi-uji")
        page.get_by_role("button", name="Masuk").click()
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            if "/janji/" in url:
                page.get_by_text(
                    "Ubah status", exact=True
                ).click()  # the editor's htmx form opens and loads nothing blocked
        context.close()
    assert not violations, violations
