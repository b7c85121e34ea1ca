"""The promise list and the promise page, with the editors' writes on that page (status, texts)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from .. import fragments, services, sharing
from ..forms import PromiseFilterForm, PromiseNewForm, PromiseTextForm, ProposalDecisionForm, StatusChangeForm
from ..middleware import cached_page
from ..models import Administration, Indicator, LogEntry, Promise, Report, StatusChange, StatusProposal
from ..permissions import Editing
from .answers import answer

PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 30  # a promise's log, newest first: the page stays small however long its history
DETAIL = "promises/promise_detail.html"


@require_safe
@cached_page
@vary_on_headers("HX-Request")
def promise_list(request: HttpRequest) -> HttpResponse:
    administration = Administration.objects.default_or_404()
    form = PromiseFilterForm(request.GET)
    promises = form.filter(Promise.objects.filter(administration=administration).with_related())
    page = Paginator(promises, PAGE_SIZE).get_page(request.GET.get("halaman"))
    template_name = "promises/promise_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template_name += "#results"
    return render(request, template_name, {"administration": administration, "form": form, "page": page})


@require_safe
@cached_page
def promise_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    promise = get_object_or_404(Promise.objects.for_detail(), pk=pk)
    if slug != promise.slug:
        return redirect(promise, permanent=True)
    return render(request, DETAIL, _context(request, promise))


@require_safe
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """`/j/PG-4`: the short link a share carries, to the promise of that code in the administration shown."""
    promise = get_object_or_404(
        Promise.objects.filter(administration=Administration.objects.default_or_404()).only("pk", "slug"),
        code__iexact=code.strip("/"),
    )
    return redirect(promise, permanent=True)


def _context(request: HttpRequest, promise: Promise) -> dict:
    """What the promise page shows; editors also get their forms at the current version."""
    editing = Editing(request)
    indicators = list(Indicator.objects.filter(promise=promise).for_cards())  # what the cards and share text read
    short_url = sharing.absolute(request, reverse("promises:short_link", args=[promise.code]))
    keys = LogEntry.objects.filter(promise=promise).for_log_keys()
    history = Paginator(keys, HISTORY_PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "promise": promise,
        "history": history,
        "history_rows": fragments.log_rows(history.object_list),
        "indicators": indicators,
        "reports_waiting": Report.objects.waiting_for_promise(promise),
        "short_url": short_url,
        "share_text": sharing.promise_text(promise, indicators, short_url),
    }
    if editing.status:
        context["status_form"] = StatusChangeForm(promise=promise)
        context["proposals"] = [
            (proposal, ProposalDecisionForm(promise=promise, prefix=f"usulan-{proposal.pk}"))
            for proposal in StatusProposal.objects.filter(promise=promise).for_review()
        ]
    if editing.text:
        context["text_form"] = PromiseTextForm(instance=promise)
    return context


def _fresh_context(request: HttpRequest, pk: int, **extra) -> dict:
    return _context(request, get_object_or_404(Promise.objects.for_detail(), pk=pk)) | extra


@require_POST
@login_required
@permission_required("promises.add_statuschange", raise_exception=True)
def promise_status(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise, pk=pk)
    form = StatusChangeForm(request.POST, promise=promise)
    page = {"status_form": form}
    if "cari_sumber" in request.POST:  # the source picker's search: nothing is saved
        page["status_form"] = form.searched(promise=promise)
    elif form.is_valid():
        data = form.cleaned_data | {"new_source": form.new_source_data()}
        try:
            result = services.record_status_change(promise, form_data=data, editor=request.user)
            page = {"saved": SAVED[type(result)]}
        except services.Stale as stale:
            missed = max(1, stale.current.version - data["version"])  # the changes made since the form was loaded
            page["conflict"] = list(StatusChange.objects.filter(promise=promise).for_log()[:missed])
            message = _("Status tidak disimpan: janji ini sudah diubah orang lain sejak Anda membukanya.")
            page["status_form"] = form.rebound(stale.current, message)
    return answer(
        request,
        saved=page.get("saved"),
        page=DETAIL,
        fragment="article",
        context=lambda: _fresh_context(request, pk, **page),
        redirect_to=promise,
    )


# What a status form's save became (services.record_status_change)
SAVED = {
    StatusChange: gettext_lazy("Status disimpan."),
    StatusProposal: gettext_lazy("Putusan diusulkan: tampil untuk publik setelah disetujui editor lain."),
    LogEntry: gettext_lazy("Pemeriksaan ulang dicatat; statusnya tetap."),
}


@require_POST
@login_required
@permission_required("promises.approve_statusproposal", raise_exception=True)
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Another editor approves or rejects a proposed verdict."""
    proposal = get_object_or_404(StatusProposal.objects.select_related("promise", "proposed_by"), pk=pk)
    promise = proposal.promise
    form = ProposalDecisionForm(request.POST, promise=promise, prefix=f"usulan-{proposal.pk}")
    page = {}
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "setujui"
        try:
            services.decide_proposal(
                proposal,
                approve=approve,
                expected_version=form.cleaned_data["version"],
                editor=request.user,
                note=form.cleaned_data["note"],
            )
            page = {"saved": _("Putusan disetujui dan kini tampil.") if approve else _("Usulan ditolak.")}
        except services.Stale:
            page["proposal_error"] = _("Tidak disimpan: janji ini sudah diubah orang lain. Periksa lalu putuskan lagi.")
        except ValidationError as error:
            page["proposal_error"] = " ".join(error.messages)
    else:
        page["proposal_error"] = " ".join(message for messages in form.errors.values() for message in messages)
    return answer(
        request,
        saved=page.get("saved"),
        page=DETAIL,
        fragment="article",
        context=lambda: _fresh_context(request, promise.pk, **page),
        redirect_to=promise,
    )


@require_POST
@login_required
@permission_required("promises.change_promise", raise_exception=True)
def promise_text(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise, pk=pk)
    form = PromiseTextForm(request.POST, instance=promise)
    page = {"text_form": form}
    if form.is_valid():
        try:
            services.update_promise(
                promise, expected_version=form.cleaned_data["version"], values=form.values(), editor=request.user
            )
            page = {"text_saved": True}
        except services.Stale as stale:
            message = _("Teks tidak disimpan: janji ini sudah diubah orang lain (judul sekarang: “%(title)s”).")
            page["text_form"] = form.rebound(stale.current, message % {"title": stale.current.title})
    return answer(
        request,
        saved=_("Teks janji disimpan.") if "text_saved" in page else None,
        page=DETAIL,
        fragment="article",
        context=lambda: _fresh_context(request, pk, **page),
        redirect_to=promise,
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("promises.add_promise", raise_exception=True)
def promise_new(request: HttpRequest) -> HttpResponse:
    """A promise an article needs, recorded by an editor; it appears in the changes log."""
    administration = Administration.objects.default_or_404()
    form = PromiseNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promise = services.create_promise(
                administration, values=form.values(), new_source=form.new_source_data(), editor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Janji %(code)s dicatat. Statusnya “Belum dinilai”.") % {"code": promise.code})
            return redirect(promise)
    return render(request, "promises/promise_new.html", {"form": form, "administration": administration})
