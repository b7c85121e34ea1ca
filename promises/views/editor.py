"""Editors' writes from the public pages. Each answers htmx with the updated fragment and a plain POST with
post-redirect-get; an invalid form comes back with its messages and the editor's input (status 200)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..context_processors import Editing
from ..forms import PromiseTextForm, ReadingForm, SourceForm, StatusChangeForm
from ..models import Indicator, Promise, StatusChange
from .public import indicator_context, promise_context, source_page


def _with_current_version(form_class, request: HttpRequest, version: int, **kwargs):
    """Re-bind the editor's input to the current version, so a deliberate second save can go through."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


@require_POST
@login_required
@permission_required("promises.add_statuschange", raise_exception=True)
def promise_status(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise, pk=pk)
    form = StatusChangeForm(request.POST, promise=promise)
    conflict = []
    if form.is_valid():
        try:
            services.record_status_change(
                promise, form_data=form.cleaned_data | {"new_source": form.new_source_data()}, editor=request.user
            )
        except services.StaleVersion as stale:
            loaded = form.cleaned_data["version"]
            conflict = list(
                StatusChange.objects.filter(promise=promise).for_log()[: max(1, stale.promise.version - loaded)]
            )
            form = _with_current_version(StatusChangeForm, request, stale.promise.version, promise=stale.promise)
            form.add_error(None, _("Status tidak disimpan: janji ini sudah diubah orang lain sejak Anda membukanya."))
        else:
            if not request.htmx:
                messages.success(request, _("Status disimpan."))
                return redirect(promise)
            form = None
    context = promise_context(get_object_or_404(Promise.objects.for_detail(), pk=pk), Editing(request))
    context |= {"conflict": conflict, "saved": form is None} | ({"status_form": form} if form else {})
    template = "promises/promise_detail.html" + ("#article" if request.htmx else "")
    return render(request, template, context)


@require_POST
@login_required
@permission_required("promises.change_promise", raise_exception=True)
def promise_text(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise, pk=pk)
    form = PromiseTextForm(request.POST, instance=promise)
    if form.is_valid():
        try:
            services.update_promise(
                promise, expected_version=form.cleaned_data["version"], values=form.values(), editor=request.user
            )
        except services.StaleVersion as stale:
            current = get_object_or_404(Promise, pk=pk)
            form = _with_current_version(PromiseTextForm, request, stale.promise.version, instance=current)
            form.add_error(
                None,
                _("Teks tidak disimpan: janji ini sudah diubah orang lain (judul sekarang: “%(title)s”).")
                % {"title": current.title},
            )
        else:
            if not request.htmx:
                messages.success(request, _("Teks janji disimpan."))
                return redirect(promise)
            form = None
    context = promise_context(get_object_or_404(Promise.objects.for_detail(), pk=pk), Editing(request))
    context |= {"text_saved": form is None} | ({"text_form": form} if form else {})
    template = "promises/promise_detail.html" + ("#article" if request.htmx else "")
    return render(request, template, context)


@require_POST
@login_required
@permission_required("promises.add_reading", raise_exception=True)
def indicator_reading(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, slug=slug)
    form = ReadingForm(request.POST, indicator=indicator)
    conflict = []
    if form.is_valid():
        try:
            services.add_reading(
                indicator,
                expected_version=form.cleaned_data["version"],
                values=form.reading_values(),
                new_source=form.new_source_data(),
                editor=request.user,
            )
        except services.StaleIndicator as stale:
            conflict = list(stale.indicator.readings.select_related("source").order_by("-created_at")[:3])
            form = _with_current_version(ReadingForm, request, stale.indicator.version, indicator=stale.indicator)
            form.add_error(
                None, _("Angka tidak disimpan: indikator ini sudah diubah orang lain sejak Anda membukanya.")
            )
        else:
            if not request.htmx:
                messages.success(request, _("Angka ditambahkan."))
                return redirect(indicator)
            form = None
    context = indicator_context(get_object_or_404(Indicator.objects.with_readings(), slug=slug), Editing(request))
    context |= {"conflict": conflict, "saved": form is None} | ({"reading_form": form} if form else {})
    template = "promises/indicator_detail.html" + ("#body" if request.htmx else "")
    return render(request, template, context)


@require_POST
@login_required
@permission_required("promises.add_source", raise_exception=True)
def source_add(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST)
    existing = None
    if form.is_valid():
        source, created = services.get_or_create_source(
            {name: value for name, value in form.cleaned_data.items()}, editor=request.user
        )
        if created:
            messages.success(request, _("Sumber ditambahkan."))
        else:
            existing = source
            messages.info(request, _("Sumber dengan URL ini sudah ada; tidak dibuat ganda."))
        if not request.htmx:
            return redirect(source)
        form = None
    context = {"page": source_page(request), "source_form": form or SourceForm(), "existing": existing}
    template = "promises/source_list.html" + ("#body" if request.htmx else "")
    return render(request, template, context)
