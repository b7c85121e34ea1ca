"""`/cari/`: promises, programme figures, sources and changes that match a query, in groups (promises/search.py
holds the matching rule). Every group shows its count and its first few hits; `?jenis=` shows one whole."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .. import search as searching
from ..forms import NATURAL_CODE
from ..middleware import cached_page
from ..models import Indicator, LogEntry, Promise, Sector, Source
from ..models.source import LIST_PAGE_SIZE, list_order

PREVIEW = 5
PAGE_SIZE = 20
MAX_LENGTH = 100


def _promises(query: searching.Query) -> QuerySet:
    promises = Promise.objects.filter(administration__is_default=True).with_related()
    return promises.search("", query=query).order_by(*NATURAL_CODE)


def _indicators(query: searching.Query) -> QuerySet:
    return searching.matching(Indicator.objects.select_related("promise"), query).order_by("order", "name", "pk")


def _sources(query: searching.Query) -> QuerySet:
    return searching.matching(Source.objects.all(), query).order_by(*list_order())


def _changes(query: searching.Query) -> QuerySet:
    entries = LogEntry.objects.select_related("promise", "indicator", "status_change", "reading")
    return searching.matching(entries, query).order_by("-created_at", "-pk")


# The groups in the order the page shows them: ?jenis= value, heading, the rows that match.
KINDS = {
    "janji": (_("Janji"), _promises),
    "angka": (_("Angka program"), _indicators),
    "sumber": (_("Sumber"), _sources),
    "perubahan": (_("Perubahan"), _changes),
}


@dataclass
class Group:
    kind: str
    title: str
    count: int
    items: list


def _link_sources(sources: list[Source]) -> None:
    """Each source's place on the sources page (`list_url`), from one query that numbers the sources in list
    order (through the index of that order) and returns the numbers of these only, instead of one query each
    (Source.get_absolute_url) or every id (17.700 at 100x)."""
    if not sources:
        return
    numbered = (
        Source.objects.order_by().annotate(position=Window(RowNumber(), order_by=list_order())).values("pk", "position")
    )
    sql, params = numbered.query.get_compiler(numbered.db).as_sql()
    wanted = ", ".join(["%s"] * len(sources))
    with connections[numbered.db].cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sql}) numbered WHERE numbered.pk IN ({wanted})", [*params, *(s.pk for s in sources)]
        )
        position = dict(cursor.fetchall())
    base = reverse("promises:sources")
    for source in sources:
        page = (position.get(source.pk, 1) - 1) // LIST_PAGE_SIZE + 1
        source.list_url = base + (f"?halaman={page}" if page > 1 else "") + f"#sumber-{source.pk}"


@require_safe
@cached_page
def search(request: HttpRequest) -> HttpResponse:
    """Without a query, only the sectors (the empty state); with one: the lookup of its words that are not
    synonyms (one query, none when there are none; the vocabulary once per data version when a word matches
    nothing), then a count and a few rows per group, and the found sources' places on the sources page (9–10
    queries; 2–3 for one group, one more for the sources)."""
    text = request.GET.get("q", "").strip()[:MAX_LENGTH]
    kind = request.GET.get("jenis", "")
    kind = kind if kind in KINDS else ""
    query = searching.parse(text)
    groups, page = [], None
    if query:
        for name in [kind] if kind else KINDS:
            title, rows = KINDS[name]
            if kind:
                page = Paginator(rows(query), PAGE_SIZE).get_page(request.GET.get("halaman"))
                group = Group(name, title, page.paginator.count, list(page.object_list))
            else:
                queryset = rows(query)
                group = Group(name, title, queryset.count(), list(queryset[:PREVIEW]))
            if name == "sumber":
                _link_sources(group.items)
            groups.append(group)
    context = {
        "q": text,
        "kind": kind,
        "kinds": [(name, title) for name, (title, _rows) in KINDS.items()],
        "query": query,
        "groups": groups,
        "page": page,
        "total": sum(group.count for group in groups),
        "preview": PREVIEW,
        "sectors": Sector.objects.all(),  # read only by the empty state (one query there)
    }
    return render(request, "promises/search.html", context)
