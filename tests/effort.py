"""What entering an article costs an editor, counted on the real pages in Chromium (issue 12, item 10).

`Recorder` wraps a Playwright page and does what an editor does (open a page, paste, type, choose, click), counting
each action as it goes; `Effort` turns the counts into seconds by the issue's formula:

    5 s a page load, 2 s an htmx swap, 1 s a click, 3 s a field, 10 s a list scanned, typing at 4 characters a second

What counts as what (docs/editor-effort.md):

* a page load: opening a page (`goto`) or a full navigation after a click (a plain POST without JavaScript);
  checked against the browser's own "load" events;
* an htmx swap: a click answered by htmx in place; checked against the page's `htmx:afterSwap` events;
* a click: a button the editor presses ("Periksa URL", "Pakai", "Tautkan", "+ Angka", "Simpan semua"...);
* a field: every form control the editor sets (text, number, date, select, radio, checkbox). A prefilled value
  that is already right costs nothing;
* a list scanned: choosing from a select or a radio group (one each time), reading the suggestions from the
  text (once after "Cari saran dari teks"), reading what a known source already has (once after "Periksa URL");
* typed characters: what the editor types: notes, reasons, the summary, the outlet, names, numbers, and a date's
  8 digits. Pasting the URL or the article text, or copying the exact headline, is ONE field and no typing.

`replay` enters one article as its entry script says (tests/fixtures/effort/<seed>.json).
"""

import json
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from promises.forms import ReadingRowForm

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "fixtures" / "effort"
SEEDS = HERE / "fixtures" / "seeds"

SECONDS = {"loads": 5, "swaps": 2, "clicks": 1, "fields": 3, "lists": 10}
CHARS_PER_SECOND = 4
DATE_DIGITS = 8  # a date typed into a date field: dd mm yyyy
TARGET_MEDIAN = 45
TARGET_MAX = 90
DESK = "/meja/artikel/"
# Run by the browser itself (Playwright's init script and evaluate), so the pages' strict CSP does not refuse it.
LISTEN = (
    "for (const name of ['htmx:afterSwap', 'htmx:afterSettle'])"
    " document.addEventListener(name, () => window.__effortSaw(name));"
)

# A reading row's fields in the order an editor goes through them, and what an untouched row holds.
READING_ORDER = [f.name for f in ReadingRowForm().visible_fields() if f.name != "before_term"]
READING_DEFAULTS = {
    "value_max": "",
    "qualifier": "",
    "as_of_precision": "day",
    "period_start": "",
    "measure": "total",
    "said_by_name": "",
    "note": "",
}


@dataclass
class Effort:
    """One article's counts, and every costed action as (what, seconds) to show where the time goes."""

    article: str
    loads: int = 0
    swaps: int = 0
    clicks: int = 0
    fields: int = 0
    lists: int = 0
    typed: int = 0
    steps: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(getattr(self, name) * cost for name, cost in SECONDS.items()) + self.typed / CHARS_PER_SECOND

    def add(self, what: str, **counts: int) -> None:
        for name, n in counts.items():
            setattr(self, name, getattr(self, name) + n)
        cost = sum(SECONDS.get(name, 0) * n for name, n in counts.items())
        self.steps.append((what, cost + counts.get("typed", 0) / CHARS_PER_SECOND))


class Recorder:
    """An editor at one browser page, doing and counting. With JavaScript a form button is answered by an htmx
    swap; without it, by a full page load: `submit` waits for whichever comes and counts it."""

    def __init__(self, page: Page, article: str = "", *, javascript: bool = True):
        self.page = page
        self.javascript = javascript
        self.effort = Effort(article)
        self.seen = {"load": 0, "htmx:afterSwap": 0, "htmx:afterSettle": 0}
        self.requests: list[str] = []
        page.on("load", lambda _page: self._saw("load"))
        page.on("request", lambda request: self.requests.append(request.url))
        if javascript:
            page.expose_function("__effortSaw", self._saw)
            page.add_init_script(LISTEN)  # every page opened from now on
            if page.url != "about:blank":
                page.evaluate(LISTEN)  # and the one already open

    def _saw(self, event: str) -> None:
        self.seen[event] += 1

    def _wait_for(self, event: str, count: int, what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.seen[event] < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: no {event} came (is the form blocked, or did the page reload?)")
            self.page.wait_for_timeout(20)

    # --- what the editor does ------------------------------------------------------------------------------------

    def goto(self, url: str, what: str = "buka halaman") -> None:
        self.page.goto(url)
        self.effort.add(what, loads=1)

    def submit(self, button: Locator, what: str) -> None:
        """A form button: an htmx swap with JavaScript, a page load without."""
        if self.javascript:
            settled = self.seen["htmx:afterSettle"] + 1
            button.click()
            self._wait_for("htmx:afterSettle", settled, what)
            self.effort.add(what, clicks=1, swaps=1)
        else:
            with self.page.expect_navigation(wait_until="load"):
                button.click()
            self.effort.add(what, clicks=1, loads=1)

    def paste(self, field: Locator, value: str, what: str) -> None:
        field.fill(value)
        self.effort.add(what, fields=1)

    def type(self, field: Locator, value: str, what: str) -> None:
        field.fill(value)
        self.effort.add(what, fields=1, typed=len(value))

    def date(self, field: Locator, iso: str, what: str) -> None:
        field.fill(iso)
        self.effort.add(what, fields=1, typed=DATE_DIGITS if iso else 0)

    def choose(self, select: Locator, value: str, what: str) -> None:
        select.select_option(value)
        self.effort.add(what, fields=1, lists=1)

    def pick(self, radio: Locator, what: str) -> None:
        radio.check()
        self.effort.add(what, fields=1, lists=1)

    def tick(self, checkbox: Locator, what: str) -> None:
        """A checkbox is one click: nothing to type or choose."""
        checkbox.check()
        self.effort.add(what, clicks=1)

    def scan(self, what: str) -> None:
        self.effort.add(what, lists=1)

    def check(self) -> None:
        """The counts are the browser's: every load and swap counted was one the page really had."""
        swaps = self.seen["htmx:afterSwap"]
        assert self.seen["load"] == self.effort.loads, f"counted {self.effort.loads} loads, the page had {self.seen}"
        assert swaps == self.effort.swaps, f"counted {self.effort.swaps} swaps, the page had {swaps}"


# --- the entry scripts -------------------------------------------------------------------------------------------


def scripts() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SCRIPTS.glob("*.json"))]


def seed_text(script: dict) -> str:
    return (SEEDS / script["seed_file"]).read_text(encoding="utf-8")


def _field(page: Page, name: str) -> Locator:
    return page.locator(f"#meja [name='{name}']")


def _same(current: str, wanted: str) -> bool:
    if current == wanted:
        return True
    try:
        return Decimal(current) == Decimal(wanted)
    except InvalidOperation:
        return False


def _set(rec: Recorder, name: str, wanted: str, what: str) -> None:
    """Set one field of the desk to `wanted`, costing nothing when it already holds it."""
    field = _field(rec.page, name)
    if _same(field.input_value(), wanted):
        return
    tag, kind = field.evaluate("e => [e.tagName, e.type]")
    if tag == "SELECT":
        rec.choose(field, wanted, f"{what} (pilih)")
    elif kind == "date":
        rec.date(field, wanted, f"{what} (tanggal)")
    else:
        rec.type(field, wanted, f"{what} (ketik)")


def _new_row(rec: Recorder, kind: str) -> int:
    return int(rec.page.locator(f"#meja input[name='n-{kind}']").input_value())


def replay(rec: Recorder, base: str, script: dict, *, promises: dict[str, int], indicators: dict[str, tuple]) -> None:
    """Enter one article through the desk as `script` says. `promises`: code -> pk; `indicators`: slug -> (pk,
    unit). Raises when the page does not answer as the script expects (a known source, a suggestion, a saved
    message, the before-the-term confirmation)."""
    page = rec.page
    rec.goto(base + DESK, "buka meja")
    rec.paste(_field(page, "url"), script["url"], "URL artikel (tempel)")
    text = script.get("text", True)
    if text:
        rec.paste(_field(page, "text"), seed_text(script), "teks artikel (tempel)")
    rec.submit(page.get_by_role("button", name="Periksa URL dan teks"), "Periksa URL dan teks")
    known = page.locator("#meja .known")
    if script["known"]:
        expect(known).to_be_visible()
    else:
        assert known.count() == 0, f"{script['seed']}: the desk knows {script['url']} already"
    if text:  # one list: the suggestions, each marked when this source already has it
        rec.scan("saran dari teks (baca)")
    elif script["known"]:
        rec.scan("yang sudah tercatat dari sumber ini (baca)")
    outcome = script["outcome"]
    if outcome.get("stops_at_check"):
        # The desk says at once, under the check, that the article seems to be from before the term; following the
        # exclusion the editor reads that and records nothing (the confirmation asked at save time: test_desk.py).
        expect(page.locator("#meja p.warn")).to_contain_text("sebelum masa jabatan ini")
        rec.scan("peringatan “sebelum masa jabatan” (baca)")
        assert page.locator("#meja .saved").count() == 0
        return
    if not script["known"]:
        _new_source(rec, script["source"])
    speakers = Counter(
        (row.get("said_by", ""), row.get("said_by_name", "")) for row in script["rows"] if row["kind"] == "angka"
    )
    if speakers:  # who gives most of the article's figures, chosen once before adding them; the others per row
        (said_by, name), _n = speakers.most_common(1)[0]
        _set(rec, "said_by", said_by, "artikel: angka disampaikan oleh")
        if name:
            _set(rec, "said_by_name", name, "artikel: nama / jabatan")
    _tick_suggestions(rec, script, promises=promises)
    used = {"janji": set(), "angka": set(), "status": set()}
    for row in script["rows"]:
        {"janji": _link_row, "angka": _reading_row, "status": _status_row}[row["kind"]](
            rec, row, promises=promises, indicators=indicators, used=used
        )
    rec.submit(page.get_by_role("button", name="Simpan semua"), "Simpan semua")
    before_term = page.locator("#meja [name='before_term']")
    if outcome["before_term"]:
        expect(before_term).to_be_visible()
        expect(page.locator("#meja")).to_contain_text("sebelum masa jabatan")
        rec.scan("konfirmasi “sebelum masa jabatan” (baca)")
    else:
        assert before_term.count() == 0, f"{script['seed']}: the desk asks for a before-the-term confirmation"
    if outcome["saved"]:
        expect(page.locator("#meja .saved")).to_contain_text(outcome["message"])
    else:
        assert page.locator("#meja .saved").count() == 0


def _new_source(rec: Recorder, source: dict) -> None:
    """The new source's fields; what the desk filled in from the page and is right already costs nothing."""
    page = rec.page
    _set(rec, "outlet", source["outlet"], "sumber baru: Media / penerbit")
    if not _same(_field(page, "headline").input_value(), source["headline"]):
        rec.paste(_field(page, "headline"), source["headline"], "sumber baru: Judul (salin persis)")
    _set(rec, "kind", source["kind"], "sumber baru: Jenis sumber")
    if source.get("published"):
        _set(rec, "published", source["published"], "sumber baru: Tanggal terbit")
        _set(rec, "published_precision", source.get("published_precision", "day"), "sumber baru: Ketelitian")
    else:
        _set(rec, "published", "", "sumber baru: Tanggal terbit (hapus)")
        rec.tick(_field(page, "date_unknown"), "sumber baru: tanggal tidak diketahui (centang)")
    rec.pick(page.locator(f"#meja [name='reliability'][value='{source['reliability']}']"), "sumber baru: Keandalan")
    if source.get("summary"):
        rec.type(_field(page, "summary"), source["summary"], "sumber baru: Ringkasan (ketik)")


def _tick_suggestions(rec: Recorder, script: dict, *, promises: dict[str, int]) -> None:
    """Tick every suggestion the editor uses (a click each), then add them all as rows in one go."""
    page, ticked = rec.page, 0
    for row in script["rows"]:
        if row["kind"] == "janji":
            box = page.locator(f"#meja input[name='saran-janji'][value='{promises[row['promise']]}']")
        elif row["kind"] == "angka" and row.get("suggestion"):
            box = _suggested_figure(page, row["suggestion"]).get_by_role("checkbox")
            expect(box).to_have_count(1)
        else:
            continue
        if box.count():
            rec.tick(box, f"{row['kind']}: saran (centang)")
            row["_ticked"] = True
            ticked += 1
    if ticked:
        rec.submit(page.get_by_role("button", name="Tambahkan yang dicentang"), "Tambahkan yang dicentang")


def _suggested_figure(page: Page, text: str) -> Locator:
    exact = re.compile("^" + re.escape(text) + "$")
    return page.locator("#meja section.suggest li").filter(has=page.locator("strong", has_text=exact))


def _row_holding(rec: Recorder, kind: str, name: str, wanted: str, used: set[int]) -> int:
    """The index of the first row of `kind` not yet gone through whose field `name` holds `wanted`."""
    for i in range(_new_row(rec, kind)):
        if i not in used and _same(_field(rec.page, f"{kind}-{i}-{name}").input_value(), wanted):
            used.add(i)
            return i
    raise AssertionError(f"no {kind} row holds {name}={wanted}")


def _link_row(rec: Recorder, row: dict, *, promises, indicators, used) -> None:
    page, pk = rec.page, promises[row["promise"]]
    if row.get("_ticked"):
        i = _row_holding(rec, "janji", "promise", str(pk), used["janji"])
    else:
        i = _new_row(rec, "janji")
        used["janji"].add(i)
        rec.submit(page.get_by_role("button", name="+ Tautan ke janji"), "janji: + Tautan ke janji")
        rec.choose(_field(page, f"janji-{i}-promise"), str(pk), "janji: Janji (pilih)")
    expect(_field(page, f"janji-{i}-promise")).to_have_value(str(pk))
    if row.get("note"):
        rec.type(_field(page, f"janji-{i}-note"), row["note"], "janji: Apa kata artikel (ketik)")


def _reading_row(rec: Recorder, row: dict, *, promises, indicators, used) -> None:
    page = rec.page
    pk, unit = indicators[row["indicator"]]
    if row.get("_ticked"):
        i = _row_holding(rec, "angka", "value", str(row["value"]), used["angka"])
    else:
        i = _new_row(rec, "angka")
        used["angka"].add(i)
        rec.submit(page.get_by_role("button", name="+ Angka"), "angka: + Angka")
    wanted = READING_DEFAULTS | {"unit": unit} | {k: v for k, v in row.items() if k in READING_ORDER}
    wanted["indicator"] = str(pk)
    for name in READING_ORDER:
        _set(rec, f"angka-{i}-{name}", str(wanted[name]), f"angka: {name}")


def _status_row(rec: Recorder, row: dict, *, promises, indicators, used) -> None:
    page = rec.page
    i = _new_row(rec, "status")
    rec.submit(page.get_by_role("button", name="+ Perubahan status"), "status: + Perubahan status")
    _set(rec, f"status-{i}-promise", str(promises[row["promise"]]), "status: Janji")
    _set(rec, f"status-{i}-status", row["status"], "status: Status baru")
    _set(rec, f"status-{i}-verification", row.get("verification", ""), "status: Verifikasi")
    if row.get("recheck"):
        rec.tick(_field(page, f"status-{i}-recheck"), "status: Diperiksa ulang (centang)")
    rec.type(_field(page, f"status-{i}-reason"), row["reason"], "status: Alasan (ketik)")


# --- the table -----------------------------------------------------------------------------------------------------

COLUMNS = [("loads", 7), ("swaps", 7), ("clicks", 8), ("fields", 8), ("lists", 7), ("typed", 13)]
TITLES = {"typed": "typed chars"}


def table(efforts: list[Effort]) -> str:
    """Per article: loads, swaps, clicks, fields, lists scanned, typed characters, seconds; then the median."""
    titles = "".join(f"{TITLES.get(name, name):>{width}}" for name, width in COLUMNS)
    head = f"{'article':<9}{titles}{'seconds':>9}"
    lines = [head, "-" * len(head)]
    for effort in efforts:
        counts = "".join(f"{getattr(effort, name):>{width}}" for name, width in COLUMNS)
        lines.append(f"{effort.article:<9}{counts}{effort.seconds:>9.0f}")
    seconds = [effort.seconds for effort in efforts]
    lines.append("-" * len(head))
    lines.append(
        f"median {statistics.median(seconds):.0f} s (target ≤ {TARGET_MEDIAN} s), "
        f"longest {max(seconds):.0f} s (target ≤ {TARGET_MAX} s)"
    )
    return "\n".join(lines)


def costliest(efforts: list[Effort], n: int = 12) -> str:
    """Where the seconds go, over all articles: each kind of step, how often, and its seconds."""
    totals: dict[str, list[float]] = {}
    for effort in efforts:
        for what, seconds in effort.steps:
            totals.setdefault(what, []).append(seconds)
    everything = sum(effort.seconds for effort in efforts)
    ranked = sorted(totals.items(), key=lambda item: -sum(item[1]))[:n]
    lines = [f"{'step':<52}{'times':>6}{'seconds':>9}{'share':>7}"]
    for what, costs in ranked:
        lines.append(f"{what:<52}{len(costs):>6}{sum(costs):>9.0f}{sum(costs) / everything:>7.0%}")
    return "\n".join(lines)


NOTE_STEP = "janji: Apa kata artikel (ketik)"


def without_notes(efforts: list[Effort]) -> str:
    """The same entries if the editor left every optional promise-link note empty (the page then shows the
    article's headline under the promise): what the notes cost, per article."""
    seconds = [effort.seconds - sum(cost for what, cost in effort.steps if what == NOTE_STEP) for effort in efforts]
    per = ", ".join(f"{effort.article} {s:.0f} s" for effort, s in zip(efforts, seconds, strict=True))
    return (
        f"without the optional promise-link notes: {per}; median {statistics.median(seconds):.0f} s, "
        f"longest {max(seconds):.0f} s"
    )


# The parts of an entry: each step's label starts with its part; a part's first step starts one row of it.
PARTS = [
    ("janji:", "a promise link row", ("janji: saran (centang)", "janji: + Tautan ke janji")),
    ("angka:", "a figure row", ("angka: saran (centang)", "angka: + Angka")),
    ("status:", "a status row", ("status: + Perubahan status",)),
    ("sumber baru:", "a new source's fields", ("sumber baru: Keandalan",)),
]


def by_part(efforts: list[Effort]) -> str:
    """Seconds per part of an entry, over all articles: the rows, a new source, and the rest (the article)."""
    lines = [f"{'part':<26}{'count':>6}{'seconds':>9}{'each':>7}"]
    rest = sum(effort.seconds for effort in efforts)
    for prefix, name, starts in PARTS:
        steps = [(what, cost) for effort in efforts for what, cost in effort.steps if what.startswith(prefix)]
        count = sum(1 for what, _cost in steps if what in starts)
        seconds = sum(cost for _what, cost in steps)
        rest -= seconds
        if count:
            lines.append(f"{name:<26}{count:>6}{seconds:>9.0f}{seconds / count:>7.0f}")
    name = "the rest, per article"
    lines.append(f"{name:<26}{len(efforts):>6}{rest:>9.0f}{rest / len(efforts):>7.0f}")
    return "\n".join(lines)
