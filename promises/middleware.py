"""The project's own middleware: a request id on every request, and whole pages for anonymous readers.

**Request id.** So a logged error can be matched to the request that caused it.
The id comes from the reverse proxy's `X-Request-ID` when it is sane (nginx: `$request_id`, see
deploy/nginx.conf), else it is generated here. It goes back on the response's `X-Request-ID` header (and
so into gunicorn's access log) and onto every log record written while the request runs.

**Page cache.** Anonymous GETs of views marked `@cached_page` are served whole from the shared cache while
the data version (`promises/cache.py`) is the one they were rendered at; a hit costs one query (the
version and the page are read together with one `get_many`).
"""

import contextvars
import hashlib
import logging
import re
import uuid
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

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
        found = cache.get_many([data_version.VERSION_KEY, key])
        version = found.get(data_version.VERSION_KEY)
        hit = found.get(key)
        if version is not None and hit and hit[0] == version:
            return self._replay(request, hit)
        if version is None:
            version = data_version.first_version()
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
