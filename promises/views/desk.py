"""The editors' desk: one article in, everything it says recorded in one save ("Catat artikel", issue 12).

One form, many rows. Every button is a submit button, so the page works as plain forms without JavaScript;
with htmx the same POST swaps the form in place. Buttons other than "Simpan semua" only re-render the form
(add or remove a row, use a suggestion, check the URL) and write nothing; "Simpan semua" validates every
row and records all of it in one transaction (services.record_article), or nothing.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import extraction, formatting, services
from ..forms import NATURAL_CODE, ArticleForm, LinkRowForm, ReadingRowForm, StatusRowForm
from ..models import (
    Administration,
    Indicator,
    Promise,
    Reading,
    Report,
    Source,
    StatusProposal,
    normalize_url,
)
from ..models.dates import Precision

PAGE = "promises/desk.html"
ROWS = {"janji": LinkRowForm, "angka": ReadingRowForm, "status": StatusRowForm}
MAX_ROWS = 30  # per kind: an article that says more is recorded in two saves
MAX_SUGGESTIONS = 25
MAX_PROMISE_SUGGESTIONS = 20  # a round-up article names a dozen or more
DESK_PERMISSIONS = ["promises.add_source", "promises.add_reading", "promises.add_statuschange"]


class Desk:
    """What one request of the desk works with: the promises and indicators to choose from (one query each,
    however many rows), the article and its rows as posted."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.administration = Administration.objects.default_or_404()
        self.data = request.POST if request.method == "POST" else request.GET
        self._suggestions = {}
        self._sources = {}
        self.report = self._report()

    @cached_property
    def promises(self) -> list[Promise]:
        """Loaded only when a row or a suggestion needs them: an empty desk does not list the whole data."""
        return list(Promise.objects.filter(administration=self.administration).order_by(*NATURAL_CODE))

    @cached_property
    def indicators(self) -> list[Indicator]:
        return list(
            Indicator.objects.filter(promise__administration=self.administration)
            .select_related("promise")
            .order_by("promise__code", "order", "name")
        )

    def _report(self) -> Report | None:
        """The reader's report this desk entry acts on (`laporan=<pk>`), while it is still open."""
        pk = self.data.get("laporan", "")
        if not (pk.isdigit() and len(pk) < 10) or not self.request.user.has_perm("promises.change_report"):
            return None
        return Report.objects.open().select_related("promise", "indicator").filter(pk=int(pk)).first()

    def row_kwargs(self, kind: str) -> dict:
        if kind == "angka":
            return {"indicators": self.indicators, "administration": self.administration}
        return {"promises": self.promises}

    def count(self, kind: str) -> int:
        try:
            return max(0, min(int(self.data.get(f"n-{kind}") or 0), MAX_ROWS))
        except ValueError:
            return 0

    def raw_rows(self, kind: str) -> list[dict]:
        names = ROWS[kind].base_fields
        return [{name: self.data.get(f"{kind}-{i}-{name}", "") for name in names} for i in range(self.count(kind))]

    def bound_rows(self, kind: str) -> list:
        return [ROWS[kind](self.data, prefix=f"{kind}-{i}", **self.row_kwargs(kind)) for i in range(self.count(kind))]

    def shown_rows(self, rows: dict[str, list[dict]]) -> dict[str, list]:
        """Unbound forms showing what the editor typed (no errors: nothing was saved or checked yet)."""
        return {
            kind: [
                ROWS[kind](initial=raw, prefix=f"{kind}-{i}", **self.row_kwargs(kind)) for i, raw in enumerate(raw_rows)
            ]
            for kind, raw_rows in rows.items()
        }

    def known_source(self, url: str) -> Source | None:
        if url not in self._sources:  # one query a request, whoever asks
            try:
                self._sources[url] = Source.objects.for_url(normalize_url(url)) if url else None
            except ValidationError:
                self._sources[url] = None
        return self._sources[url]

    def suggestions(self, text: str, published, url: str = "") -> dict:
        """Figures found in the pasted text, each with the indicator it most likely belongs to, what it likely
        counts and the date it holds at, the promises the text shares most words with, and the day the article
        reports on (`extraction.article_date`)."""
        if not text.strip():
            return {"figures": [], "promises": [], "day": published}
        key = (text, published, url)
        if key not in self._suggestions:  # adding the chosen ones reads them, then the page shows them
            self._suggestions[key] = self._suggest(text, published, url)
        return self._suggestions[key]

    def _suggest(self, text: str, published, url: str) -> dict:
        labels = [
            (ind, f"{ind.name} {ind.description} {ind.promise.title}", ind.unit, ind.target_value)
            for ind in self.indicators
        ]
        day = extraction.article_date(text, published=published, url=url)
        figures, seen = [], set()
        counted = {ind.unit.lower() for ind in self.indicators}
        for figure in extraction.find_figures(text, published=published):
            # the same figure said twice (a headline repeated by the page) is offered once; a span of time ("100
            # hari", "enam bulan") only when an indicator counts in it
            same = (figure.value, figure.value_max, figure.unit, figure.qualifier)
            if same in seen or (figure.unit in extraction.DURATION_UNITS and figure.unit not in counted):
                continue
            seen.add(same)
            if len(figures) == MAX_SUGGESTIONS:
                break
            counts, cue = extraction.counts_hint(figure)
            as_of, precision = extraction.dated(figure, day)
            # only an indicator that shares words with the sentence and counts in the same unit: a wrong guess
            # prefilled is worse than an empty choice
            figures.append(
                {
                    "figure": figure,
                    "indicator": extraction.indicator_for(figure, text, labels),
                    "counts": counts,
                    "counts_label": Reading.Counts(counts).label if counts else "",
                    "cue": cue,
                    "as_of": as_of,
                    "precision": precision,
                    "as_of_label": formatting.date_label(as_of, precision) if as_of else "",
                }
            )
        by_pk = {promise.pk: promise for promise in self.promises}
        labels = [(pk, f"{p.title} {p.description}") for pk, p in by_pk.items()]
        ranked = extraction.rank_by_sentence(text, labels, limit=MAX_PROMISE_SUGGESTIONS)
        return {"figures": figures, "promises": [by_pk[pk] for pk in ranked], "day": day}


def _kept_loaded_at(page: "Desk") -> str | None:
    value = page.data.get("dimuat", "") if page.request.method == "POST" else ""
    return value if _loaded_at(value) else None


def _loaded_at(value: str):
    try:
        loaded = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return loaded if timezone.is_aware(loaded) else None


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(DESK_PERMISSIONS, raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    page = Desk(request)
    action = next((name for name in ("simpan", "tambah", "hapus", "pilih") if name in page.data), "")
    rows = _posted_rows(page)
    article_raw = {name: page.data.get(name, "") for name in ArticleForm.base_fields}
    if page.report is not None and request.method == "GET" and not article_raw["url"]:
        article_raw |= {"url": page.report.evidence_url, "text": page.report.text}
    context = {}
    if "periksa" in page.data:
        context["prefilled"] = _prefill_source(page, article_raw)
        context["speaker_cue"] = _prefill_speaker(page, article_raw)
    if action == "simpan":
        saved = _save(request, page, context)
        if saved is not None:
            return saved
        rows = None  # the bound forms with their errors are in the context
    elif action == "tambah" and page.data["tambah"] in ROWS and len(rows[page.data["tambah"]]) < MAX_ROWS:
        rows[page.data["tambah"]].append(_said_by(article_raw) if page.data["tambah"] == "angka" else {})
    elif action == "hapus":
        kind, _sep, index = page.data["hapus"].partition("-")
        if kind in ROWS and index.isdigit() and int(index) < len(rows[kind]):
            del rows[kind][int(index)]
    elif action == "pilih":
        _use_chosen(page, rows, article_raw)
    return _render(request, page, article_raw, rows, context)


def _use_chosen(page: Desk, rows: dict, article_raw: dict) -> None:
    """The suggestions the editor ticked become rows, prefilled from the text, in the order they were offered."""
    found = page.suggestions(article_raw.get("text", ""), _published(page, article_raw), article_raw.get("url", ""))
    linked = {str(row.get("promise")) for row in rows["janji"]}
    offered = {str(promise.pk) for promise in found["promises"]}
    for pk in dict.fromkeys(page.data.getlist("saran-janji")):
        if pk in offered and pk not in linked and len(rows["janji"]) < MAX_ROWS:
            rows["janji"].append({"promise": pk})
    in_rows = {_decimal(row.get("value")) for row in rows["angka"]}
    for index in dict.fromkeys(page.data.getlist("saran-angka")):
        if not (index.isdigit() and int(index) < len(found["figures"])) or len(rows["angka"]) >= MAX_ROWS:
            continue
        row = _figure_row(found["figures"][int(index)])
        if _decimal(row["value"]) not in in_rows:  # shown as "sudah ada di baris", not offered again
            rows["angka"].append(row | _said_by(article_raw))
            in_rows.add(_decimal(row["value"]))


SOURCE_GUESSES = ("outlet", "kind", "headline", "published", "published_precision")


def _prefill_source(page: Desk, article_raw: dict) -> list[str]:
    """For a URL not yet recorded, the new source's fields the editor left empty, read from the pasted text: the
    outlet (one we already record, named in the text) and its usual kind, the headline, and the publication date
    where the page gives one (a time stamp or a dateline); for a recorded source without a date, that date. What
    was filled in is named on the page, to be checked against the article."""
    text, url = article_raw.get("text", ""), article_raw.get("url", "")
    known = page.known_source(url)
    if not text.strip() or (known is not None and known.published is not None):
        return []
    if known is not None:  # a recorded source without a date: only its date is asked
        day = extraction.publication_date(text, url=url)
        if day is None or article_raw.get("published"):
            return []
        article_raw.update(published=day.isoformat(), published_precision=Precision.DAY)
        return [str(ArticleForm.base_fields["published"].label)]
    guesses = {"headline": extraction.find_headline(text, url)}
    kinds = Source.objects.order_by().values_list("outlet", "kind").annotate(n=Count("pk")).order_by("-n")
    usual = {}
    for outlet, kind, _n in kinds:
        usual.setdefault(outlet, kind)
    if outlet := extraction.find_outlet(text, usual):
        guesses |= {"outlet": outlet, "kind": usual[outlet]}
    if day := extraction.publication_date(text, url=url):
        guesses |= {"published": day.isoformat(), "published_precision": Precision.DAY}
    if article_raw.get("date_unknown"):
        guesses.pop("published", None), guesses.pop("published_precision", None)
    filled = [name for name in SOURCE_GUESSES if guesses.get(name) and not article_raw.get(name)]
    article_raw.update({name: guesses[name] for name in filled})
    return [str(ArticleForm.base_fields[name].label) for name in filled if name != "published_precision"]


def _prefill_speaker(page: Desk, article_raw: dict) -> str:
    """Who gives the article's figures, when the editor has not chosen and the text mostly quotes the head or the
    deputy (extraction.speaker); the words that say so, shown beside the choice, else ""."""
    if article_raw.get("said_by") or not article_raw.get("text", "").strip():
        return ""
    found = extraction.speaker(article_raw["text"], page.administration.head, page.administration.deputy)
    if found is None:
        return ""
    article_raw["said_by"], cue = found
    return cue


def _figure_row(suggestion: dict) -> dict:
    figure, indicator = suggestion["figure"], suggestion["indicator"]
    return {
        "indicator": indicator.pk if indicator else "",
        "value": figure.value,
        "value_max": figure.value_max if figure.value_max is not None else "",
        "qualifier": figure.qualifier,
        "unit": indicator.unit if indicator else figure.unit,  # the indicator counts in the figure's unit
        "as_of": suggestion["as_of"].isoformat() if suggestion["as_of"] else "",
        "as_of_precision": suggestion["precision"] or "",
        "counts": suggestion["counts"],
    }


def _published(page: Desk, article_raw: dict):
    """The article's publication date: the known source's, else the one typed for the new source."""
    source = page.known_source(article_raw.get("url", ""))
    return source.published if source else parse_date(article_raw.get("published") or "")


def _said_by(article_raw: dict) -> dict:
    """Who gives the article's figures, as the editor chose it once for the article."""
    return {"said_by": article_raw.get("said_by", ""), "said_by_name": article_raw.get("said_by_name", "")}


def _save(request: HttpRequest, page: Desk, context: dict) -> HttpResponse | None:
    """Validate everything and record it, or put the forms with their errors into `context`."""
    article = ArticleForm(page.data, administration=page.administration)
    bound = {kind: page.bound_rows(kind) for kind in ROWS}
    valid = article.is_valid() & all([form.is_valid() for forms in bound.values() for form in forms])
    context.update(article_form=article, row_forms=bound)
    if not any(bound.values()):  # said with the other errors, not after they are mended
        article.add_error(None, _("Tambahkan minimal satu baris: tautan ke janji, angka, atau perubahan status."))
        valid = False
    elif not valid:  # the errors sit by their fields, far down a phone screen: say so at the top
        article.add_error(None, _("Belum disimpan: periksa isian yang ditandai di bawah."))
    loaded_at = _loaded_at(page.data.get("dimuat", ""))
    if valid and loaded_at is None:
        article.add_error(None, _("Formulir ini tidak sah lagi. Muat ulang halaman, lalu ulangi."))
        valid = False
    if not valid:
        return None
    entry = services.Article(
        source=article.source,
        new_source=article.new_source_data(),
        source_date=article.known_source_date(),
        links=[form.cleaned_data for form in bound["janji"]],
        readings=[form.row() for form in bound["angka"]],
        statuses=[form.row() for form in bound["status"]],
    )
    try:
        done = services.record_article(entry, loaded_at=loaded_at, editor=request.user, report=page.report)
    except services.ArticleStale as stale:
        names = "; ".join(str(obj) for obj in stale.changed)
        article.add_error(
            None,
            _("Belum disimpan: %(names)s diubah orang lain sejak Anda membuka halaman ini. Periksa, lalu simpan lagi.")
            % {"names": names},
        )
        context["stale"] = stale.changed
        context["loaded_at"] = timezone.now().isoformat()  # they have now seen the change: a second save goes through
        return None
    except ValidationError as error:
        article.add_error(None, error.messages)
        return None
    summary = _summary(done)
    if page.report is not None:
        summary += " " + _("Laporan pembaca %(receipt)s ditindaklanjuti.") % {"receipt": page.report.receipt}
        page.report = None  # closed now: the next entry on the desk is the editor's own
    url = reverse("promises:desk") + "?" + urlencode({"url": done["source"].url})
    if not request.htmx:
        messages.success(request, summary)
        return redirect(url)
    context.clear()
    context["saved"] = summary
    context["loaded_at"] = timezone.now().isoformat()
    return _render(request, page, {"url": done["source"].url}, {kind: [] for kind in ROWS}, context)


def _summary(done: dict) -> str:
    waiting = sum(1 for result in done["statuses"] if isinstance(result, StatusProposal))
    text = _("Tersimpan: %(links)d tautan janji, %(readings)d angka, %(statuses)d status.") % {
        "links": len(done["links"]),
        "readings": len(done["readings"]),
        "statuses": len(done["statuses"]) - waiting,
    }
    if waiting:
        text += " " + _("%(n)d putusan menunggu persetujuan editor lain.") % {"n": waiting}
    return text


def _render(request: HttpRequest, page: Desk, article_raw: dict, rows: dict | None, context: dict) -> HttpResponse:
    if "article_form" not in context:
        context["article_form"] = ArticleForm(initial=article_raw, administration=page.administration)
    if rows is not None:
        context["row_forms"] = page.shown_rows(rows)
    form = context["article_form"]
    url = form.data.get("url", "") if form.is_bound else article_raw.get("url", "")
    source = page.known_source(url)
    known = _known(source) if source else None
    headline = (form.data.get("headline", "") if form.is_bound else article_raw.get("headline", "")).strip()
    if source is None and headline:  # the same article under an address we do not recognise: say so before a twin
        context["same_headline"] = Source.objects.filter(headline__iexact=headline).order_by("pk").first()
    published = _published(page, article_raw | {"url": url})
    suggestions = page.suggestions(article_raw.get("text", ""), published, url)
    day = suggestions["day"]
    if page.administration.before_term(day):  # said once, before any row: its figures belong to the previous term
        context["before_term_day"] = day
    context |= {
        "administration": page.administration,
        "source": source,
        "known": known,
        # The time the editor first loaded what they are looking at: kept through every re-render (adding a row,
        # a suggestion), renewed only on a fresh page, after a save, or after a refusal that showed what changed.
        "loaded_at": context.pop("loaded_at", None) or _kept_loaded_at(page) or timezone.now().isoformat(),
        "counts": {kind: len(forms) for kind, forms in context["row_forms"].items()},
        # once rows are added the suggestions fold away (a phone screen is short); one click opens them again
        "has_rows": any(context["row_forms"].values()),
        "suggestions": _marked(suggestions, known, rows if rows is not None else _posted_rows(page)),
        "max_rows": MAX_ROWS,
        "report": page.report,
    }
    return render(request, f"{PAGE}#desk" if request.htmx else PAGE, context)


def _posted_rows(page: Desk) -> dict[str, list[dict]]:
    return {kind: page.raw_rows(kind) for kind in ROWS}


def _marked(suggestions: dict, known: dict | None, rows: dict[str, list[dict]]) -> dict:
    """Each suggestion with what is already done with it: recorded from this source before ("tercatat"), or in a
    row on the desk now ("di baris"); only the others can be ticked. One list for the editor to read."""
    known = known or {"links": [], "readings": []}
    linked = {link.promise_id for link in known["links"]}
    recorded = {_decimal(reading.value) for reading in known["readings"]}
    in_rows = {str(row.get("promise", "")) for row in rows["janji"]}
    figures_in_rows = {_decimal(row.get("value")) for row in rows["angka"]}
    promises = [
        {"promise": p, "done": "tercatat" if p.pk in linked else "di_baris" if str(p.pk) in in_rows else ""}
        for p in suggestions["promises"]
    ]
    figures = []
    for item in suggestions["figures"]:
        value = _decimal(item["figure"].value)
        done = "tercatat" if value in recorded else "di_baris" if value in figures_in_rows else ""
        figures.append(item | {"done": done})
    return {"figures": figures, "promises": promises, "count": len(figures) + len(promises)}


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def _known(source: Source) -> dict:
    """Everything already recorded from this source (3 queries)."""
    return {
        "links": list(source.promise_links.select_related("promise").order_by("promise__code")),
        "readings": list(source.readings.select_related("indicator").order_by("as_of", "pk")),
        "changes": list(source.status_changes.select_related("promise").order_by("-created_at")),
    }
