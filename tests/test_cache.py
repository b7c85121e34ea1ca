"""The page cache is never wrong: every kind of write shows on the next request, in every app process."""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date
from decimal import Decimal
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from promises import importing, services
from promises.models import Administration, PromiseSource

from .helpers import make_editor, make_indicator, make_promise, make_reading, make_source, make_user, rate

ROOT = Path(__file__).resolve().parent.parent


class InvalidationTests(TestCase):
    def setUp(self):
        self.promise = make_promise(title="Janji yang dipantau")
        PromiseSource.objects.create(promise=self.promise, source=make_source())
        self.indicator = make_indicator(promise=self.promise, name="Tempat sampah", unit="unit")
        make_reading(self.indicator, value=Decimal(200))

    def cached(self, url: str) -> str:
        first = self.client.get(url).text
        with self.assertNumQueries(1):
            assert self.client.get(url).text == first  # served from the cache
        return first

    def test_a_status_change_shows_on_the_next_request(self):
        url = self.promise.get_absolute_url()
        assert "Dalam proses" not in self.cached(url)
        rate(self.promise)
        assert "status-dalam_proses" in self.client.get(url).text

    def test_a_new_reading_shows_on_the_next_request(self):
        url = self.indicator.get_absolute_url()
        assert "1.347" not in self.cached(url)
        services.add_reading(
            self.indicator,
            expected_version=1,
            new_source=None,
            editor=None,
            values={
                "value": Decimal(1347),
                "unit": "unit",
                "as_of": date(2025, 8, 14),
                "counts": "delivered",
                "said_by": "media",
                "source": make_source(),
            },
        )
        assert "1.347 unit" in self.client.get(url).text

    def test_a_new_source_shows_on_the_next_request(self):
        url = reverse("promises:sources")
        assert "Artikel yang baru ditambahkan" not in self.cached(url)
        make_source(headline="Artikel yang baru ditambahkan")
        assert "Artikel yang baru ditambahkan" in self.client.get(url).text

    def test_an_admin_edit_shows_on_the_next_request(self):
        url = self.promise.get_absolute_url()
        self.cached(url)
        self.client.force_login(make_user("admin", superuser=True))
        admin_url = reverse("admin:promises_promise_change", args=[self.promise.pk])
        data = {
            "administration": self.promise.administration_id,
            "code": self.promise.code,
            "title": "Judul dari admin",
            "slug": self.promise.slug,
            "description": "",
            "sector": self.promise.sector_id,
            "origin": "kampanye",
            "version": 1,
            "source_links-TOTAL_FORMS": 0,
            "source_links-INITIAL_FORMS": 0,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        }
        assert self.client.post(admin_url, data).status_code == 302
        self.client.logout()
        self.client.cookies.clear()
        assert "Judul dari admin" in self.client.get(url).text

    def test_an_import_shows_on_the_next_request(self):
        url = reverse("promises:list")
        assert "Janji dari daftar resmi" not in self.cached(url)
        sector = self.promise.sector
        importing.apply(
            f"number,title,sector,description\n5,Janji dari daftar resmi,{sector.slug},Uraian\n",
            Administration.objects.get(),
        )
        assert "Janji dari daftar resmi" in self.client.get(url).text

    def test_the_data_loader_shows_on_the_next_request(self):
        url = reverse("promises:sources")
        self.cached(url)
        call_command("load_kupang_data", stdout=StringIO())
        assert "CS-An Fokus Bangun SDM Yang Berkualitas dan Berkarakter" in self.client.get(url).text

    def test_editors_never_get_a_cached_page(self):
        url = self.promise.get_absolute_url()
        self.cached(url)
        self.client.force_login(make_editor())
        assert "Ubah status" in self.client.get(url).text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A client of one app process, as a browser behind the HTTPS proxy would be (cookies, CSRF referer)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text


class TwoProcessesTests(TransactionTestCase):
    """Two gunicorn instances on different ports, one PostgreSQL: an edit through one shows through the other."""

    def start(self, env: dict) -> int:
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kupang.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.addCleanup(process.wait, 10)
        self.addCleanup(process.terminate)
        for _ in range(100):
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200:
                    return port
            except OSError:
                time.sleep(0.1)
        raise AssertionError(process.stderr.read().decode() if process.poll() is not None else "gunicorn silent")

    def test_an_edit_through_one_process_is_visible_through_the_other_on_the_next_request(self):
        if connection.vendor != "postgresql":
            if os.environ.get("CI") == "true":
                pytest.fail("CI runs this on PostgreSQL")
            pytest.skip("needs PostgreSQL shared by two processes (make test starts one)")
        db = connection.settings_dict
        env = os.environ | {
            "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": "db",
            "DEBUG": "false",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        # production settings serve hashed static files: collect them for these processes
        static_root = self.enterContext(tempfile.TemporaryDirectory())
        env["STATIC_ROOT"] = static_root
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        promise = make_promise(title="Janji di dua proses")
        PromiseSource.objects.create(promise=promise, source=make_source())
        make_editor("redaktur")
        # the app processes run the production hashers, not the fast one the tests use
        get_user_model().objects.filter(username="redaktur").update(
            password=PBKDF2PasswordHasher().encode("kata-sandi-uji", PBKDF2PasswordHasher().salt())
        )
        a, b = self.start(env), self.start(env)
        url = promise.get_absolute_url()
        for port in (a, b):  # both fill their view of the shared cache
            for _ in range(2):
                status, text = Browser(port).request("GET", url)
                assert status == 200 and "status-belum_dinilai" in text

        editor = Browser(a)
        editor.request("GET", "/masuk/")
        status, _ = editor.request(
            "POST",
            "/masuk/",
            {
                "username": "redaktur",
                "password": "kata-sandi-uji",
                "csrfmiddlewaretoken": editor.cookies["__Host-csrftoken"],
            },
        )
        assert status == 302
        status, page = editor.request("GET", url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        source = promise.source_links.get().source_id
        status, _ = editor.request(
            "POST",
            f"/janji/{promise.pk}/status/",
            {
                "csrfmiddlewaretoken": token,
                "version": 1,
                "status": "dalam_proses",
                "verification": "dikonfirmasi_media",
                "reason": "Diubah lewat proses A.",
                "sources": source,
            },
        )
        assert status == 302

        status, text = Browser(b).request("GET", url)
        assert status == 200
        assert "status-dalam_proses" in text and "Diubah lewat proses A." in text
