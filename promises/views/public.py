"""Public pages. Each gets its rows from one named QuerySet method; counts are pinned in tests."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .. import charts
from ..cache import cached_page
from ..context_processors import Editing
from ..forms import PromiseFilterForm, PromiseTextForm, ReadingForm, SourceForm, StatusChangeForm
from ..models import Administration, Claim, Indicator, Promise, Source, StatusChange
from ..models.source import LIST_PAGE_SIZE

PAGE_SIZE = 20


def _administration() -> Administration:
    administration = Administration.objects.default()
    if administration is None:
        raise Http404("Belum ada data.")
    return administration


@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    administration = _administration()
    promises = Promise.objects.filter(administration=administration)
    status_counts = promises.status_counts()
    return render(
        request,
        "promises/home.html",
        {
            "administration": administration,
            "claim": Claim.objects.filter(administration=administration).latest_first().first(),
            "statuses": Promise.Status.choices,
            "status_counts": status_counts,
            "documentation": promises.documentation_counts(),
            "sectors": promises.sector_status_counts(),
            "indicators": Indicator.objects.filter(promise__administration=administration).with_readings(),
            "changes": StatusChange.objects.filter(promise__administration=administration).for_log()[:8],
        },
    )


@require_GET
@cached_page
@vary_on_headers("HX-Request")
def promise_list(request: HttpRequest) -> HttpResponse:
    administration = _administration()
    form = PromiseFilterForm(request.GET)
    promises = form.filter(Promise.objects.filter(administration=administration).with_related())
    page = Paginator(promises, PAGE_SIZE).get_page(request.GET.get("halaman"))
    template_name = "promises/promise_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template_name += "#results"
    return render(request, template_name, {"administration": administration, "form": form, "page": page})


def promise_context(promise: Promise, editing: Editing) -> dict:
    """What the promise page shows; editors also get the status form at the current version."""
    context = {"promise": promise, "indicators": Indicator.objects.filter(promise=promise).with_readings()}
    if editing.status:
        context["status_form"] = StatusChangeForm(promise=promise)
    if editing.text:
        context["text_form"] = PromiseTextForm(instance=promise)
    return context


@require_GET
@cached_page
def promise_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    promise = get_object_or_404(Promise.objects.for_detail(), pk=pk)
    if slug != promise.slug:
        return redirect(promise, permanent=True)
    return render(request, "promises/promise_detail.html", promise_context(promise, Editing(request)))


def indicator_context(indicator: Indicator, editing: Editing) -> dict:
    context = {
        "indicator": indicator,
        "chart": charts.chart(indicator),
        "conflicting": indicator.conflicting_reading_ids(),
    }
    if editing.reading:
        context["reading_form"] = ReadingForm(indicator=indicator)
    return context


@require_GET
@cached_page
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.with_readings(), slug=slug)
    return render(request, "promises/indicator_detail.html", indicator_context(indicator, Editing(request)))


def source_page(request: HttpRequest):
    return Paginator(Source.objects.for_list(), LIST_PAGE_SIZE).get_page(request.GET.get("halaman"))


@require_GET
@cached_page
def source_list(request: HttpRequest) -> HttpResponse:
    context = {"page": source_page(request)}
    if Editing(request).source:
        context["source_form"] = SourceForm()
    return render(request, "promises/source_list.html", context)


@require_GET
@cached_page
def change_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(StatusChange.objects.for_log(), 50).get_page(request.GET.get("halaman"))
    return render(request, "promises/change_list.html", {"page": page})


@require_GET
@cached_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request, "promises/methodology.html", {"statuses": Promise.Status, "verifications": Promise.Verification}
    )
