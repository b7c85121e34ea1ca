"""The page cache is never wrong: every kind of write shows on the next request, in every app process."""

import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from promises import importing, services
from promises.models import Administration, PromiseSource

from .helpers import (
    admin_change_data,
    make_editor,
    make_indicator,
    make_promise,
    make_reading,
    make_source,
    make_user,
    rate,
)
from .processes import ROOT, HttpsClient, production_env, start_gunicorn


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
        data = admin_change_data(self.promise, title="Judul dari admin")
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


class TwoProcessesTests(TransactionTestCase):
    """Two gunicorn instances on different ports, one PostgreSQL: an edit through one shows through the other."""

    def test_an_edit_through_one_process_is_visible_through_the_other_on_the_next_request(self):
        if connection.vendor != "postgresql":
            if os.environ.get("CI") == "true":
                pytest.fail("CI runs this on PostgreSQL")
            pytest.skip("needs PostgreSQL shared by two processes (make test starts one)")
        db = connection.settings_dict
        env = production_env(
            DATABASE_URL=f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            CACHE_URL="db",
            STATIC_ROOT=self.enterContext(tempfile.TemporaryDirectory()),
        )
        # production settings serve hashed static files: collect them for these processes
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
        a = self.enterContext(start_gunicorn(env)).port
        b = self.enterContext(start_gunicorn(env)).port
        url = promise.get_absolute_url()
        for port in (a, b):  # both fill their view of the shared cache
            for _ in range(2):
                response = HttpsClient(port).request("GET", url)
                assert response.status == 200 and "status-belum_dinilai" in response.body

        editor = HttpsClient(a)
        editor.request("GET", "/masuk/")
        response = editor.request(
            "POST",
            "/masuk/",
            {
                "username": "redaktur",
                "password": "kata-sandi-uji",
                "csrfmiddlewaretoken": editor.cookies["__Host-csrftoken"],
            },
        )
        assert response.status == 302
        page = editor.request("GET", url).body
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        source = promise.source_links.get().source_id
        response = editor.request(
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
        assert response.status == 302

        response = HttpsClient(b).request("GET", url)
        assert response.status == 200
        assert "status-dalam_proses" in response.body and "Diubah lewat proses A." in response.body
