"""Site pages: the dashboard, the log of changes, the methodology."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import charts, fragments, sharing
from ..middleware import cached_page
from ..models import Administration, Claim, ClaimItem, Indicator, LogEntry, Promise, SiteProfile
from .open_data import LICENCE_NAME, LICENCE_URL

CHANGES_PAGE_SIZE = 50
CLAIMS_PAGE_SIZE = 20


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    administration = Administration.objects.default_or_404()
    promises = Promise.objects.filter(administration=administration)
    indicators = Indicator.objects.filter(promise__administration=administration)
    # Read in the order of their index (IndicatorQuerySet.with_realised_total), so the first four end the walk.
    featured = list(indicators.with_realised_total().only("pk", "slug")[:FEATURED])
    counts = promises.dashboard_counts()
    claim = Claim.objects.filter(administration=administration).latest_first().with_count().first()
    return render(
        request,
        "promises/home.html",
        {
            "administration": administration,
            "claim": claim,
            "claim_count": claim.count if claim else 0,
            "statuses": Promise.Status,
            "by_origin": counts.by_origin,
            "status_counts": counts.by_origin["all"],
            "documentation": counts.documentation,
            "sectors": charts.sector_bars(counts.by_sector),
            "cards": fragments.indicator_cards(featured),
            "indicator_count": indicators.count(),
            "changes": fragments.log_rows(
                changes := list(LogEntry.objects.filter(promise__administration=administration).for_log_keys()[:8])
            ),
            "share_text": sharing.dashboard_text(
                counts.by_origin["kampanye"],
                claim,
                timezone.localdate(changes[0]["created_at"]) if changes else None,
                sharing.absolute(request, request.path),
            ),
            "page_link": sharing.absolute(request, request.path),
            "featured_count": len(featured),
        },
    )


# The dashboard's few indicators: those with realised progress against a target first, then those with a
# realised figure, in their own order; the rest are one link away (`/angka/`). Chosen in SQL
# (IndicatorQuerySet.with_realised_total), so the dashboard loads the figures of these four only.
FEATURED = 4


@require_safe
@cached_page
def claim_list(request: HttpRequest) -> HttpResponse:
    """Every government claim side by side, each with what it presented, never only the latest."""
    administration = Administration.objects.default_or_404()
    claims = Claim.objects.filter(administration=administration).latest_first()
    page = Paginator(claims, CLAIMS_PAGE_SIZE).get_page(request.GET.get("halaman"))
    page.object_list = ClaimItem.objects.attach_to(list(page.object_list))
    return render(request, "promises/claim_list.html", {"administration": administration, "claims": page, "page": page})


@require_safe
@cached_page
def change_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(LogEntry.objects.for_log_keys(), CHANGES_PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "promises/change_list.html", {"page": page, "rows": fragments.log_rows(page.object_list)})


@require_safe
@cached_page
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One log entry's permalink."""
    entry = get_object_or_404(LogEntry.objects.for_log(), pk=pk)
    return render(request, "promises/change_detail.html", {"entry": entry, "entry_list": [entry]})


@require_safe
@cached_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request, "promises/methodology.html", {"statuses": Promise.Status, "verifications": Promise.Verification}
    )


@require_safe
@cached_page
def about(request: HttpRequest) -> HttpResponse:
    """ "Tentang kami": who runs the tracker, from the one site profile an admin fills in; only what is filled in
    is shown, and editors see what is still missing."""
    profile = SiteProfile.current()
    return render(
        request,
        "promises/about.html",
        {"profile": profile, "missing": profile.missing(), "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL},
    )
