"""The indicator page (its ledger, chart and conflicts), with the editors' "add a figure" form."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import charts, services
from ..forms import ConflictMarkForm, ReadingForm
from ..middleware import cached_page
from ..models import Indicator
from ..permissions import Editing
from .answers import answer

DETAIL = "promises/indicator_detail.html"


@require_GET
@cached_page
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.with_readings(), slug=slug)
    return render(request, DETAIL, _context(request, indicator))


def _context(request: HttpRequest, indicator: Indicator) -> dict:
    context = {
        "indicator": indicator,
        "chart": charts.chart(indicator),
        "conflicting": indicator.conflicting_reading_ids(),
    }
    if Editing(request).reading:
        context["reading_form"] = ReadingForm(indicator=indicator)
    if Editing(request).conflicts:
        context["mark_form"] = ConflictMarkForm(indicator=indicator)
    return context


def _fresh_context(request: HttpRequest, slug: str, **extra) -> dict:
    """The page's context after a write, from the database as it now is."""
    return _context(request, get_object_or_404(Indicator.objects.with_readings(), slug=slug)) | extra


@require_POST
@login_required
@permission_required("promises.add_reading", raise_exception=True)
def indicator_reading(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, slug=slug)
    form = ReadingForm(request.POST, indicator=indicator)
    page = {"reading_form": form}
    if form.is_valid():
        try:
            services.add_reading(
                indicator,
                expected_version=form.cleaned_data["version"],
                values=form.reading_values(),
                new_source=form.new_source_data(),
                editor=request.user,
            )
            page = {"saved": True}
        except services.Stale as stale:
            page["conflict"] = list(stale.current.readings.select_related("source").order_by("-created_at")[:3])
            message = _("Angka tidak disimpan: indikator ini sudah diubah orang lain sejak Anda membukanya.")
            page["reading_form"] = form.rebound(stale.current, message)
    return answer(
        request,
        saved=_("Angka ditambahkan.") if "saved" in page else None,
        page=DETAIL,
        fragment="body",
        context=lambda: _fresh_context(request, slug, **page),
        redirect_to=indicator,
    )


@require_POST
@login_required
@permission_required("promises.add_conflictmark", raise_exception=True)
def indicator_conflict(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, slug=slug)
    form = ConflictMarkForm(request.POST, indicator=indicator)
    page = {"mark_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mark_conflict(
                indicator,
                expected_version=data["version"],
                first=data["first"],
                second=data["second"],
                conflicting=data["conflicting"],
                reason=data["reason"],
                editor=request.user,
            )
            page = {"mark_saved": True}
        except services.Stale as stale:
            message = _("Tanda tidak disimpan: indikator ini sudah diubah orang lain sejak Anda membukanya.")
            page["mark_form"] = form.rebound(stale.current, message)
    return answer(
        request,
        saved=_("Tanda pertentangan disimpan.") if "mark_saved" in page else None,
        page=DETAIL,
        fragment="body",
        context=lambda: _fresh_context(request, slug, **page),
        redirect_to=indicator,
    )
