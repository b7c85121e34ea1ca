"""Readers' reports (issue 13): the form anyone can send, its receipt, and the editors' queue.

The form page is the only public page with a CSRF cookie: promise and indicator pages link to it (prefilled
with the item) and stay cookie-free and cached. A filled honeypot or a client address over the limits is
refused with a message and stores nothing.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import get_usage

from .. import services
from ..forms import ReportCloseForm, ReportDuplicateForm, ReportForm
from ..models import Indicator, Promise, Report
from .answers import answer

FORM = "promises/report_form.html"
QUEUE = "promises/report_queue.html"
QUEUE_PAGE_SIZE = 100


def _about(data) -> tuple[Promise | None, Indicator | None]:
    """The promise (`?janji=<pk>`) or indicator (`?indikator=<slug>`) a report is about; unknown ones are
    ignored (the report is then about the whole site)."""
    indicator = None
    if slug := data.get("indikator", ""):
        indicator = Indicator.objects.select_related("promise").filter(slug=slug[:100]).first()
    if indicator is not None:
        return None, indicator
    pk = data.get("janji", "")
    promise = Promise.objects.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 10 else None
    return promise, None


def _limits() -> list[str]:
    return [f"{settings.REPORTS_PER_HOUR}/h", f"{settings.REPORTS_PER_DAY}/d"]


def _over_limit(request: HttpRequest, *, count: bool) -> bool:
    """Whether this client address has sent its share; `count` counts this report."""
    limited = False
    for rate in _limits():
        usage = get_usage(request, group=f"laporan-{rate}", key="ip", rate=rate, method="POST", increment=count)
        # Before counting, a client that has used its share is over: this report would be one too many.
        limited |= bool(usage and (usage["should_limit"] or (not count and usage["count"] >= usage["limit"])))
    return limited


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
def report_new(request: HttpRequest) -> HttpResponse:
    promise, indicator = _about(request.POST if request.method == "POST" else request.GET)
    context = {"promise": promise, "indicator": indicator, "contact_days": settings.REPORT_CONTACT_DAYS}
    if request.method == "GET":
        return render(request, FORM, context | {"form": ReportForm()})
    form = ReportForm(request.POST)
    context["form"] = form
    if form.is_bot():
        context["refused"] = _("Laporan tidak dapat diterima. Kosongkan kolom “Jangan isi kolom ini”, lalu kirim lagi.")
        return render(request, FORM, context, status=400)
    if _over_limit(request, count=False):
        context["refused"] = _(
            "Terlalu banyak laporan dari sambungan ini dalam waktu singkat. Coba lagi nanti; laporan Anda belum "
            "tersimpan."
        )
        return render(request, FORM, context, status=429)
    if not form.is_valid():
        return render(request, FORM, context, status=400)
    _over_limit(request, count=True)
    report = services.submit_report(form.report_values() | {"promise": promise, "indicator": indicator})
    return redirect(reverse("promises:report_receipt", kwargs={"receipt": report.receipt}) + "?baru=1")


@require_safe
def report_receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    """The receipt: the number, what happens next and where the report stands; never its text or contact."""
    report = get_object_or_404(
        Report.objects.select_related("promise", "indicator__promise").only(
            "receipt", "state", "created_at", "closed_at", "promise", "indicator"
        ),
        receipt=receipt.upper(),
    )
    entries = []
    if report.state == Report.State.ACCEPTED:
        entries = list(report.log_entries.for_log().order_by("created_at", "pk"))
    return render(
        request,
        "promises/report_receipt.html",
        {"report": report, "entries": entries, "new": request.GET.get("baru") == "1"},
    )


@require_safe
@login_required
@permission_required("promises.view_report", raise_exception=True)
def report_queue(request: HttpRequest) -> HttpResponse:
    return render(request, QUEUE, _queue_context(request))


def _queue_context(request: HttpRequest, **extra) -> dict:
    closed = request.GET.get("keadaan") == "selesai"
    reports = Report.objects.for_queue()
    reports = reports.exclude(state=Report.State.OPEN) if closed else reports.open()
    rows = [
        extra.pop(f"forms-{report.pk}", None)
        or {
            "report": report,
            "close_form": ReportCloseForm(prefix=f"tutup-{report.pk}"),
            "duplicate_form": ReportDuplicateForm(prefix=f"duplikat-{report.pk}"),
        }
        for report in reports[:QUEUE_PAGE_SIZE]
    ]
    return {"rows": rows, "closed": closed} | extra


@require_POST
@login_required
@permission_required("promises.change_report", raise_exception=True)
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a report with a reason, or mark it as the duplicate of another."""
    report = get_object_or_404(Report, pk=pk)
    close = ReportCloseForm(request.POST if "tutup" in request.POST else None, prefix=f"tutup-{pk}")
    duplicate = ReportDuplicateForm(request.POST if "duplikat" in request.POST else None, prefix=f"duplikat-{pk}")
    saved = refused = None
    try:
        if close.is_bound and close.is_valid():
            services.close_report(report, reason=close.cleaned_data["reason"], editor=request.user)
            saved = _("Laporan %(receipt)s ditutup.") % {"receipt": report.receipt}
        elif duplicate.is_bound and duplicate.is_valid():
            other = duplicate.cleaned_data["of"]
            services.mark_duplicate(report, of=other, editor=request.user)
            saved = _("Laporan %(receipt)s ditandai duplikat dari %(other)s.") % {
                "receipt": report.receipt,
                "other": other.receipt,
            }
    except ValidationError as error:  # handled by another editor meanwhile, or a duplicate of itself
        (close if close.is_bound else duplicate).add_error(None, error.messages)
        refused = " ".join(error.messages)  # shown above the list too: a report handled meanwhile is not in it
    forms = {"report": report, "close_form": close, "duplicate_form": duplicate}
    return answer(
        request,
        saved=saved,
        page=QUEUE,
        fragment="queue",
        context=lambda: _queue_context(
            request, **({} if saved else {f"forms-{pk}": forms}), saved=saved, refused=refused
        ),
        redirect_to=reverse("promises:report_queue"),
    )
