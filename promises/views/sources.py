"""The sources page (paginated), with the editors' "add a source" form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe, require_POST

from .. import services
from ..forms import SourceForm
from ..middleware import cached_page
from ..models import Source
from ..models.source import LIST_PAGE_SIZE
from ..permissions import Editing
from .answers import answer

LIST = "promises/source_list.html"


def _context(request: HttpRequest, **extra) -> dict:
    context = {"page": Paginator(Source.objects.for_list(), LIST_PAGE_SIZE).get_page(request.GET.get("halaman"))}
    if Editing(request).source:
        context["source_form"] = SourceForm()
    return context | extra


@require_safe
@cached_page
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, LIST, _context(request))


@require_POST
@login_required
@permission_required("promises.add_source", raise_exception=True)
def source_add(request: HttpRequest) -> HttpResponse:
    """A URL that is already known points to that source instead of making a second one."""
    form = SourceForm(request.POST)
    page, saved, source = {"source_form": form}, None, None
    if form.is_valid():
        source, created = services.get_or_create_source(dict(form.cleaned_data), editor=request.user)
        page = {"saved": True} if created else {"existing": source}
        saved = _("Sumber ditambahkan.") if created else _("Sumber dengan URL ini sudah ada; tidak dibuat ganda.")
    return answer(
        request,
        saved=saved,
        level=messages.SUCCESS if "saved" in page else messages.INFO,
        page=LIST,
        fragment="body",
        context=lambda: _context(request, **page),
        redirect_to=source,
    )
