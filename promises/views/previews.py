"""The preview images of shared links (og:image): a PNG card per promise and per indicator (promises/previews.py).

Not `@cached_page`, which stores HTML pages: the PNG bytes are kept by `previews.cached_png()` under the data
version, so a hit reads no object and a write shows on the next request.
"""

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .. import cache as data_version
from .. import previews
from ..models import Indicator, Promise

# Crawlers and chat apps keep a card for a while; revalidating with the ETag is cheap.
MAX_AGE = 60 * 60


@require_safe
def promise_preview(request: HttpRequest, pk: int) -> HttpResponse:
    site = previews.domain(request)

    def card() -> previews.Card:
        promise = get_object_or_404(
            Promise.objects.with_related().annotate(last_change=Max("changes__created_at")), pk=pk
        )
        indicators = list(Indicator.objects.filter(promise=promise).with_readings())
        return previews.promise_card(promise, indicators, promise.last_change, site)

    return _png(*previews.cached_png(f"janji-{pk}", data_version.promise_scope(pk), site, card))


@require_safe
def indicator_preview(request: HttpRequest, slug: str) -> HttpResponse:
    site = previews.domain(request)

    def card() -> previews.Card:
        return previews.indicator_card(get_object_or_404(Indicator.objects.with_readings(), slug=slug), site)

    return _png(*previews.cached_png(f"indikator-{slug}", data_version.indicator_scope(slug), site, card))


def _png(png: bytes, etag: str) -> HttpResponse:
    """ConditionalGetMiddleware answers 304 when the reader already has this ETag."""
    response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
