"""Stale while revalidating: after a write each page is rendered once per version, readers meanwhile get the
previous page for at most STALE_SECONDS, editors see their change at once (promises/middleware.py)."""

import threading
import time
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, TransactionTestCase

from promises import cache as data_version
from promises import middleware
from promises.cache import VERSION_KEY

from .helpers import make_editor, make_promise, make_source, rate
from .processes import HttpsClient, shared_postgres_env, start_gunicorn


def page_key_of(client, url: str) -> str:
    """The cache key the middleware used for `url` (the one page row besides the version)."""
    before = set(stored_keys())
    client.get(url)
    [key] = {key for key in set(stored_keys()) - before if ":render:" not in key and "pjk:scope:" not in key}
    return key


def stored_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        return [row[0].split(":", 2)[2] for row in cursor.fetchall()]


class StaleWindowTests(TestCase):
    def setUp(self):
        cache.clear()
        self.promise = make_promise(title="Janji sebelum")
        self.url = self.promise.get_absolute_url()
        self.key = page_key_of(self.client, self.url)
        assert "Janji sebelum" in self.client.get(self.url).text

    def write(self) -> str:
        """An edit that changes the page, and the lock a request rendering its new version would hold."""
        self.promise.title = "Janji sesudah"
        self.promise.save()  # a new version for the promise's pages (signals.py)
        version, _found = data_version.read(data_version.promise_scope(self.promise.pk))
        return f"{self.key}:render:{version}"

    def test_the_first_request_after_a_write_renders_the_new_page(self):
        self.write()
        response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "miss" and "Janji sesudah" in response.text
        response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "hit" and "Janji sesudah" in response.text

    def test_while_another_request_renders_a_reader_gets_the_previous_page(self):
        cache.add(self.write(), 1, 10)  # another worker is rendering it
        response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "stale"
        assert "Janji sebelum" in response.text

    def test_no_stale_page_once_the_version_is_older_than_the_window(self):
        self.write()
        old = f"{time.time() - middleware.STALE_SECONDS - 0.1:.3f}-x"  # the write was a while ago
        cache.set(data_version.SCOPE_PREFIX + data_version.promise_scope(self.promise.pk), old, None)
        cache.set(VERSION_KEY, old, None)
        version, _found = data_version.read(data_version.promise_scope(self.promise.pk))
        cache.add(f"{self.key}:render:{version}", 1, 10)  # and another request is still rendering it
        middleware.RENDER_WAIT_SECONDS, saved = 0.1, middleware.RENDER_WAIT_SECONDS
        try:
            response = self.client.get(self.url)
        finally:
            middleware.RENDER_WAIT_SECONDS = saved
        # the renderer did not store it in time: this request rendered it rather than serve the old page
        assert response["X-Page-Cache"] == "miss" and "Janji sesudah" in response.text

    def test_a_reader_waiting_for_a_render_gets_it_when_it_is_stored(self):
        lock = self.write()
        cache.add(lock, 1, 10)
        cache.delete(self.key)  # no previous page to give
        version, _found = data_version.read(data_version.promise_scope(self.promise.pk))
        polls = []

        def render_elsewhere(seconds):  # the other worker stores its render while this request waits
            polls.append(seconds)
            if len(polls) == 3:
                cache.set(self.key, (version, b"<p>dirender proses lain</p>", []), 60)

        with mock.patch.object(middleware.time, "sleep", render_elsewhere):
            response = self.client.get(self.url)
        assert response["X-Page-Cache"] == "hit" and response.content == b"<p>dirender proses lain</p>"
        assert len(polls) == 3

    def test_an_editor_sees_the_change_at_once_even_while_readers_get_the_previous_page(self):
        cache.add(self.write(), 1, 10)
        self.client.force_login(make_editor())
        response = self.client.get(self.url)
        assert "Janji sesudah" in response.text and "X-Page-Cache" not in response


class SingleFlightTests(TransactionTestCase):
    """Two gunicorn processes, one PostgreSQL: many readers at once after a write, one render."""

    def test_after_a_write_a_page_is_rendered_once_whatever_the_readers_and_processes(self):
        env = shared_postgres_env(self, ALLOWED_HOSTS="127.0.0.1,pantau.test")
        promise = make_promise(title="Janji banyak pembaca")
        source = make_source()
        ports = [self.enterContext(start_gunicorn(env, workers=2)).port for _ in range(2)]
        url = promise.get_absolute_url()
        for port in ports:
            assert HttpsClient(port, headers={"Host": "pantau.test"}).request("GET", url).status == 200

        for round_, status in enumerate(["dalam_proses", "tersendat", "dalam_proses"]):
            promise.refresh_from_db()
            rate(promise, status=status, reason=f"Putaran {round_}.", sources=[source])
            results = []

            def read(port, results=results, round_=round_):
                # one site behind nginx: the same Host to both processes, so the same page and the same key
                response = HttpsClient(port, headers={"Host": "pantau.test"}).request("GET", url)
                results.append(
                    (response.status, response.headers["X-Page-Cache"], f"Putaran {round_}." in response.body)
                )

            readers = [threading.Thread(target=read, args=(ports[n % 2],)) for n in range(12)]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
            kinds = [kind for _status, kind, _new in results]
            assert all(status == 200 for status, _kind, _new in results), results
            assert kinds.count("miss") == 1, results  # one render for the twelve readers and two processes
            assert all(new for _status, kind, new in results if kind in ("miss", "hit")), results
            time.sleep(middleware.STALE_SECONDS)
            response = HttpsClient(ports[round_ % 2], headers={"Host": "pantau.test"}).request("GET", url)
            assert f"Putaran {round_}." in response.body  # within the window, every reader has the new page
