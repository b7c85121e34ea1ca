"""A whole-page cache for anonymous readers that is never stale.

Every write to the tracker's tables sets a new random *data version* in the shared cache; a cached page
is stored with the version it was rendered at and served only while that version is still current. The
version and the page are read together (one `get_many`, one query with the database cache), so a hit costs
one query however large the data.

Why it cannot serve stale data: a new version is set right after every write commits. A reader reads the
version before it reads any data, so whatever it renders is stored under a version that is either still
current (no write committed since) or already replaced. With several app processes the cache is shared
(database cache by default; Redis when configured), so an edit made through one process is seen by all on
the next request.
"""

import hashlib
import threading
import uuid
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response

VERSION_KEY = "pjk:data-version"
ROOT = Path(__file__).resolve().parent.parent
PAGE_TIMEOUT = 24 * 60 * 60
# Headers added outside this middleware (SecurityMiddleware, the request id) are added again on a hit.
NOT_REPLAYED = {
    "X-Request-ID",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Length",
}

_batch = threading.local()


def bump() -> None:
    """Invalidate every cached page once the current transaction commits (at once outside a transaction).

    Only after commit: taking the shared version row inside a writer's transaction would order its locks
    differently from other writers (deadlocks), and is not needed: a page cached under the old version,
    with old or new data, is obsolete as soon as the new version is set.
    """
    if getattr(_batch, "depth", 0):
        _batch.dirty = True
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _set_new_version()
    elif any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        # A Django TestCase wraps each test in a transaction that never commits: invalidate now.
        _set_new_version()
    elif not any(func is _set_new_version for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_set_new_version)


def _set_new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


@contextmanager
def batch():
    """Many writes, one invalidation at the end (the data loader, imports)."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if not _batch.depth and getattr(_batch, "dirty", False):
            _batch.dirty = False
            bump()


@lru_cache(maxsize=1)
def build_id() -> str:
    """A fingerprint of the code and templates, so a deploy never serves pages rendered by the old code."""
    digest = hashlib.sha256()
    for folder in ("promises", "templates", "static", "kupang", "locale"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".mo"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _page_key(request: HttpRequest) -> str:
    # The language is in the path (/en/...), and the body may be gzip-compressed by the inner middleware.
    parts = [
        build_id(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "",
    ]
    return "pjk:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_page(view):
    """Mark a view's pages as cacheable; PageCacheMiddleware stores and serves them."""
    view.pjk_cacheable = True  # functools.wraps carries it to the decorators above
    return view


@lru_cache(maxsize=4096)
def _cacheable(path: str) -> bool:
    """Whether the path leads to a view marked with @cached_page (decided before any view runs)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return getattr(match.func, "pjk_cacheable", False)


class PageCacheMiddleware:
    """Serves anonymous GETs of cacheable pages whole, before the rest of the middleware stack runs.

    Placed right after WhiteNoise: a hit skips sessions, locale, CSRF, auth, CSP, gzip and the view, and is
    answered with the headers and (compressed) body the full stack produced when the page was stored.
    SecurityMiddleware and the request id still apply, as they sit outside.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # DEBUG: templates change under a running server; never cache there.
        if (
            settings.DEBUG
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or not _cacheable(request.path_info)
        ):
            return self.get_response(request)
        key = _page_key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        hit = found.get(key)
        if version is not None and hit and hit[0] == version:
            return self._replay(request, hit)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(h, v) for h, v in response.items() if h not in NOT_REPLAYED]
            cache.set(key, (version, response.content, headers), PAGE_TIMEOUT)
        return response

    @staticmethod
    def _replay(request: HttpRequest, hit) -> HttpResponse:
        _version, body, headers = hit
        response = HttpResponse(body)
        for header, value in headers:
            response[header] = value
        conditional = get_conditional_response(request, etag=response.get("ETag"), response=response)
        return conditional or response
