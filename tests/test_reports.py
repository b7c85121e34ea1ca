"""Readers' reports (issue 13): the form stores what was sent, refuses bots and floods, and never shows contacts."""

import html
import re
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from promises.models import Indicator, LogEntry, Report

from .helpers import make_editor, make_indicator, make_promise, make_user
from .test_desk import DESK, article, reading_row, with_rows
from .test_editor_fuzz import text

FORM = reverse("promises:report")
QUEUE = reverse("promises:report_queue")


class ReportFormTests(TestCase):
    def setUp(self):
        self.promise = make_promise()

    def send(self, **data):
        values = {"text": "Jumlah kontainer sudah 1.347 unit.", "contact": "0812 3456 7890"} | data
        return self.client.post(FORM, values, REMOTE_ADDR="203.0.113.7")

    def test_a_report_is_stored_with_a_receipt_and_its_promise(self):
        response = self.send(janji=str(self.promise.pk), name="Maria", name_public="on")
        report = Report.objects.get()
        assert response.status_code == 302 and report.receipt in response["Location"]
        assert report.promise == self.promise and report.name_public and report.state == Report.State.OPEN
        receipt = self.client.get(response["Location"]).content.decode()
        assert report.receipt in receipt and "0812" not in receipt and "1.347" not in receipt

    def test_only_the_form_page_sets_a_csrf_cookie_the_promise_page_links_to_it_without_one(self):
        page = self.client.get(self.promise.get_absolute_url())
        assert not page.cookies and f"/laporan/?janji={self.promise.pk}" in page.content.decode()
        form = self.client.get(f"/laporan/?janji={self.promise.pk}")
        assert form.cookies and self.promise.title in form.content.decode()

    def test_a_filled_honeypot_is_refused_and_stores_nothing(self):
        assert self.send(website="http://spam.example").status_code == 400
        assert not Report.objects.exists()

    def test_a_client_over_the_hourly_limit_is_refused_and_nothing_is_stored(self):
        with self.settings(REPORTS_PER_HOUR=2):
            assert [self.send().status_code for _i in range(3)] == [302, 302, 429]
        assert Report.objects.count() == 2

    def test_bad_input_gets_a_message_and_stores_nothing(self):
        for data in [{"text": ""}, {"contact": "bukan nomor"}, {"text": "<a href=x>klik</a>"}, {"text": "x" * 3001}]:
            assert self.send(**data).status_code == 400
        assert not Report.objects.exists()

    def test_the_promise_page_counts_waiting_reports_and_never_shows_the_contact(self):
        self.send(janji=str(self.promise.pk))
        page = self.client.get(self.promise.get_absolute_url()).content.decode()
        assert "1 laporan pembaca sedang ditinjau" in page
        assert "0812" not in page and "1.347 unit" not in page

    def test_purge_erases_contacts_of_reports_closed_long_ago_and_nothing_else(self):
        old = Report.objects.create(
            text="a", contact="0812", state="ditutup", closed_at=timezone.now() - timezone.timedelta(days=91)
        )
        recent = Report.objects.create(text="b", contact="0813", state="ditutup", closed_at=timezone.now())
        still_open = Report.objects.create(text="c", contact="0814")
        call_command("purge_report_contacts", verbosity=0)
        old.refresh_from_db(), recent.refresh_from_db(), still_open.refresh_from_db()
        assert (old.contact, recent.contact, still_open.contact) == ("", "0813", "0814")
        assert old.text == "a" and old.contact_erased_at is not None


class ReportQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.promise = make_promise(code="CP-1")
        cls.editor = make_editor()
        cls.report = Report.objects.create(text="Kontainer sudah 1.347.", contact="0812 1111 2222", promise=cls.promise)

    def decide(self, report, **data):
        self.client.force_login(self.editor)
        return self.client.post(reverse("promises:report_decide", args=[report.pk]), data)

    def test_only_editors_see_the_queue_and_the_editor_bar_counts_open_reports(self):
        assert self.client.get(QUEUE).status_code == 302  # to the login page
        self.client.force_login(make_user("pembaca"))
        assert self.client.get(QUEUE).status_code == 403
        self.client.force_login(self.editor)
        page = self.client.get(QUEUE).content.decode()
        assert "Laporan pembaca (1)" in page and "1 laporan terbuka" in page
        assert "0812 1111 2222" in page and "Kontainer sudah 1.347." in page

    def test_the_text_is_kept_as_typed_and_escaped_in_the_queue(self):
        typed = 'Harga naik > 10% & stok < 5 (lihat "pasar")'
        self.client.post(FORM, {"text": typed}, REMOTE_ADDR="203.0.113.8")
        assert Report.objects.get(text=typed)
        self.client.force_login(self.editor)
        page = self.client.get(QUEUE).content.decode()
        assert "Harga naik &gt; 10% &amp; stok &lt; 5 (lihat &quot;pasar&quot;)" in page

    def test_an_editor_closes_a_report_with_a_reason_and_the_receipt_says_so(self):
        assert (
            self.decide(self.report, tutup="1", **{f"tutup-{self.report.pk}-reason": "Sudah tercatat."}).status_code
            == 302
        )
        self.report.refresh_from_db()
        assert (self.report.state, self.report.close_reason, self.report.closed_by) == (
            "ditutup",
            "Sudah tercatat.",
            self.editor,
        )
        receipt = self.client.get(reverse("promises:report_receipt", args=[self.report.receipt])).content.decode()
        assert "Ditutup" in receipt and "Sudah tercatat." not in receipt

    def test_closing_without_a_reason_or_twice_gets_a_message_and_changes_nothing(self):
        response = self.decide(self.report, tutup="1", **{f"tutup-{self.report.pk}-reason": ""})
        assert response.status_code == 200 and "Tulis alasan menutup laporan ini." in response.content.decode()
        self.report.refresh_from_db()
        assert self.report.state == "terbuka"
        self.decide(self.report, tutup="1", **{f"tutup-{self.report.pk}-reason": "Sudah tercatat."})
        again = self.decide(self.report, tutup="1", **{f"tutup-{self.report.pk}-reason": "Lagi."})
        assert again.status_code == 200 and "sudah ditangani editor lain" in again.content.decode()
        self.report.refresh_from_db()
        assert self.report.close_reason == "Sudah tercatat."

    def test_a_report_is_marked_a_duplicate_by_receipt_never_of_itself(self):
        other = Report.objects.create(text="Sama.", promise=self.promise)
        own = self.decide(self.report, duplikat="1", **{f"duplikat-{self.report.pk}-of": self.report.receipt})
        assert own.status_code == 200 and "duplikat dirinya sendiri" in own.content.decode()
        typed = other.receipt.replace("-", "").lower()  # as an editor types it from a phone call
        assert self.decide(self.report, duplikat="1", **{f"duplikat-{self.report.pk}-of": typed}).status_code == 302
        self.report.refresh_from_db()
        assert (self.report.state, self.report.duplicate_of) == ("duplikat", other)

    def test_a_report_turned_into_a_figure_on_the_desk_shows_in_the_log_with_the_name_only_when_allowed(self):
        indicator = make_indicator(promise=self.promise, unit="kontainer")
        for allowed, expected in [
            (True, "berdasarkan laporan pembaca, Maria Bria"),
            (False, "berdasarkan laporan pembaca"),
        ]:
            report = Report.objects.create(
                text="1.347 kontainer.", name="Maria Bria", name_public=allowed, indicator=indicator
            )
            self.client.force_login(self.editor)
            url = f"https://berita.example/kontainer-{int(allowed)}"
            data = with_rows(article(simpan="1", url=url, laporan=str(report.pk)), "angka", [reading_row(indicator)])
            assert self.client.post(DESK, data).status_code == 302
            report.refresh_from_db()
            entry = LogEntry.objects.get(reading__source__url=url)
            assert report.state == "diterima" and entry.report == report
            self.client.logout()
            log = self.client.get(entry.get_absolute_url()).content.decode()
            assert expected in log
            assert ("Maria Bria" in log) == allowed
            receipt = self.client.get(reverse("promises:report_receipt", args=[report.receipt])).content.decode()
            assert entry.get_absolute_url() in receipt and "Ditindaklanjuti" in receipt


@override_settings(
    REPORT_EMAILS=True, MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
)
class ReportEmailTests(TestCase):
    def test_editors_get_an_email_with_the_text_and_the_queue_link_but_never_the_contact(self):
        editor = make_editor()
        editor.email = "redaksi@contoh.id"
        editor.save()
        reader = make_user("pembaca-lain")  # may not work the queue: gets no e-mail
        reader.email = "bukan@contoh.id"
        reader.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(FORM, {"text": "Kontainer 1.347.", "contact": "0812 9999 0000"}, REMOTE_ADDR="203.0.113.9")
        report = Report.objects.get()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["redaksi@contoh.id"] and report.receipt in message.subject
        assert "Kontainer 1.347." in message.body and "/meja/laporan/#laporan-" in message.body
        assert "0812" not in message.body and "0812" not in message.subject


class ReportPrivacyTests(TestCase):
    """Every public page, feed and download, crawled from the home page: contacts and hidden names never appear."""

    CONTACT = "0813 7777 4242"
    EMAIL = "rahasia.pembaca@contoh.id"
    HIDDEN_NAME = "Yohanes Tersembunyi"

    def test_no_public_url_or_download_shows_a_contact_or_a_name_the_reader_did_not_allow(self):
        call_command("load_kupang_data", stdout=StringIO())
        indicator = Indicator.objects.get(slug="tempat-sampah-rt")
        promise = indicator.promise
        editor = make_editor()
        reports = [
            Report.objects.create(text="Angka 921.", contact=self.CONTACT, name=self.HIDDEN_NAME, promise=promise),
            Report.objects.create(text="Angka 1.347.", contact=self.EMAIL, name=self.HIDDEN_NAME, indicator=indicator),
        ]
        self.client.force_login(editor)
        data = with_rows(
            article(simpan="1", url="https://berita.example/privasi", laporan=str(reports[1].pk)),
            "angka",
            [reading_row(indicator, value="1347", unit=indicator.unit)],
        )
        assert self.client.post(DESK, data).status_code == 302
        self.client.logout()
        receipts = [reverse("promises:report_receipt", args=[r.receipt]) for r in reports]
        pages = crawl(self.client, ["/", "/data/", "/perubahan/feed/", "/en/", *receipts])
        assert len(pages) > 150, len(pages)  # every promise, indicator, change, source page and download
        assert any("/data/" in url and url.endswith(".csv") for url in pages)
        for url, body in pages.items():
            for secret in (self.CONTACT, self.CONTACT.replace(" ", ""), self.EMAIL, self.HIDDEN_NAME):
                assert secret not in body, (secret, url)
        assert "berdasarkan laporan pembaca" in pages["/perubahan/"]


def crawl(client, start: list[str]) -> dict[str, str]:
    """{path: body} of every same-site page reachable from `start` by links, as an anonymous reader; each 200."""
    seen, queue, pages = set(start), list(start), {}
    while queue:
        url = queue.pop()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert not response.cookies, url  # public pages stay cookie-free (and cacheable)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = body.decode()
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="(/[^"#]*)', pages[url]):
            link = html.unescape(link)
            # the login and report forms set a CSRF cookie; receipts are reached only from the start list
            skip = link.removeprefix("/en").startswith(("/static/", "/masuk/", "/admin/", "/laporan/"))
            if link not in seen and not skip and "?" not in link:
                seen.add(link)
                queue.append(link)
    return pages


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class ReportFuzzTests(HypothesisTestCase):
    @FUZZ
    @given(
        text=text,
        evidence_url=st.one_of(text, st.from_regex(r"(https?|ftp|javascript)://[a-z]{1,8}\.example/?", fullmatch=True)),
        name=text,
        name_public=st.sampled_from(["", "on", "1", "x"]),
        contact=st.one_of(text, st.from_regex(r"\+?[0-9 ()-]{6,20}", fullmatch=True), st.emails().map(str)),
        website=st.sampled_from(["", "", " ", "http://spam.example"]),
        about=st.dictionaries(st.sampled_from(["janji", "indikator"]), text, max_size=2),
    )
    def test_any_form_data_gets_an_answer_never_a_500_and_stores_only_on_a_receipt(self, **data):
        about = data.pop("about")
        before = Report.objects.count()
        with self.settings(REPORTS_PER_HOUR=10_000, REPORTS_PER_DAY=10_000):
            response = self.client.post(FORM, data | about, REMOTE_ADDR="198.51.100.4")
        assert response.status_code in (302, 400), response.status_code
        stored = Report.objects.count() - before
        assert stored == (1 if response.status_code == 302 else 0)
        if stored:
            report = Report.objects.order_by("-pk").first()
            assert report.text == data["text"].strip()  # kept as typed (surrounding spaces aside)
            page = self.client.get(response["Location"]).content.decode()
            assert report.receipt in page
