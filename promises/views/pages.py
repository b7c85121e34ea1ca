"""Site pages: the dashboard, the log of changes, the methodology."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import charts
from ..middleware import cached_page
from ..models import Administration, Claim, Indicator, Promise, StatusChange

CHANGES_PAGE_SIZE = 50


@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    administration = Administration.objects.default_or_404()
    promises = Promise.objects.filter(administration=administration)
    return render(
        request,
        "promises/home.html",
        {
            "administration": administration,
            "claim": Claim.objects.filter(administration=administration).latest_first().first(),
            "statuses": Promise.Status,
            "status_counts": promises.status_counts(),
            "documentation": promises.documentation_counts(),
            "sectors": charts.sector_bars(promises.sector_status_counts()),
            "indicators": Indicator.objects.filter(promise__administration=administration).with_readings(),
            "changes": StatusChange.objects.filter(promise__administration=administration).for_log()[:8],
        },
    )


@require_GET
@cached_page
def change_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(StatusChange.objects.for_log(), CHANGES_PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "promises/change_list.html", {"page": page})


@require_GET
@cached_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request, "promises/methodology.html", {"statuses": Promise.Status, "verifications": Promise.Verification}
    )
