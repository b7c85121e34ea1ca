"""The indicator page (its ledger, chart and conflicts), with the editors' "add a figure" form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import charts, fragments, services, sharing
from ..forms import (
    ConflictMarkForm,
    IndicatorFilterForm,
    IndicatorNewForm,
    IndicatorNoteForm,
    ReadingFixForm,
    ReadingForm,
)
from ..middleware import cached_page
from ..models import Administration, Indicator, Promise
from ..permissions import Editing
from .answers import answer

DETAIL = "promises/indicator_detail.html"
LEDGER_PAGE_SIZE = 50
INDICATORS_PAGE_SIZE = 30
CONFLICTS_SHOWN = 10  # pairs listed on the page; the count says how many there are


@require_safe
@cached_page
def indicator_list(request: HttpRequest) -> HttpResponse:
    """ "Semua angka program": every indicator of the administration shown, filtered by sector and state."""
    administration = Administration.objects.default_or_404()
    form = IndicatorFilterForm(request.GET)
    every = Indicator.objects.filter(promise__administration=administration)
    found = form.filter(every)
    page = Paginator(found, INDICATORS_PAGE_SIZE).get_page(request.GET.get("halaman"))
    # A list comes with the cards' figures (the filter needed them); a query, with its page's pks and slugs only.
    if not (loaded := isinstance(found, list)):
        page.object_list = list(page.object_list.only("pk", "slug"))
    return render(
        request,
        "promises/indicator_list.html",
        {
            "administration": administration,
            "form": form,
            "page": page,
            "cards": fragments.indicator_cards(page.object_list, loaded=loaded),
            "total": page.paginator.count if found is every else every.count(),  # unfiltered: counted once
        },
    )


@require_safe
@cached_page
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.with_readings(), slug=slug)
    return render(request, DETAIL, _context(request, indicator))


def _context(request: HttpRequest, indicator: Indicator) -> dict:
    url = sharing.absolute(request, indicator.get_absolute_url())
    # Pages count from the latest figures (page 1 = the latest LEDGER_PAGE_SIZE), each shown in date order.
    ledger = Paginator(indicator.ledger()[::-1], LEDGER_PAGE_SIZE).get_page(_ledger_page(request, indicator))
    context = {
        "indicator": indicator,
        "ledger": ledger,
        "ledger_rows": ledger.object_list[::-1],
        "conflicts_shown": CONFLICTS_SHOWN,
        "chart": charts.chart(indicator),
        "conflicting": indicator.conflicting_reading_ids(),
        "page_link": url,
        "summary": sharing.indicator_summary(indicator),
        "share_text": sharing.indicator_text(indicator, url),
    }
    if Editing(request).reading:
        context["reading_form"] = ReadingForm(indicator=indicator)
    if Editing(request).conflicts:
        context["mark_form"] = ConflictMarkForm(indicator=indicator)
    if Editing(request).correct:
        context["fix_form"] = ReadingFixForm(indicator=indicator)
    if Editing(request).note:
        context["note_form"] = IndicatorNoteForm(indicator=indicator)
    return context


def _ledger_page(request: HttpRequest, indicator: Indicator) -> str | int | None:
    """The page asked for, or the page holding figure `?angka=<id>` (a permalink from the log or a feed)."""
    if request.GET.get("halaman"):
        return request.GET["halaman"]
    ids = [reading.pk for reading in indicator.ledger()[::-1]]
    wanted = request.GET.get("angka", "")
    if wanted.isdigit() and int(wanted) in ids:
        return ids.index(int(wanted)) // LEDGER_PAGE_SIZE + 1
    return None


def _fresh_context(request: HttpRequest, slug: str, **extra) -> dict:
    """The page's context after a write, from the database as it now is."""
    return _context(request, get_object_or_404(Indicator.objects.with_readings(), slug=slug)) | extra


@require_POST
@login_required
@permission_required("promises.add_reading", raise_exception=True)
def indicator_reading(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("promise__administration"), slug=slug)
    form = ReadingForm(request.POST, indicator=indicator)
    page = {"reading_form": form}
    if "cari_sumber" in request.POST:  # the source picker's search: nothing is saved
        page["reading_form"] = form.searched(indicator=indicator)
    elif form.is_valid():
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


@require_POST
@login_required
@permission_required("promises.change_reading", raise_exception=True)
def indicator_fix(request: HttpRequest, slug: str) -> HttpResponse:
    """Correct or withdraw a figure, with a reason; the old one stays on the page, struck through."""
    indicator = get_object_or_404(Indicator, slug=slug)
    form = ReadingFixForm(request.POST, indicator=indicator)
    page = {"fix_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.withdraw_reading(
                data["reading"],
                expected_version=data["version"],
                reason=data["reason"],
                editor=request.user,
                correction=form.correction(),
            )
            page = {"fix_saved": True}
        except services.Stale as stale:
            message = _("Tidak disimpan: indikator ini sudah diubah orang lain sejak Anda membukanya.")
            page["fix_form"] = form.rebound(stale.current, message)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return answer(
        request,
        saved=_("Koreksi disimpan; angka lama tetap tampil dicoret.") if "fix_saved" in page else None,
        page=DETAIL,
        fragment="body",
        context=lambda: _fresh_context(request, slug, **page),
        redirect_to=indicator,
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("promises.add_indicator", raise_exception=True)
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new indicator on a promise; it appears in the changes log."""
    promise = get_object_or_404(Promise.objects.select_related("administration"), pk=pk)
    form = IndicatorNewForm(request.POST or None, promise=promise)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.create_indicator(promise, values=form.values(), editor=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Indikator “%(name)s” dicatat.") % {"name": indicator.name})
            return redirect(indicator)
    return render(
        request,
        "promises/indicator_new.html",
        {"form": form, "promise": promise, "administration": promise.administration},
    )


@require_POST
@login_required
@permission_required("promises.change_indicator", raise_exception=True)
def indicator_note(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, slug=slug)
    form = IndicatorNoteForm(request.POST, indicator=indicator)
    page = {"note_form": form}
    if form.is_valid():
        try:
            services.update_indicator_note(
                indicator,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                editor=request.user,
            )
            page = {"note_saved": True}
        except services.Stale as stale:
            message = _("Catatan tidak disimpan: indikator ini sudah diubah orang lain sejak Anda membukanya.")
            page["note_form"] = form.rebound(stale.current, message)
    return answer(
        request,
        saved=_("Catatan indikator disimpan.") if "note_saved" in page else None,
        page=DETAIL,
        fragment="body",
        context=lambda: _fresh_context(request, slug, **page),
        redirect_to=indicator,
    )
