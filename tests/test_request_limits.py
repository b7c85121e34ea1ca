"""Request size limits hold in the app itself, without nginx in front (red-team L7)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from promises.models import Source

from .helpers import make_admin_user, make_editor, snapshot

TEN_MB = 10 * 1024 * 1024


class RequestLimitTests(TestCase):
    def test_a_ten_megabyte_body_on_the_login_page_is_refused_before_it_is_read(self):
        with self.assertLogs("promises.request_limits", "WARNING") as logs:
            response = self.client.post(
                reverse("login"), {"username": "x", "password": "y", "file": SimpleUploadedFile("a.bin", b"0" * TEN_MB)}
            )
        assert response.status_code == 413
        assert "Permintaan terlalu besar." in response.text
        assert len(logs.records) == 1 and logs.records[0].exc_info is None

    def test_a_file_on_a_form_that_expects_none_is_refused_and_saves_nothing(self):
        self.client.force_login(make_editor())
        before = snapshot()
        data = {
            "url": "https://berita.example/dengan-lampiran",
            "outlet": "Media Uji",
            "headline": "Judul",
            "published": "2025-08-14",
            "kind": "media",
            "lampiran": SimpleUploadedFile("a.txt", b"x" * 1000),
        }
        response = self.client.post(reverse("promises:source_add"), data)
        assert response.status_code == 413
        assert "Unggahan berkas tidak diterima di sini." in response.text
        assert snapshot() == before
        assert not Source.objects.filter(url__contains="dengan-lampiran").exists()

    def test_an_oversized_import_upload_is_refused_and_a_normal_one_still_reaches_the_form(self):
        self.client.force_login(make_admin_user())
        url = reverse("admin:promises_promise_import")
        big = SimpleUploadedFile("janji.csv", b"number,title\n" + b"1,x\n" * 400_000)
        assert self.client.post(url, {"file": big}).status_code == 413
        small = SimpleUploadedFile("janji.csv", b"number,title,sector,description\n")
        assert self.client.post(url, {"file": small}).status_code == 200

    def test_ordinary_forms_still_work(self):
        self.client.force_login(make_editor())
        data = {
            "url": "https://berita.example/biasa",
            "outlet": "Media Uji",
            "headline": "Judul biasa",
            "published": "2025-08-14",
            "kind": "media",
        }
        assert self.client.post(reverse("promises:source_add"), data).status_code == 302
        assert Source.objects.filter(url="https://berita.example/biasa").exists()
