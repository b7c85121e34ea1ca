"""Readers' reports (issue 13): the form stores what was sent, refuses bots and floods, and never shows contacts."""

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from promises.models import Report

from .helpers import make_promise

FORM = reverse("promises:report")


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
