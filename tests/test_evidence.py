"""Published history keeps its evidence: a cited source cannot be deleted, only replaced with a public reason."""

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import TestCase
from django.urls import reverse

from promises import services
from promises.models import PromiseSource, Reading, Source, SourceReplacement, StatusChange

from .helpers import make_admin_user, make_claim, make_editor, make_indicator, make_promise, make_reading, make_source


class CitedSourcesStayTests(TestCase):
    def setUp(self):
        self.promise = make_promise()
        self.cited = make_source(headline="Sumber yang dikutip riwayat")
        services.change_status(
            self.promise,
            expected_version=1,
            status="ditepati",
            verification="diverifikasi",
            reason="Semua RT sudah menerima.",
            sources=[self.cited],
        )
        self.change = StatusChange.objects.get()

    def test_a_source_cited_by_history_cannot_be_deleted_even_without_a_promise_link(self):
        assert not PromiseSource.objects.filter(source=self.cited).exists()  # as the admin's own path left it
        with self.assertRaises(ProtectedError):
            self.cited.delete()
        assert list(self.change.sources.all()) == [self.cited]

    def test_the_database_itself_refuses_to_delete_a_cited_source(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM promises_source WHERE id = %s", [self.cited.pk])
            connection.check_constraints()  # PostgreSQL defers foreign keys to commit; check them now
        assert Source.objects.filter(pk=self.cited.pk).exists()

    def test_sources_cited_by_readings_and_claims_cannot_be_deleted_either(self):
        reading = make_reading(make_indicator())
        claim = make_claim()
        for source in (reading.source, claim.source):
            with self.assertRaises(ProtectedError):
                source.delete()

    def test_the_admin_refuses_the_delete_and_names_what_cites_the_source(self):
        self.client.force_login(make_admin_user())
        url = reverse("admin:promises_source_delete", args=[self.cited.pk])
        page = self.client.get(url)
        assert page.status_code == 200
        assert "sumber riwayat" in page.text.lower()  # the protected history link is listed
        self.client.post(url, {"post": "yes"})
        assert Source.objects.filter(pk=self.cited.pk).exists()
        assert self.change.sources.count() == 1


class ReplacingASourceTests(TestCase):
    def setUp(self):
        self.promise = make_promise()
        self.wrong = make_source(headline="Berita yang ternyata salah alamat")
        self.right = make_source(headline="Berita yang benar")
        PromiseSource.objects.create(promise=self.promise, source=self.wrong, note="catatan")
        services.change_status(
            self.promise,
            expected_version=1,
            status="dalam_proses",
            verification="dikonfirmasi_media",
            reason="Ada langkah resmi.",
            sources=[self.wrong],
        )
        self.reading = make_reading(make_indicator(promise=self.promise), source=self.wrong, value=Decimal(5))

    def test_a_replacement_moves_every_citation_and_is_shown_with_its_reason(self):
        services.replace_source(self.wrong, self.right, reason="Tautan lama menunjuk ke artikel lain.", editor=None)
        assert list(StatusChange.objects.get().sources.all()) == [self.right]
        assert list(self.promise.source_links.values_list("source", flat=True)) == [self.right.pk]
        assert Reading.objects.get(pk=self.reading.pk).source == self.right
        page = self.client.get(reverse("promises:sources")).text
        assert "Tautan lama menunjuk ke artikel lain." in page
        with self.assertRaises(ProtectedError):  # the old source stays, as the record of the correction
            self.wrong.delete()

    def test_a_replacement_needs_a_reason_and_another_source(self):
        from django.core.exceptions import ValidationError

        for new, reason in ((self.right, " "), (self.wrong, "Alasan.")):
            with self.assertRaises(ValidationError):
                services.replace_source(self.wrong, new, reason=reason, editor=None)
        assert not SourceReplacement.objects.exists()
        assert StatusChange.objects.get().sources.get() == self.wrong

    def test_the_admin_replaces_a_source_and_editors_without_the_right_cannot(self):
        url = reverse("admin:promises_source_replace", args=[self.wrong.pk])
        data = {"new": self.right.pk, "reason": "Salah tautan."}
        editor = make_editor()
        editor.is_staff = True
        editor.save()
        self.client.force_login(editor)
        assert self.client.post(url, data).status_code == 403
        assert not SourceReplacement.objects.exists()
        self.client.force_login(make_admin_user())
        assert "Ganti sumber" in self.client.get(url).text
        response = self.client.post(url, data)
        assert response.status_code == 302
        replacement = SourceReplacement.objects.get()
        assert (replacement.old, replacement.new, replacement.reason) == (self.wrong, self.right, "Salah tautan.")
