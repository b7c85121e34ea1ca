"""The page cache is never wrong: every kind of write shows on the next request, in every app process."""

import base64
import hashlib
import pickle
import re
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from promises import importing, services
from promises.cache import VERSION_KEY
from promises.models import Administration, Indicator, Promise, PromiseSource, Reading

from .helpers import (
    admin_change_data,
    grow,
    make_editor,
    make_indicator,
    make_promise,
    make_reading,
    make_sector,
    make_source,
    make_user,
    rate,
)
from .processes import HttpsClient, shared_postgres_env, start_gunicorn


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

    def test_renaming_an_editor_shows_on_the_next_request(self):
        editor = make_editor("rted1")
        rate(self.promise, editor=editor)
        urls = [self.promise.get_absolute_url(), reverse("promises:changes"), reverse("promises:home")]
        for url in urls:
            assert "oleh rted1" in self.cached(url), url
        editor.first_name = "FRESHNAME"
        editor.save()
        for url in urls:
            assert "oleh FRESHNAME" in self.client.get(url).text, url

    def test_a_login_keeps_the_stored_pages(self):
        url = reverse("promises:changes")
        page = self.cached(url)
        Client().force_login(make_editor())  # saves the editor's last_login, which no page shows
        with self.assertNumQueries(1):
            assert self.client.get(url).text == page


class LocalCopyTests(TestCase):
    """Each process keeps its own copy of the pages it served last (PageCacheMiddleware.local): a hit on one reads
    only the two small version rows, never the page itself, and only while its version is the current one."""

    def setUp(self):
        self.promise = make_promise(title="Janji pertama")
        self.url = self.promise.get_absolute_url()

    def page_rows_read(self) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        return response, [q["sql"] for q in queries]

    def test_a_hit_on_the_processs_own_copy_reads_only_the_versions(self):
        self.client.get(self.url)
        response, queries = self.page_rows_read()
        assert response["X-Page-Cache"] == "hit" and "Janji pertama" in response.text
        [read] = queries
        assert "pjk:data-version" in read and "pjk:scope:" in read and "pjk:page:" not in read

    def test_another_process_reads_the_page_from_the_shared_cache(self):
        first = self.client.get(self.url)
        self.client = Client()  # a new handler: a process that has not served it yet
        response, queries = self.page_rows_read()
        assert response["X-Page-Cache"] == "hit" and response.content == first.content
        [read] = queries  # the versions and the page in one read: no render, no lock
        assert "pjk:page:" in read and "pjk:data-version" in read
        # and from now on this process serves its own copy: the next hit reads only the versions
        response, queries = self.page_rows_read()
        assert response["X-Page-Cache"] == "hit" and response.content == first.content
        [read] = queries
        assert "pjk:page:" not in read

    def test_the_copy_is_not_served_once_a_write_changed_the_version(self):
        self.client.get(self.url)
        self.promise.title = "Janji kedua"
        self.promise.save()
        response, queries = self.page_rows_read()
        assert response["X-Page-Cache"] == "miss" and "Janji kedua" in response.text
        assert "pjk:page:" in queries[1]  # the versions, then the page (another process may have rendered it)
        response, queries = self.page_rows_read()
        assert response["X-Page-Cache"] == "hit" and "Janji kedua" in response.text and len(queries) == 1

    def test_a_process_keeps_at_most_so_many_pages(self):
        from promises import middleware

        with mock.patch.object(middleware, "LOCAL_PAGES", 2):
            for path in [reverse("promises:home"), reverse("promises:list"), self.url]:
                self.client.get(path)
            handler = self.client.handler
            [page_cache] = [m for m in _middleware_instances(handler) if isinstance(m, middleware.PageCacheMiddleware)]
            assert len(page_cache.local) == 2


class VersionStampTests(TestCase):
    """With VERSION_STAMP_FILE a process reuses the versions it read until a new version touches the file
    (promises/cache.py): a hit on a page it keeps costs no query, and the next request after a write, made in
    this process or another, reads the new version."""

    def setUp(self):
        from promises import cache as data_version

        self.data_version = data_version
        stamp = Path(self.enterContext(tempfile.TemporaryDirectory()), "data-version")
        self.enterContext(override_settings(VERSION_STAMP_FILE=str(stamp)))
        self.promise = make_promise(title="Janji pertama")
        self.url = self.promise.get_absolute_url()
        self.client.get(self.url)
        self.client.get(self.url)

    def test_a_hit_while_the_stamp_is_unchanged_costs_no_query(self):
        with self.assertNumQueries(0):
            response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "hit" and "Janji pertama" in response.text

    def test_a_write_in_this_process_shows_on_the_next_request(self):
        Promise.objects.filter(pk=self.promise.pk).update(title="Janji kedua")
        self.data_version.bump(self.data_version.promise_scope(self.promise.pk))  # its scopes only, as a service does
        response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "miss" and "Janji kedua" in response.text

    def test_a_write_in_another_process_shows_on_the_next_request(self):
        Promise.objects.filter(pk=self.promise.pk).update(title="Janji kedua")
        scope = self.data_version.SCOPE_PREFIX + self.data_version.promise_scope(self.promise.pk)
        cache.set(scope, self.data_version.new_version(), None)  # another process's new version ...
        self.data_version._touch_stamp()  # ... and its touch of the stamp (this process remembers nothing of it)
        response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "miss" and "Janji kedua" in response.text

    def test_a_writer_that_could_not_touch_the_stamp_is_seen_within_memo_seconds(self):
        Promise.objects.filter(pk=self.promise.pk).update(title="Janji kedua")
        scope = self.data_version.SCOPE_PREFIX + self.data_version.promise_scope(self.promise.pk)
        cache.set(scope, self.data_version.new_version(), None)  # no touch
        assert "Janji pertama" in self.client.get(self.url).text
        with mock.patch.object(self.data_version, "MEMO_SECONDS", 0):
            assert "Janji kedua" in self.client.get(self.url).text

    def test_a_missing_stamp_file_is_made_and_then_used(self):
        stamp = Path(settings.VERSION_STAMP_FILE)
        stamp.unlink()
        with self.assertNumQueries(1):  # no file: the versions are read, and the file is made
            assert self.client.get(self.url)["X-Page-Cache"] == "hit"
        assert stamp.is_file()
        with self.assertNumQueries(1):
            assert self.client.get(self.url)["X-Page-Cache"] == "hit"
        with self.assertNumQueries(0):
            assert self.client.get(self.url)["X-Page-Cache"] == "hit"

    def test_a_stamp_file_that_cannot_be_made_means_reading_every_time_and_no_warning_per_request(self):
        with override_settings(VERSION_STAMP_FILE="/nonexistent-folder/data-version"):
            with self.assertNoLogs("promises.cache", level="WARNING"), self.assertNumQueries(1):
                assert self.client.get(self.url)["X-Page-Cache"] == "hit"
            with self.assertNumQueries(1):
                assert self.client.get(self.url)["X-Page-Cache"] == "hit"

    def test_without_the_stamp_file_every_request_reads_the_versions(self):
        with override_settings(VERSION_STAMP_FILE=""), self.assertNumQueries(1):
            assert self.client.get(self.url)["X-Page-Cache"] == "hit"


def _middleware_instances(handler):
    """The middleware objects of a test client's handler, outermost first."""
    found, current = [], handler._middleware_chain
    while current is not None:
        current = getattr(current, "__wrapped__", current)  # each is wrapped by convert_exception_to_response
        found.append(current)
        current = getattr(current, "get_response", None)
    return found


class QueryParameterTests(TestCase):
    """A page is stored once per combination of the query parameters it reads; anything else in the URL (a
    tracking parameter, another order, an empty filter) is the same page, served from the same entry."""

    def setUp(self):
        grow(1)

    def hit(self, url: str, page: str) -> None:
        with self.assertNumQueries(1):
            assert self.client.get(url).text == page, url

    def test_tracking_parameters_hit_the_same_entry(self):
        list_url = reverse("promises:list")
        page = self.client.get(list_url + "?status=dalam_proses").text
        for url in [
            list_url + "?status=dalam_proses&fbclid=IwAR0abcdef",
            list_url + "?utm_source=whatsapp&status=dalam_proses&utm_medium=share&utm_campaign=x",
            list_url + "?status=dalam_proses&q=&bidang=&halaman=",
        ]:
            self.hit(url, page)
        promise_url = Promise.objects.get().get_absolute_url()
        page = self.client.get(promise_url).text
        self.hit(promise_url + "?fbclid=IwAR0abcdef&gclid=123", page)

    def test_parameters_in_another_order_hit_the_same_entry(self):
        page = self.client.get(reverse("promises:list") + "?status=dalam_proses&urut=judul&asal=kampanye").text
        self.hit(reverse("promises:list") + "?asal=kampanye&urut=judul&status=dalam_proses", page)

    def test_a_dropped_parameter_does_not_show_in_the_stored_page(self):
        # the first reader's URL is rendered (a miss): its pager and language links must not carry the extra
        url = reverse("promises:changes")
        page = self.client.get(url + "?fbclid=JEJAK123&halaman=1").text
        assert "JEJAK123" not in page
        self.hit(url + "?halaman=1", page)

    def test_every_parameter_a_page_reads_still_makes_a_page_of_its_own(self):
        for _ in range(50):
            make_promise()
            make_source()
            rate(make_promise())
        sector = make_sector()
        list_url = reverse("promises:list")
        urls = {
            list_url: [
                "q=Janji+uji+3",
                f"bidang={sector.slug}",
                "status=belum_dinilai",
                "verifikasi=diverifikasi",
                "asal=jabatan",
                "urut=judul",
                "halaman=2",
            ],
            reverse("promises:sources"): ["halaman=2"],
            reverse("promises:changes"): ["halaman=2"],
        }
        for url, queries in urls.items():
            plain = self.client.get(url).text
            for query in queries:
                assert self.client.get(f"{url}?{query}").text != plain, query


class SessionCookieTests(TestCase):
    """Only a real session bypasses the cache: a forged or expired cookie is an anonymous reader's."""

    def setUp(self):
        self.promise = make_promise(title="Janji yang dipantau")
        self.url = self.promise.get_absolute_url()
        self.page = self.client.get(self.url).text  # stored

    def test_a_forged_session_cookie_is_served_the_cached_page(self):
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
        with self.assertNumQueries(2):
            # * is there such a session? (no)
            # * the data version and the page
            assert self.client.get(self.url).text == self.page

    def test_an_expired_session_is_served_the_cached_page(self):
        self.client.force_login(make_editor())
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
        with self.assertNumQueries(2):
            assert self.client.get(self.url).text == self.page

    def test_a_logged_in_editor_is_not_served_the_cached_page(self):
        self.client.force_login(make_editor())
        response = self.client.get(self.url)
        assert "Ubah status" in response.text
        assert response.text != self.page


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"), reason="the database cache's culling"
)
class FloodTests(TestCase):
    """6,000 unique anonymous URLs, more than the cache holds (MAX_ENTRIES): the data version stays, and so do
    the hits on the pages that stay."""

    FLOOD = 6000
    THROUGH_THE_SITE = 1200

    def setUp(self):
        grow(1)
        self.max_entries = settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
        self.table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        assert self.max_entries < self.FLOOD

    def rows(self) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {self.table}")
            return {key for (key,) in cursor.fetchall()}

    def store_pages(self, count: int) -> None:
        """`count` pages as a flood of unique URLs leaves them (keys shaped like the middleware's), written
        straight into the table: rendering each one would take minutes."""
        expires = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0) + timedelta(days=1))
        value = base64.b64encode(pickle.dumps(("v", b"<html>", []))).decode()
        rows = [
            (cache.make_key(f"pjk:page:{hashlib.sha256(str(n).encode()).hexdigest()}"), value, expires)
            for n in range(count)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} (cache_key, value, expires) VALUES (%s, %s, %s)", rows)

    def test_unknown_parameters_are_one_page_that_stays_a_hit(self):
        url = reverse("promises:list")
        page = self.client.get(url).text
        before = self.rows()
        for n in range(self.FLOOD):
            with self.assertNumQueries(1):
                assert self.client.get(f"{url}?x={n}").text == page
        assert self.rows() == before

    def test_a_flood_of_pages_keeps_the_data_version_and_the_pages_that_stay(self):
        pages = [
            reverse("promises:home"),
            reverse("promises:list"),
            reverse("promises:list") + "?status=dalam_proses",
            Promise.objects.get().get_absolute_url(),
            Indicator.objects.get().get_absolute_url(),
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:claims"),
            reverse("promises:methodology"),
            "/en/",
            "/en/janji/",
            "/en/metodologi/",
        ]
        key_of = {}
        for url in pages:
            before = self.rows()
            self.client.get(url)
            # the page's own row (besides its render lock and its scope's version, kept like the data version)
            [key_of[url]] = {key for key in self.rows() - before if ":render:" not in key and "pjk:scope:" not in key}
        version = cache.get(VERSION_KEY)
        stored = set(key_of.values())
        assert len(stored) == len(pages)
        self.store_pages(self.FLOOD - self.THROUGH_THE_SITE)
        # the rest through the site, which makes room as it stores them: a parameter the page reads, so each
        # URL is a page of its own
        for n in range(self.THROUGH_THE_SITE):
            assert self.client.get(f"/perubahan/?halaman={n}").status_code == 200
        rows = self.rows()
        assert len(rows) < self.FLOOD  # it was full and made room (a quarter of the keys each time)
        assert cache.get(VERSION_KEY) == version
        kept = stored & rows
        assert kept  # a quarter of the keys go each time: some of these pages are still there
        # the pages that stayed, read before any miss can make room again: every one a hit
        for url in [url for url in pages if key_of[url] in kept]:
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(url).status_code == 200
            assert len(queries) == 1, url

    def test_making_room_deletes_pages_never_the_data_version(self):
        # The backend alone, small, next to Django's own: there the version is the first key to go.
        for backend, kept in [
            ("promises.cache.DatabaseCache", True),
            ("django.core.cache.backends.db.DatabaseCache", False),
        ]:
            small = {
                **settings.CACHES["default"],
                "BACKEND": backend,
                "OPTIONS": {"MAX_ENTRIES": 100, "CULL_FREQUENCY": 4},
            }
            with self.settings(CACHES={**settings.CACHES, "default": small}):
                cache.set(VERSION_KEY, "v1", None)
                for n in range(150):
                    cache.set(f"pjk:page:{n:03}", b"page", 60)
                assert len(self.rows()) <= 101, backend
                assert (cache.get(VERSION_KEY) == "v1") is kept, backend
                cache.clear()


class TwoProcessesTests(TransactionTestCase):
    """Two gunicorn instances on different ports, one PostgreSQL: an edit through one shows through the other."""

    def test_an_edit_through_one_process_is_visible_through_the_other_on_the_next_request(self):
        env = shared_postgres_env(self)
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

    def test_a_worker_redraws_the_kept_rows_and_cards_whose_rows_another_process_changed(self):
        # promises/fragments.py: a worker keeps cards and rows under the fingerprint of their rows, which it reads
        # from the database on every render, so a write it never saw (another process, no signal) shows at once
        from promises import cache as data_version

        env = shared_postgres_env(self)
        grow(1)  # a rated promise (a row of the log) with an indicator and its figures (a card)
        promise, indicator = Promise.objects.get(), Indicator.objects.get()
        port = self.enterContext(start_gunicorn(env)).port
        for url in ("/perubahan/", "/angka/"):
            for _ in range(2):  # drawn, then served from what the worker keeps
                assert HttpsClient(port).request("GET", url).status == 200
        Promise.objects.filter(pk=promise.pk).update(title="Judul dari proses lain")
        Reading.objects.filter(indicator=indicator).update(value=Decimal(4321))
        data_version.set_new_version()  # the pages cold, as after any write of unknown reach
        assert "Judul dari proses lain" in HttpsClient(port).request("GET", "/perubahan/").body
        assert "4.321 unit" in HttpsClient(port).request("GET", "/angka/").body


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"), reason="the database cache's own writes"
)
class DatabaseCacheWriteTests(TestCase):
    """promises.cache.DatabaseCache writes `set` and `add` in one statement, with Django's meaning."""

    def expire(self, key: str) -> None:
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        past = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(minutes=1))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET expires = %s WHERE cache_key = %s", [past, cache.make_key(key)])

    def test_set_stores_a_value_and_replaces_it_with_its_new_expiry(self):
        cache.set("k", "satu", 60)
        cache.set("k", {"dua": 2}, None)
        assert cache.get("k") == {"dua": 2}
        self.expire("k")
        assert cache.get("k") is None
        cache.set("k", "tiga", 60)
        assert cache.get("k") == "tiga"

    def test_add_stores_a_missing_or_expired_value_and_never_replaces_a_live_one(self):
        assert cache.add("k", "satu", 60) is True
        assert cache.add("k", "dua", 60) is False
        assert cache.get("k") == "satu"
        self.expire("k")
        assert cache.add("k", "tiga", 60) is True
        assert cache.get("k") == "tiga"

    def test_touch_is_djangos(self):
        cache.set("k", "satu", 60)
        self.expire("k")
        assert cache.touch("k", 60) is True
        assert cache.get("k") == "satu"
        assert cache.touch("tidak-ada", 60) is False

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores a key of any length")
    def test_a_failed_write_within_a_transaction_leaves_it_usable(self):
        too_long = "k" * 300  # the key column holds 255
        with pytest.warns(Warning):
            assert cache.add(too_long, "satu", 60) is False
        cache.set("k", "dua", 60)  # the transaction goes on
        assert cache.get("k") == "dua"


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"), reason="the database cache's own writes"
)
class DatabaseCacheStatementTests(TransactionTestCase):
    def test_outside_a_transaction_a_write_is_the_count_and_one_statement(self):
        for write in (lambda: cache.set("k", "satu", 60), lambda: cache.add("baru", "dua", 60)):
            with CaptureQueriesContext(connection) as queries:
                write()
            assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT", "INSERT"]
        cache.clear()
