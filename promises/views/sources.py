"""The sources page (paginated, searchable, filtered by outlet, promise and year), with the editors' "add a
source" form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from .. import fragments, search, services
from ..forms import SourceForm
from ..middleware import cached_page
from ..models import Source
from ..models.source import LIST_PAGE_SIZE, list_order
from ..permissions import Editing
from ..widgets import QuickSelect
from .answers import answer

LIST = "promises/source_list.html"


UNDATED = "tanpa"


class SourceFilterForm(forms.Form):
    """The sources page's search and filters; every value lives in the query string so a link can be shared
    (the page cache keeps exactly these: middleware._params_read)."""

    q = forms.CharField(label=gettext_lazy("Cari sumber"), required=False, max_length=100)
    media = forms.ChoiceField(label=gettext_lazy("Media / penerbit"), required=False, widget=QuickSelect)
    # a code, not a list of every promise: the list would grow with the data (perf: 0,5 MB at 100x)
    janji = forms.CharField(
        label=gettext_lazy("Dipakai untuk janji (kode)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("mis. PG-4"), "size": 8}),
    )
    tahun = forms.ChoiceField(label=gettext_lazy("Tahun terbit"), required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        """The choices are what the data holds (one query: the outlets with their years)."""
        super().__init__(*args, **kwargs)
        pairs = Source.objects.order_by().values_list("outlet", "published__year").distinct()
        outlets, years = set(), set()
        for outlet, year in pairs:
            outlets.add(outlet)
            years.add(year)
        self.fields["media"].choices = [
            ("", gettext_lazy("Semua media")),
            *((o, o) for o in sorted(outlets, key=str.casefold)),
        ]
        self.fields["tahun"].choices = [
            ("", gettext_lazy("Semua tahun")),
            *((str(y), str(y)) for y in sorted((y for y in years if y), reverse=True)),
            *([(UNDATED, gettext_lazy("Tanggal tidak diketahui"))] if None in years else []),
        ]

    def filter(self, sources):
        """Apply the valid filters; an invalid value is ignored rather than breaking a shared link. A search
        looks its words up (one query, promises/search.py)."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        if data.get("q") and (query := search.parse(data["q"])):
            sources = search.matching(sources, query)
        if data.get("media"):
            sources = sources.filter(outlet=data["media"])
        if data.get("janji"):
            sources = sources.filter(
                promise_links__promise__code__iexact=data["janji"].strip(),
                promise_links__promise__administration__is_default=True,
            )
        if data.get("tahun") == UNDATED:
            sources = sources.filter(published__isnull=True)
        elif data.get("tahun"):
            sources = sources.filter(published__year=int(data["tahun"]))
        return sources

    @property
    def active(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


def _context(request: HttpRequest, **extra) -> dict:
    form = SourceFilterForm(request.GET)
    sources = form.filter(Source.objects.order_by(*list_order())).values_list("pk", flat=True)
    page = Paginator(sources, LIST_PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {"page": page, "rows": fragments.source_rows(list(page.object_list)), "filters": form}
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
