"""The preview image a shared link shows (og:image, ux.md F11): a 1200×630 PNG card per promise and per indicator,
drawn with Pillow from the figures their pages show.

`promise_card()` and `indicator_card()` decide what a card says, from objects the view loaded (no queries of
their own); `render()` draws it; `cached_png()` keeps the bytes in the shared cache under the data version
(`promises/cache.py`), so a card is drawn again only after the data changed. `preview_url()` is the address
for a page's `og:image`.

Pillow's bundled scalable font (Aileron) needs no system font, but it holds only unaccented Latin letters and a
few signs: none of the status glyphs. Those are drawn as shapes, and text it lacks is simplified ("é" → "e",
"–" → "-") instead of showing empty boxes.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageChops, ImageDraw, ImageFont

from . import cache as data_version
from .formatting import angka, date_label, nilai, reading_value
from .middleware import PAGE_TIMEOUT
from .models import Indicator, Promise
from .sharing import absolute, against_target

Status = Promise.Status

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BAND = 88  # the site-name band at the top
BADGE_HEIGHT = 60
BADGE_TOP = HEIGHT - 48 - BADGE_HEIGHT
BADGE_SPOT = (MARGIN + 6, BADGE_TOP + BADGE_HEIGHT // 2)  # a point of the badge's plain fill, before its glyph
TITLE_LINES = 3

CSS = data_version.ROOT / "static" / "css" / "site.css"

# Characters the font lacks that have a plain stand-in; the rest lose their accents, or become "?".
PLAIN = {"–": "-", "—": "-", "−": "-", "×": "x", "→": "->", "≥": ">=", "≤": "<=", "⚠": "!"}


@lru_cache(maxsize=1)
def colours() -> dict[str, tuple[int, int, int]]:
    """The site's colours by CSS custom property (`ink`, `muted`, `accent`, `s-<status>`...), read from
    site.css, so a card shows each status in the colour the pages give it and the colours live in one place."""
    found = re.findall(r"--([a-z_-]+):#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", CSS.read_text(encoding="utf-8"))
    table = {name: _rgb(hex_ if len(hex_) == 6 else "".join(2 * d for d in hex_)) for name, hex_ in found}
    missing = [status for status in Status.values if f"s-{status}" not in table]
    if missing:
        raise LookupError(f"site.css has no colour for {missing}")
    return table | {"white": (255, 255, 255)}


def _rgb(hex_: str) -> tuple[int, int, int]:
    return int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16)


def status_colour(status: str) -> tuple[int, int, int]:
    return colours()[f"s-{status}"]


# What a card says


@dataclass(frozen=True)
class Card:
    kicker: str  # above the title: "PG-4 · Lingkungan Hidup"
    title: str
    status: str = ""  # a Status value; no badge without one
    figure: str = ""  # "900 dari 1.347 unit (67%)", or why there is none
    figure_note: str = ""  # under the figure: its indicator and date, "Tempat sampah RT · per 14 Agustus 2025"
    since: str = ""  # beside the badge: when the status last changed
    domain: str = ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status else ""

    def lines(self) -> list[str]:
        """Every text the card shows, in reading order (the title before wrapping)."""
        texts = [_("Pantau Janji Kupang"), self.kicker, self.title, self.figure, self.figure_note]
        return [text for text in [*texts, self.status_label, self.since, self.domain] if text]


def figure(indicator: Indicator) -> tuple[str, str] | None:
    """The latest realised figure against the target, and when it holds, as the indicator page reads them:
    ("900 dari 1.347 unit (67%)", "per 14 Agustus 2025"); None without one. Reads the prefetched readings."""
    reading = indicator.progress_reading()
    if reading is None:
        return None
    if indicator.target_value:
        text = against_target(indicator, _amount(reading), _("%(value)s dari %(target)s"))
    else:
        text = reading_value(reading)
    return text, _("per %(date)s") % {"date": reading.as_of_label}


def _amount(reading) -> str:
    """The reading's number, without its unit when the target after it names the unit: "900", "lebih dari 900"."""
    if reading.unit in ("rupiah", "persen"):
        return reading_value(reading)  # "Rp3 miliar", "45%": the sign is part of the number
    text = angka(reading.value)
    if reading.value_max is not None:
        text += f"–{angka(reading.value_max)}"
    if reading.qualifier:
        text = f"{reading.get_qualifier_display()} {text}"
    return text


def _no_figure(indicator: Indicator) -> tuple[str, str]:
    """What the indicator page says without a realised total: the sum of recorded events, or that there is none."""
    events = indicator.event_sum()
    if events:
        n, total = events
        text = ngettext(
            "Jumlah %(total)s dari %(n)s kejadian yang tercatat",
            "Jumlah %(total)s dari %(n)s kejadian yang tercatat",
            n,
        ) % {"total": nilai(total, indicator.unit), "n": n}
    else:
        text = _("Belum ada angka realisasi")
    target = _("Target %(target)s") % {"target": nilai(indicator.target_value, indicator.unit)}
    return text, target if indicator.target_value is not None else ""


def domain(request) -> str:
    """The site's host as readers know it (SITE_URL), else the one the request came to."""
    return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else request.get_host()


def promise_card(promise: Promise, indicators: list[Indicator], last_change, site: str) -> Card:
    """A promise's card: its status, and the figure of its first indicator that has a realised one.

    `indicators` as `Indicator.objects.with_readings()` loads them; `last_change` is when the latest status
    change was made (None before any)."""
    shown = next(((indicator, found) for indicator in indicators if (found := figure(indicator))), None)
    text = note = ""
    if shown:
        indicator, (text, as_of) = shown
        note = f"{indicator.name} · {as_of}"
    since = ""
    if last_change is not None:
        date = date_label(timezone.localtime(last_change).date(), "day")
        since = _("sejak %(date)s") % {"date": date}
    return Card(
        kicker=f"{promise.code} · {promise.sector.name}",
        title=promise.title,
        status=promise.status,
        figure=text,
        figure_note=note,
        since=since,
        domain=site,
    )


def indicator_card(indicator: Indicator, site: str) -> Card:
    """An indicator's card: its figure against the target and the status of its promise (when it has one)."""
    text, note = figure(indicator) or _no_figure(indicator)
    promise = indicator.promise
    kicker = [_("Indikator"), promise.code if promise else "", indicator.sector.name if indicator.sector else ""]
    return Card(
        kicker=" · ".join(part for part in kicker if part),
        title=indicator.name,
        status=promise.status if promise else "",
        figure=text,
        figure_note=note,
        domain=site,
    )


# Drawing


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=512)
def _has_glyph(char: str) -> bool:
    """Whether the font draws `char` itself rather than its empty box."""
    font = _font(40)
    return char.isspace() or bytes(font.getmask(char)) != bytes(font.getmask("\U0010fffd"))


def drawable(text: str) -> str:
    """`text` with what the font cannot draw replaced: accents dropped, dashes plain, anything else "?"."""
    out = []
    for char in text:
        if _has_glyph(char):
            out.append(char)
        elif char in PLAIN:
            out.append(PLAIN[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and all(_has_glyph(c) for c in base) else "?")
    return "".join(out)


def _wrap(text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` pixels in at most `max_lines` lines, the last ending in "…" when cut."""
    words, lines = text.split(), []
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while font.getlength(line) > width:  # a word wider than the card: cut it
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            words.insert(0, line[cut:])
            line = line[:cut]
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line += f" {words.pop(0)}"
        lines.append(line)
    if words:
        last = lines[-1]
        while last and font.getlength(f"{last}…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = f"{last.rstrip(' ,.;:')}…"
    return lines


def _shape(draw: ImageDraw.ImageDraw, status: str, box: tuple[int, int, int, int], ink) -> None:
    """The status glyph (models.STATUS_GLYPHS) drawn as a shape, for the glyphs the font lacks."""
    x0, y0, x1, y1 = box
    mid_x, mid_y, w = (x0 + x1) // 2, (y0 + y1) // 2, 4
    circle = {
        Status.BELUM_DINILAI,
        Status.BELUM_ADA_TINDAKAN,
        Status.DALAM_PROSES,
        Status.DITEPATI_SEBAGIAN,
    }
    if status in circle:
        draw.ellipse(box, outline=ink, width=w)
    if status == Status.BELUM_ADA_TINDAKAN:  # ∅
        draw.line((x1 - 2, y0 - 2, x0 + 2, y1 + 2), fill=ink, width=w)
    elif status == Status.DALAM_PROSES:  # ◔
        draw.pieslice(box, -90, 0, fill=ink)
    elif status == Status.DITEPATI_SEBAGIAN:  # ◑
        draw.pieslice(box, -90, 90, fill=ink)
    elif status == Status.TERSENDAT:  # ‖
        for x in (mid_x - 7, mid_x + 3):
            draw.rectangle((x, y0 + 2, x + 4, y1 - 2), fill=ink)
    elif status == Status.DITEPATI:  # ✓
        draw.line((x0 + 2, mid_y, mid_x - 3, y1 - 4, x1 - 1, y0 + 3), fill=ink, width=w + 1, joint="curve")
    elif status == Status.TIDAK_DITEPATI:  # ✗
        draw.line((x0 + 3, y0 + 3, x1 - 3, y1 - 3), fill=ink, width=w + 1)
        draw.line((x0 + 3, y1 - 3, x1 - 3, y0 + 3), fill=ink, width=w + 1)


def _badge(draw: ImageDraw.ImageDraw, card: Card, colour) -> int:
    """The status badge at the bottom left, as on the pages: colour, glyph and label. Returns its right edge."""
    white = colours()["white"]
    label_font, glyph_size = _font(34), 28
    label = drawable(card.status_label)
    right = MARGIN + 20 + glyph_size + 14 + int(label_font.getlength(label)) + 24
    draw.rounded_rectangle((MARGIN, BADGE_TOP, right, BADGE_TOP + BADGE_HEIGHT), radius=12, fill=colour)
    glyph_box = (MARGIN + 20, BADGE_TOP + 16, MARGIN + 20 + glyph_size, BADGE_TOP + 16 + glyph_size)
    glyph = Status(card.status).glyph
    if _has_glyph(glyph):
        draw.text((glyph_box[0], BADGE_TOP + BADGE_HEIGHT // 2), glyph, font=label_font, fill=white, anchor="lm")
    else:
        _shape(draw, card.status, glyph_box, white)
    draw.text((glyph_box[2] + 14, BADGE_TOP + BADGE_HEIGHT // 2), label, font=label_font, fill=white, anchor="lm")
    return right


def _indexed(image: Image.Image, flat: list[tuple[int, int, int]]) -> Image.Image:
    """The card with 64 colours (a small PNG), where every pixel of a `flat` colour keeps it exactly: median cut
    alone may shift a large area by a shade (the white, a status colour)."""
    indexed = image.quantize(64, dither=Image.Dither.NONE)
    raw = indexed.getpalette() or []
    entries = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    for colour in flat:
        if colour not in entries:
            entries.append(colour)
        difference = ImageChops.difference(image, Image.new("RGB", image.size, colour)).split()
        same = ImageChops.lighter(ImageChops.lighter(*difference[:2]), difference[2]).point(lambda v: 255 * (v == 0))
        indexed.paste(entries.index(colour), mask=same.convert("1"))
    indexed.putpalette([value for rgb in entries for value in rgb])
    return indexed


def render(card: Card) -> bytes:
    """The card as PNG bytes (no queries)."""
    c = colours()
    image = Image.new("RGB", (WIDTH, HEIGHT), c["bg"])
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    draw.rectangle((0, 0, WIDTH, BAND), fill=c["accent"])
    draw.text((MARGIN, BAND // 2), drawable(_("Pantau Janji Kupang")), font=_font(40), fill=c["white"], anchor="lm")

    y = BAND + 34
    kicker_font = _font(30)
    for line in _wrap(drawable(card.kicker), kicker_font, inner, 1):
        draw.text((MARGIN, y), line, font=kicker_font, fill=c["muted"])
    y += 48

    title_font = _font(52 if card.figure else 60)
    step = round(title_font.size * 1.2)
    for line in _wrap(drawable(card.title), title_font, inner, TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_font, fill=c["ink"])
        y += step

    if card.figure:
        y += 18
        figure_font = _font(46)
        for line in _wrap(drawable(card.figure), figure_font, inner, 1):
            draw.text((MARGIN, y), line, font=figure_font, fill=c["ink"])
        y += 58
        note_font = _font(30)
        for line in _wrap(drawable(card.figure_note), note_font, inner, 1):
            draw.text((MARGIN, y), line, font=note_font, fill=c["muted"])

    colour = status_colour(card.status) if card.status else None
    right = _badge(draw, card, colour) + 24 if colour else MARGIN
    draw.line((MARGIN, BADGE_TOP - 22, WIDTH - MARGIN, BADGE_TOP - 22), fill=c["line"], width=2)
    small = _font(28)
    middle = BADGE_TOP + BADGE_HEIGHT // 2
    site = drawable(card.domain)
    site_left = WIDTH - MARGIN - small.getlength(site)
    if card.since:
        for line in _wrap(drawable(card.since), small, int(site_left - 24 - right), 1):
            draw.text((right, middle), line, font=small, fill=c["muted"], anchor="lm")
    draw.text((WIDTH - MARGIN, middle), site, font=small, fill=c["muted"], anchor="rm")

    out = BytesIO()
    flat = [c["bg"], c["accent"], c["white"], c["ink"], c["muted"], *([colour] if colour else [])]
    _indexed(image, flat).save(out, "PNG", optimize=True)
    return out.getvalue()


# Serving


def cached_png(name: str, scope: str, site: str, card) -> tuple[bytes, str]:
    """(PNG, ETag) of the card `name` ("janji-5", "indikator-tempat-sampah-rt") on `site`, from the shared cache
    while the data version of `scope` (promises/cache.py) is the one it was drawn at, else drawn with `card()`
    (which may raise Http404).

    A hit costs one query with the database cache (the version and the image read together, as the page cache
    does); a drawn card is stored under the version read before its data, so a write meanwhile is never hidden.
    """
    key = "pjk:preview:" + "|".join([data_version.build_id(), translation.get_language() or "", site, name])
    version, found = data_version.read(scope, key)
    hit = found.get(key)
    if hit and hit[0] == version:
        return hit[1], hit[2]
    png = render(card())
    etag = '"' + hashlib.sha256(png).hexdigest()[:32] + '"'
    cache.set(key, (version, png, etag), PAGE_TIMEOUT)
    return png, etag


def preview_path(obj: Promise | Indicator) -> str:
    if isinstance(obj, Promise):
        return reverse("promises:promise_preview", kwargs={"pk": obj.pk})
    return reverse("promises:indicator_preview", kwargs={"slug": obj.slug})


def preview_url(request, obj: Promise | Indicator) -> str:
    """The absolute address of a promise's or an indicator's card, for `og:image` (SITE_URL when set), in the
    language of the page. No queries."""
    return absolute(request, preview_path(obj))
