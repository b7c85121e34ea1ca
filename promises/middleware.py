"""The project's own middleware: a request id on every request, whole pages for anonymous readers, and a 503
page when the database does not answer.

**Request id.** So a logged error can be matched to the request that caused it.
The id comes from the reverse proxy's `X-Request-ID` when it is sane (nginx: `$request_id`, see
deploy/nginx.conf), else it is generated here. It goes back on the response's `X-Request-ID` header (and
so into gunicorn's access log) and onto every log record written while the request runs.

**Page cache.** Anonymous GETs of views marked `@cached_page` are served whole from the shared cache while
the data version (`promises/cache.py`) is the one they were rendered at; a hit costs one query (the
version and the page are read together with one `get_many`; only the versions when this process kept its own
copy of the page; none while the VERSION_STAMP_FILE says no version changed since it read them), and one more
when a session cookie came with it (is the session real?). Only the query parameters the page reads make a
different page. A response to a logged-in user is marked `Cache-Control: private, no-store`; editors never
read the cache, so they see their own change at once.

**Stale while revalidating, one render at a time.** When a page's version is no longer current, the first
request takes a short lock (`cache.add`, one per page and version) and renders it; requests that come while
it renders get the previous page, but only while the new version is younger than `STALE_SECONDS`. Past that,
or when there is no previous page, they wait for the render (up to `RENDER_WAIT_SECONDS`) instead of
rendering the same page again. So after a write each page is rendered once per version, not once per worker,
and a reader sees the new page at most `STALE_SECONDS` after the write (plus one render). Each cached page's
response says which it was: `X-Page-Cache: hit`, `miss` (rendered now) or `stale`.

**Database unavailable.** A request that finds the database down is answered 503 with `templates/503.html`
and the security headers, instead of a 500 without them; `/healthz` keeps answering 503 on its own.
"""

import contextvars
import hashlib
import logging
import re
import time
import uuid
from collections import OrderedDict
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.csp import build_policy
from django.utils.http import urlencode
from django.utils.log import log_response

from . import cache as data_version

# Letters, digits and `._-` only: the value lands in log lines, so no spaces, quotes or newlines.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            # Django turns a view's exception into the 500 response (and logs it) inside this call,
            # so the error log is written while the id is set.
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the current request's id, or "-" outside a request) for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            request_id = getattr(getattr(record, "request", None), "id", "-")
        record.request_id = request_id
        return True


class SuspiciousRequestFilter(logging.Filter):
    """Turns Django's ERROR with a traceback for a request it refused (a Host this site does not serve, a body or
    a number of fields over the limits) into one WARNING line. Anyone can send such a request; ERROR lines are
    kept for failures of the site (`make soak` fails on them). Set on the `django.security.*` loggers in
    settings.LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return True


PAGE_TIMEOUT = 24 * 60 * 60
STALE_SECONDS = 2.0  # a reader may get the previous page for this long after a write, while it is re-rendered
RENDER_LOCK_SECONDS = 10  # a render that takes longer (or died) no longer holds the others back
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.025
LOCAL_PAGES = 500  # pages each process keeps its own copy of (about 10 KB each, compressed: a few MB)
# Headers added outside this middleware (SecurityMiddleware, the request id) are added again on a hit.
NOT_REPLAYED = {
    "X-Request-ID",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Length",
}


def cached_page(view):
    """Mark a view's pages as cacheable; PageCacheMiddleware stores and serves them."""
    view.pjk_cacheable = True  # functools.wraps carries it to the decorators above
    return view


@lru_cache(maxsize=1)
def _params_read() -> dict[str, tuple[str, ...]]:
    """The query parameters each cached page reads, by URL name; the other cached pages read none."""
    # Imported here: settings.LOGGING imports this module before the apps are loaded.
    from .forms import IndicatorFilterForm, PromiseFilterForm

    return {
        "promises:list": (*PromiseFilterForm.base_fields, "halaman"),
        "promises:indicators": (*IndicatorFilterForm.base_fields, "halaman"),
        "promises:indicator": ("halaman", "angka"),
        "promises:detail": ("halaman",),
        "promises:sources": ("q", "media", "janji", "tahun", "halaman"),
        "promises:search": ("q", "jenis", "halaman"),
        "promises:changes": ("halaman",),
        "promises:claims": ("halaman",),
    }


# The pages of one promise or one indicator, by URL name; every other cached page is a list page.
PROMISE_PAGES = {"promises:detail", "promises:detail_feed"}
INDICATOR_PAGES = {"promises:indicator", "promises:indicator_feed"}


@lru_cache(maxsize=4096)
def _page_spec(path: str) -> tuple[tuple[str, ...], str] | None:
    """(the query parameters the page at `path` reads, sorted; its scope in promises/cache.py); None when its
    view is not marked with @cached_page (decided before any view runs)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    if not getattr(match.func, "pjk_cacheable", False):
        return None
    if match.view_name in PROMISE_PAGES:
        scope = data_version.promise_scope(match.kwargs["pk"])
    elif match.view_name in INDICATOR_PAGES:
        scope = data_version.indicator_scope(match.kwargs["slug"])
    else:
        scope = data_version.LISTS
    return tuple(sorted(_params_read().get(match.view_name, ()))), scope


def _keep_only(request: HttpRequest, params: tuple[str, ...]) -> None:
    """Drop every query parameter the page does not read, and the empty ones; the rest in sorted order.

    `?fbclid=…`, `?utm_source=…`, `?b=2&a=1` and `?a=1&b=2&q=` are then one stored page, not one each. The
    view sees the request the same way, so what was dropped cannot show in the page (in its pager or
    language links, which repeat the query string).
    """
    kept = [(name, value) for name in params for value in request.GET.getlist(name) if value]
    request.META["QUERY_STRING"] = urlencode(kept)
    request.GET = QueryDict(request.META["QUERY_STRING"])


def _has_session(request: HttpRequest) -> bool:
    """Whether the request carries a session that exists and has not expired: one query when a session cookie
    came, none otherwise. A forged or expired cookie is an anonymous reader's, served from the cache."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return store.session_key is not None and bool(store.load())


def _for_a_user(request: HttpRequest) -> bool:
    """Whether the response was made for a logged-in user (the view has usually loaded the user already)."""
    user = getattr(request, "user", None)  # absent when the request was refused before authentication
    if user is None:
        return False
    try:
        return user.is_authenticated
    except DatabaseError:
        return True  # unknown: treat the response as private


def _page_key(request: HttpRequest) -> str:
    # The language is in the path (/en/...), and the body may be gzip-compressed by the inner middleware.
    # Pages also depend on the date in Kupang (a deadline passes at midnight WITA), so a new day re-renders.
    parts = [
        data_version.build_id(),
        timezone.localdate().isoformat(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "",
    ]
    return "pjk:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


class PageCacheMiddleware:
    """Serves anonymous GETs of cacheable pages whole, before the rest of the middleware stack runs.

    Placed right after WhiteNoise: a hit skips sessions, locale, CSRF, auth, CSP, gzip and the view, and is
    answered with the headers and (compressed) body the full stack produced when the page was stored.
    SecurityMiddleware and the request id still apply, as they sit outside.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # This process's own copies of the pages it served last, by key: (version, body, headers). Used only when
        # the version is the current one, so a hit reads just the two small version rows from the shared cache
        # instead of the whole page as well (the page's transfer was most of a hit's cost with the database cache).
        self.local: OrderedDict[str, tuple] = OrderedDict()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._serve(request)
        except (OperationalError, InterfaceError) as error:  # the cache's or the session's database
            return database_unavailable(request, error)

    def _serve(self, request: HttpRequest) -> HttpResponse:
        # DEBUG: templates change under a running server; never cache there.
        spec = None if settings.DEBUG or request.method not in ("GET", "HEAD") else _page_spec(request.path_info)
        if spec is None or _has_session(request):
            response = self.get_response(request)
            if _for_a_user(request):
                # It may hold an editor's forms and CSRF token: no shared cache may keep it, nor the browser's disk.
                patch_cache_control(response, private=True, no_store=True)
            return response
        params, scope = spec
        _keep_only(request, params)
        key = _page_key(request)
        local = self.local.get(key)
        if local is not None:
            version, _found = data_version.read(scope)
            if local[0] == version:
                self.local.move_to_end(key)
                return self._replay(request, local)
        version, found = data_version.read(scope, key)
        hit = found.get(key)
        if hit and hit[0] == version:
            self._keep(key, hit)
            return self._replay(request, hit)
        lock = f"{key}:render:{version}"
        if cache.add(lock, 1, RENDER_LOCK_SECONDS):
            # The lock is kept until it expires: released now, a request that read the old page just before this
            # one stored the new page would take it and render the page a second time.
            try:
                return self._render(request, key, version)
            except BaseException:
                cache.delete(lock)
                raise
        # Another request is rendering this page at this version.
        if hit and data_version.age(version) < STALE_SECONDS:
            return self._replay(request, hit, stale=True)
        fresh = self._wait_for(key, version)
        return self._replay(request, fresh) if fresh else self._render(request, key, version)

    def _render(self, request: HttpRequest, key: str, version: str) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(h, v) for h, v in response.items() if h not in NOT_REPLAYED]
            cache.set(key, (version, response.content, headers), PAGE_TIMEOUT)
            self._keep(key, (version, response.content, headers))
        response["X-Page-Cache"] = "miss"
        return response

    def _keep(self, key: str, page: tuple) -> None:
        self.local[key] = page
        self.local.move_to_end(key)
        while len(self.local) > LOCAL_PAGES:
            self.local.popitem(last=False)

    @staticmethod
    def _wait_for(key: str, version: str):
        """The page at `version` once the request rendering it has stored it; None after RENDER_WAIT_SECONDS."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            hit = cache.get(key)
            if hit and hit[0] == version:
                return hit
        return None

    @staticmethod
    def _replay(request: HttpRequest, hit, stale: bool = False) -> HttpResponse:
        _version, body, headers = hit
        response = HttpResponse(body)
        for header, value in headers:
            response[header] = value
        response["Content-Length"] = str(len(body))
        response["X-Page-Cache"] = "stale" if stale else "hit"
        conditional = get_conditional_response(request, etag=response.get("ETag"), response=response)
        return conditional or response


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 page, in the language of the URL, with the CSP and frame headers set here: it can be answered
    before the middleware that add them run. Needs no database. Logged as one ERROR line with the cause and
    no traceback (an outage writes one per request), instead of Django's own "Service Unavailable" line."""
    with translation.override(translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Content-Security-Policy"] = build_policy(settings.SECURE_CSP)
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    add_never_cache_headers(response)
    cause = f"{type(error).__name__}: {' '.join(str(error).split())}"
    log_response("Service Unavailable (database): %s: %s", request.path, cause, response=response, request=request)
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database down answers with `database_unavailable` (the page cache does the same
    for its own queries, which run before any view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG or not isinstance(exception, (OperationalError, InterfaceError)):
            return None  # DEBUG shows the traceback page; anything else is a 500
        return database_unavailable(request, exception)
