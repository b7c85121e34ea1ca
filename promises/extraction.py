"""Figures and dates in pasted Indonesian news text, to suggest one-click rows to an editor recording an article.

Pure Python and deterministic (no model, no network): regular expressions and a few word lists. Numbers are read
as Indonesian writes them ("1.347" is 1347, "16,3" is 16.3, "Rp1,2 miliar" is 1200000000). What is not a figure
is masked first: dates, times, phone numbers, long ids, "Baca Juga" lines, view counts and other page furniture,
list markers, ordinals, years and numbers glued into words. `rank` orders candidate labels (promises, indicators)
by the content words they share with the text.
"""

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

__all__ = ["Figure", "article_date", "counts_hint", "dated", "find_dates", "find_figures", "rank"]


@dataclass(frozen=True)
class Figure:
    """One figure as the text states it, with the sentence and the date it is about."""

    value: Decimal
    value_max: Decimal | None
    unit: str
    qualifier: str  # a stored value of Reading.Qualifier
    text: str
    start: int
    end: int
    sentence: str
    as_of: date | None
    precision: str  # "day", "month", "year" or ""


# --- Word lists ---------------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(text.split())


MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "desember": 12,
    "des": 12,
}
WEEKDAYS = ["senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad"]
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "milyar": 10**9, "triliun": 10**12}
NUMBER_WORDS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "seratus": 100,
    "seribu": 1000,
}
# Longest first where one phrase starts another; the stored values are Reading.Qualifier's.
QUALIFIERS = {
    "lebih dari": "lebih_dari",
    "di atas": "lebih_dari",
    "lebih kurang": "sekitar",
    "kurang lebih": "sekitar",
    "sekitar": "sekitar",
    "kira-kira": "sekitar",
    "±": "sekitar",
    "+/-": "sekitar",
    "+-": "sekitar",
    "hampir": "kurang_dari",
    "kurang dari": "kurang_dari",
    "mencapai hingga": "hingga",
    "hingga": "hingga",
    "sampai dengan": "hingga",
    "sampai": "hingga",
    "setidaknya": "setidaknya",
    "sedikitnya": "setidaknya",
    "minimal": "setidaknya",
}
# Words after a number that say what it counts: these do not (function words, time words, adjectives).
NOT_UNITS = _words(
    """
    ada adalah agar akan akhir aktif antara apa atas atau awal bagi bahkan bahwa baik baru banyak belum berikut
    besar bisa cukup dalam dan dapat dari demikian dengan di dia dilakukan hanya harus hingga ia ini itu jika juga
    kalau kami karena ke kecil kepada kita kurang lagi lain lalu lebih maka masih mendatang menjadi menurut mereka
    namun nasional oleh pada para per pertama pun saat saja sama sampai sangat saya sebagai sebanyak sebelum
    sebelumnya sebesar secara sedang sejak sekitar selama seluruh semua sementara sendiri senilai serta setelah
    setiap sudah tahun-tahun tanpa tapi telah tentang terakhir terhadap termasuk tersebut tetapi tidak total untuk
    yaitu yakni yang
    """
)
NOT_UNITS |= set(MONTHS) | set(SCALES)
# A number right after these is an id, a time or a list position, not an amount.
ID_WORDS = [
    "nomor",
    "nomer",
    "no",
    "no.",
    "pasal",
    "ayat",
    "huruf",
    "kode",
    "rt",
    "rw",
    "nip",
    "nrp",
    "nik",
    "urut",
    "tahap",
    "edisi",
    "jilid",
    "versi",
    "pukul",
    "jam",
]
RANK_WORDS = ["peringkat", "ranking", "rangking", "top"]
# Before a full stop these do not end a sentence ("dr. Christian", "Jl. Oekam", "No. Rek. 4676").
ABBREVIATIONS = _words(
    """
    dr drs dra ir prof h hj st sos sc se sh mh mm mpd spd skm no rek jl jln kec kel kab prov tlp telp hp rp dll dsb
    dkk yth bpk sdr an pt cv tbk mr mrs ny nn
    """
)
STOPWORDS = _words(
    """
    ada adalah agar akan akhir aku anda antara apa apakah atas atau bagi bahkan bahwa baik banyak bapak begitu
    belum berbagai bersama bisa bukan dalam dan dapat dari demikian dengan di dia dirinya ialah ia ibu ini itu
    jadi jika juga kalau kami kamu karena kata ke kecuali kembali kepada ketika kita lagi lain lalu maka masih
    melalui menjadi menurut mereka namun nanti oleh pada para per pernah pula pun saat saja sama sampai sangat
    saya sebagai sebelum sebuah secara sedang sejak sekitar selain selama seluruh semua sementara serta setelah
    setiap sudah supaya tanpa tapi telah tentang terhadap tersebut tetapi tidak untuk ujar ya yaitu yakni yang
    """
)
# Words nearly every article and every promise of this tracker shares: they say nothing about which one it is.
STOPWORDS |= _words(
    """
    kota kupang pemkot pemerintah wali wakil walikota ntt nusa tenggara timur christian widodo serena francis
    cosgrova dr janji program kampanye capaian tahun bulan hari persen rp rupiah ribu juta miliar triliun unit
    """
)

# --- Regular expressions ------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_MONTH = rf"(?P<month>{_alternation(MONTHS)})\b\.?"
_WEEKDAY = rf"(?:(?:{_alternation(WEEKDAYS)})\b,?\s*)"
_DATE_PATTERNS = [
    # (precision, regex); tried in this order, a later match overlapping an earlier one is dropped
    ("day", re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})\b")),
    ("day", re.compile(rf"{_WEEKDAY}?\((?P<day>\d{{1,2}})/(?P<mon>\d{{1,2}})(?:/(?P<year>\d{{4}}|\d{{2}}))?\)", re.I)),
    ("day", re.compile(rf"{_WEEKDAY}?\b(?P<day>\d{{1,2}})([/-])(?P<mon>\d{{1,2}})\2(?P<year>\d{{4}}|\d{{2}})\b", re.I)),
    ("day", re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})/(?P<mon>\d{{1,2}})\b(?!/)", re.I)),
    ("day", re.compile(rf"{_WEEKDAY}?\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}})\b)?", re.I)),
    ("month", re.compile(rf"\b{_MONTH}\s+(?P<year>\d{{4}})\b", re.I)),
    ("month", re.compile(rf"(?<=\bbulan\s){_MONTH}", re.I)),
    (
        "year",
        re.compile(
            r"(?<![\w])(?:tahun(?:\s+anggaran)?|pada|sejak|hingga|sampai|akhir|awal|periode)\s+"
            r"(?P<year>(?:19|20)\d{2})\b(?!\s*[/-]\s*\d)",
            re.I,
        ),
    ),
]
_FORWARD = re.compile(r"\s*(?:nanti|mendatang|yang akan datang|depan)\b", re.I)

_SP = r"[^\S\n]"  # a space that stays on the line
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_PLAIN = re.compile(r"\d+(?:,\d+)?")
_START = re.compile(rf"Rp\.?{_SP}?\d|\d|\b(?:{_alternation(NUMBER_WORDS)})\b", re.I)
_RP = re.compile(rf"Rp\.?{_SP}?")
_SCALE = re.compile(rf"{_SP}?(?P<scale>{_alternation(SCALES)})\b", re.I)
_RP_M = re.compile(rf"{_SP}?M\b")
_GLUED_UNIT = re.compile(r"(?P<unit>km|kg|ha|cm|mm|ton|m)\b")
_PERCENT = re.compile(rf"{_SP}?(?:%|persen\b)", re.I)
_RUPIAH = re.compile(rf"{_SP}rupiah\b", re.I)
_UNIT = re.compile(rf"{_SP}+(?P<unit>[^\W\d_]+(?:-[^\W\d_]+)*)\b")
_RANGE = re.compile(rf"{_SP}*(?:-|–|s\.d\.?|s/d){_SP}*|{_SP}+(?:hingga|sampai{_SP}+dengan|sampai){_SP}+", re.I)
_AND = re.compile(rf"{_SP}+(?:dan|hingga|sampai){_SP}+", re.I)
_OF = re.compile(rf"{_SP}+dari{_SP}+", re.I)
_QUALIFIER = re.compile(
    rf"(?:(?<![\w])(?P<word>{_alternation(k for k in QUALIFIERS if k[0].isalpha())}|antara)\s+"
    rf"|(?P<sign>{_alternation(k for k in QUALIFIERS if not k[0].isalpha())})\s*)$",
    re.I,
)
_RANK = re.compile(rf"(?<![\w])(?:{_alternation(RANK_WORDS)})\s+(?:ke-?\s?)?$", re.I)
_ID_BEFORE = re.compile(rf"(?<![\w])(?P<word>{_alternation(ID_WORDS)})\s*$", re.I)
_PASSIVE = re.compile(r"di\w+kan|diper\w+")  # "dibagikan", "diperiksa": a verb, not what is counted
_WORD_BEFORE = re.compile(r"(?P<word>[^\W\d_][\w-]*)\W*$")

_MASKS = [
    re.compile(r"^[ \t]*baca juga\b.*$", re.I | re.M),  # related-article lines
    re.compile(r"^[ \t]*[\d.,]+[ \t]*$", re.M),  # a number alone on a line: comment or view counters
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+", re.I),  # e-mail, links
    re.compile(r"\b\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?\s*(?:WIB|WITA|WIT)\b"),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    re.compile(r"(?:\+62[\s-]?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,5}\b|\(0\d{2,3}\)\s?\d{5,8}\b"),  # phones
    re.compile(r"(?<![\d.])-?\d[\d.]*\s*(?:kali\s+)?(?:dilihat|dibaca|views?|komentar)\b", re.I),  # view counters
    re.compile(r"waktu baca\s+\d+\s*menit|(?<!\d)\d+\s*menit\s+baca", re.I),
    re.compile(r"^[ \t]*\(?\d{1,2}[.)][ \t]", re.M),  # list markers "1." "2)"
]
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\b")
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]+[\"”’)]*(?=\s)")


# --- Dates --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    precision: str
    day: int
    month: int
    year: int | None
    forward: bool  # "1 April nanti": the next such date, not the last one


def _date_matches(text: str) -> list[_Date]:
    """Everything that reads as a date, resolved or not, without overlaps."""
    found: list[_Date] = []
    taken = bytearray(len(text) + 1)
    for precision, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if precision == "year":
                start = match.start("year")
            if any(taken[start:end]):
                continue
            groups = match.groupdict()
            year = groups.get("year")
            if year is not None:
                year = int(year) + (2000 if len(year) == 2 else 0)
            month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups.get("mon") or 1)
            day = int(groups.get("day") or 1)
            forward = bool(_FORWARD.match(text, end))
            found.append(_Date(start, end, precision, day, month, year, forward))
            taken[start:end] = b"\1" * (end - start)
    return sorted(found, key=lambda found_date: found_date.start)


def _text_year(matches: list[_Date]) -> int | None:
    """The year the text is about when it says none: the first full date's, else the latest year named."""
    full = [m.year for m in matches if m.precision == "day" and m.year]
    if full:
        return full[0]
    years = [m.year for m in matches if m.year]
    return max(years) if years else None


def _resolve(found: _Date, published: date | None, default_year: int | None) -> date | None:
    year = found.year
    try:
        if year is not None:
            return date(year, found.month, found.day)
        if published is not None:
            candidate = date(published.year, found.month, found.day)
            if found.forward and candidate < published:
                return date(published.year + 1, found.month, found.day)
            if not found.forward and candidate > published:
                return date(published.year - 1, found.month, found.day)
            return candidate
        if default_year is not None:
            return date(default_year, found.month, found.day)
    except ValueError:  # 31/2, 29 February of a common year
        return None
    return None


def _resolved_dates(text: str, published: date | None) -> tuple[list[_Date], list[tuple[date, str, int, int]]]:
    matches = _date_matches(text)
    default_year = _text_year(matches)
    resolved = []
    for found in matches:
        when = _resolve(found, published, default_year)
        if when is not None:
            resolved.append((when, found.precision, found.start, found.end))
    return matches, resolved


def find_dates(text: str, published: date | None = None) -> list[tuple[date, str, int, int]]:
    """Dates in the text as (date, precision, start, end), in order; a month or a year is its first day.

    A date without a year takes the one that puts it last on or before `published` ("1 April nanti": first on
    or after), else the year of the text's first full date, else the latest year it names, else it is skipped.
    """
    return _resolved_dates(text, published)[1]


_URL_MONTH = re.compile(r"/(?P<year>20\d{2})/(?P<month>0[1-9]|1[0-2])(?:/|$)")


def url_month(url: str) -> date | None:
    """The last day of the month a news URL is filed under (".../2025/08/judul.html"), or None."""
    found = _URL_MONTH.search(url or "")
    if not found:
        return None
    year, month = int(found["year"]), int(found["month"])
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def article_date(text: str, *, published: date | None = None, url: str = "") -> date | None:
    """The day an article reports on: its publication date when known, else its first full date (the dateline,
    "Kamis (14/8)"), read with the year of the URL's /yyyy/mm/ when the text names none."""
    if published is not None:
        return published
    matches = _date_matches(text)
    hint, default_year = url_month(url), _text_year(matches)
    for found in matches:
        if found.precision == "day":
            return _resolve(found, hint, default_year)
    return None


_DATELINE_START = re.compile(r"^[A-Z][A-Z .'-]{2,}\b")  # "KUPANG, LIPUTANNTT.com, Kamis (14/8) –"


def publication_date(text: str, *, url: str = "") -> date | None:
    """The day an article was published, only where the page says it as such: a date on a short line of its own
    (the page's time stamp, "Selasa, 15 Apr 2025 13:09 256 Times NTT") or right after the place name that opens
    a paragraph (the dateline, "KUPANG, LIPUTANNTT.com, Kamis (14/8) –"). A date inside a sentence is when
    something happened, not when it was published: None then."""
    matches = _date_matches(text)
    hint, default_year = url_month(url), _text_year(matches)
    for found in matches:
        if found.precision != "day":
            continue
        line_start = text.rfind("\n", 0, found.start) + 1
        line_end = text.find("\n", found.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        stamp = len(line.split()) <= 12 and not line.rstrip().endswith(".")
        dateline = found.start - line_start <= 80 and _DATELINE_START.match(line)
        if stamp or dateline:
            return _resolve(found, hint, default_year)
    return None


def dated(figure: Figure, day: date | None) -> tuple[date | None, str]:
    """The date a figure holds at, and its precision: its own when its sentence gives a day or a period the article's
    day is not in; the article's day when it has none, or only the year or month that day falls in ("tahun 2025"
    in an article of 11 July 2025 is said on 11 July 2025)."""
    if day is None or figure.precision == "day":
        return figure.as_of, figure.precision
    if figure.as_of is None:
        return day, "day"
    same_year = figure.as_of.year == day.year
    if (figure.precision == "year" and same_year) or (
        figure.precision == "month" and same_year and figure.as_of.month == day.month
    ):
        return day, "day"
    return figure.as_of, figure.precision


_DOMAIN_END = re.compile(r"\.(?:co\.id|com|id|net|org|or\.id|go\.id|news)$")


def _squeeze(text: str) -> str:
    """Letters and digits only, case-folded: "Suara-ntt.com" and "Suara-NTT" both give "suarantt" (with the domain
    ending dropped first)."""
    return re.sub(r"[\W_]+", "", _DOMAIN_END.sub("", _fold(text.strip(".,;:()[]|"))))


def find_outlet(text: str, outlets: Iterable[str], *, head: int = 20000) -> str:
    """The first of `outlets` named in the text ("Suara-ntt.com, Kupang-…", "KUPANG;Jejakhukumindonesia.com"), word for
    word or as two capitalised words written together ("Times NTT" for "Timesntt"); "" when none is. Only whole
    words count, and "Inihari" is not found in "ini hari"."""
    by_key = {}
    for outlet in outlets:
        key = _squeeze(outlet)
        if len(key) >= 4:
            by_key.setdefault(key, outlet)
    words = [word for word in re.split(r"[\s;,|]+", text[:head]) if word]
    for i, word in enumerate(words):
        pair = words[i : i + 2]
        named = len(pair) == 2 and all(part[:1].isupper() for part in pair)  # "Times NTT", never "ini hari"
        for candidate in (word, " ".join(pair)) if named else (word,):
            key = _squeeze(candidate)
            if key in by_key:
                return by_key[key]
    return ""


def find_headline(text: str, url: str = "") -> str:
    """The article's headline in pasted page text: the line sharing the most words with the URL's last part
    (".../wali-kota-kupang-penuhi-30-persen/"), else the first line said twice (a page repeats its title), else
    the first line of four to thirty words that does not end a sentence. "" when none looks like one."""
    lines = [" ".join(line.split()) for line in text.splitlines()[:300]]
    lines = [line for line in lines if 4 <= len(line.split()) <= 30 and not line.endswith((".", ":", "?", "!"))]
    slug = content_words(re.sub(r"[-_/.]+", " ", urlsplit_path(url)))
    if len(slug) >= 3:
        best = max(lines, key=lambda line: len(slug & content_words(line)), default="")
        if best and len(slug & content_words(best)) * 2 >= len(slug):
            return best
    seen = set()
    for line in lines:
        if line in seen:
            return line
        seen.add(line)
    return lines[0] if lines else ""


def urlsplit_path(url: str) -> str:
    """The last non-empty part of a URL's path, without its extension: "judul-berita" of ".../judul-berita.html"."""
    parts = [part for part in urlsplit(url or "").path.split("/") if part]
    return re.sub(r"\.[a-z]{2,5}$", "", parts[-1], flags=re.I) if parts else ""


# Words an article counts in for the unit an indicator counts in: "23.000 keluarga" are 23.000 KK, "600 pelaku
# UMKM" are 600 UMKM. Only plain equivalents; a figure in another unit keeps its own word.
UNIT_SYNONYMS = {
    "kk": {"keluarga", "kepala keluarga"},
    "umkm": {"pelaku umkm", "pelaku usaha", "usaha mikro"},
    "orang": {"jiwa", "warga"},
}


def same_unit(indicator_unit: str, figure: Figure, text: str) -> bool:
    """Whether the figure counts in the indicator's unit: the same word, or a plain equivalent of it, alone or
    with the word after it ("pelaku UMKM")."""
    unit = indicator_unit.lower()
    if figure.unit == unit:
        return True
    following = re.match(r"\s+([^\W\d_]+)", text[figure.end :])
    words = {figure.unit} | ({f"{figure.unit} {following[1].lower()}"} if following else set())
    return bool(words & UNIT_SYNONYMS.get(unit, set()))


DURATION_UNITS = {"detik", "menit", "jam", "hari", "minggu", "pekan", "bulan", "tahun"}  # spans of time
GENERIC_UNITS = {"persen", "rupiah"}  # any share or any sum: the words, not the unit, must say which indicator


# A count this many times an indicator's whole target is about something else (1.300 bins for RTs are not the 51
# steel containers, one per kelurahan).
BEYOND_TARGET = 10


def indicator_for[K](figure: Figure, text: str, candidates: Iterable[tuple], limit: int = 8) -> K | None:
    """The indicator a figure most likely belongs to, from (key, label, unit) or (key, label, unit, target)
    candidates: among the `limit` whose labels share most words with its sentence, the first that counts in its
    unit (or a plain equivalent), shares at least one word with the sentence (two for a share or a sum), and is
    not a count far beyond its target; None rather than a weak guess."""
    units, labels, targets = {}, {}, {}
    for key, label, unit, *target in candidates:
        units[key], labels[key] = unit, label
        if target and target[0]:
            targets[key] = target[0]
    ranked = rank(figure.sentence, labels.items(), limit=limit)
    words, needed = content_words(figure.sentence), 2 if figure.unit in GENERIC_UNITS else 1
    for key in ranked:
        if not same_unit(units[key], figure, text) or len(words & content_words(labels[key])) < needed:
            continue
        if key in targets and units[key] != "persen" and figure.value > BEYOND_TARGET * targets[key]:
            continue
        return key
    return None


# What a figure counts, from the words of its clause: (the stored value of Reading.Counts, stems). The nearest cue
# to the figure wins; a cue of something done after "akan" (will) is a plan: allocated when the clause allocates
# money, else a target.
COUNTS_CUES = [
    ("target", ["target", "ditargetkan", "menargetkan", "kebutuhan", "sasaran"]),
    (
        "allocated",
        [
            "alokasi",
            "mengalokasikan",
            "dialokasikan",
            "anggaran",
            "menyiapkan dana",
            "menempatkan dana",
            "dana pengaman",
            "disiapkan",
            "dianggarkan",
            "pagu",
        ],
    ),
    ("procured", ["mengadakan", "diadakan", "pengadaan", "membeli", "dibeli"]),
    (
        "delivered",
        [
            "tersedia",
            "diserahkan",
            "menyerahkan",
            "disalurkan",
            "menyalurkan",
            "dibagikan",
            "disediakan",
            "membagikan",
            "menerima",
            "diterima",
            "kepada",
            "terealisasi",
            "dipasang",
            "dibangun",
            "penerima",
        ],
    ),
    (
        "used",
        ["perputaran", "omzet", "omset", "difasilitasi", "dimanfaatkan", "memanfaatkan", "digunakan", "pengunjung"],
    ),
    ("claimed", ["mengklaim", "diklaim", "klaim"]),
]
_CUES = re.compile(
    r"(?<![\w])(?P<cue>" + _alternation(cue for _counts, cues in COUNTS_CUES for cue in cues) + r")(?![\w])", re.I
)
_CUE_COUNTS = {cue: counts for counts, cues in COUNTS_CUES for cue in cues}
_CLAUSE_END = re.compile(r"[,;:]|(?<![\w])(?:dengan|dari total|dari|sedangkan|serta)(?![\w])", re.I)
_WILL = re.compile(r"(?<![\w])akan(?![\w])", re.I)


def counts_hint(figure: Figure) -> tuple[str, str]:
    """What the figure most likely counts, read from the words of its clause, with the word that says so; ("", "")
    when its clause has no such word. A suggestion for the editor to check, never saved unseen."""
    sentence = " ".join(figure.text.split())
    at = figure.sentence.find(sentence)
    if at < 0:
        return "", ""
    start = max((m.end() for m in _CLAUSE_END.finditer(figure.sentence, 0, at)), default=0)
    tail = _CLAUSE_END.search(figure.sentence, at + len(sentence))
    end = tail.start() if tail else len(figure.sentence)
    clause, at = figure.sentence[start:end], at - start
    cues = [(m, _CUE_COUNTS[m["cue"].lower()]) for m in _CUES.finditer(clause)]
    cues = [(m, counts) for m, counts in cues if not (m.start() < at + len(sentence) and m.end() > at)]
    if not cues:
        return "", ""
    near, counts = min(cues, key=lambda item: at - item[0].end() if item[0].end() <= at else item[0].start() - at)
    if counts in {"procured", "delivered", "used"} and _WILL.search(clause, 0, max(at, near.start())):
        planned = [m for m, c in cues if c == "allocated"]
        counts, near = ("allocated", planned[0]) if planned else ("target", near)
    return counts, near["cue"]


# --- Sentences ----------------------------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a sentence never runs past the end of its line (its paragraph)."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            before = _WORD_BEFORE.search(line, max(0, match.start() - 40), match.start() + 1)
            word = before.group("word").lower() if before else ""
            rest = line[match.end() :].lstrip()
            if word in ABBREVIATIONS or len(word) == 1 or (rest and rest[0].islower()):
                continue
            spans.append((offset + start, offset + match.end()))
            start = match.end()
        if line[start:].strip():
            spans.append((offset + start, offset + len(line)))
        offset += len(line) + 1
    return spans


# --- Speakers -----------------------------------------------------------------------------------------------------

# Words that say who said something: "kata", "ujar dr. Christian", "Wali Kota menjelaskan", "tegasnya".
SAYING = _words(
    """kata ujar ungkap jelas tutur sebut tegas papar terang imbuh tambah katanya ujarnya ungkapnya jelasnya tuturnya
    tegasnya paparnya imbuhnya mengatakan menjelaskan menyampaikan mengungkapkan mengungkap menegaskan memaparkan
    menyebutkan menyebut menuturkan menerangkan menambahkan"""
)
_HEAD_ROLE = re.compile(r"\b(?:wali\s*kota|walikota)\b", re.I)
_DEPUTY_ROLE = re.compile(r"\b(?:wakil\s+wali\s*kota|wakil\s+walikota|wawali)\b", re.I)
_ACTING_ROLE = re.compile(r"\b(?:penjabat|pj|plt|pjs)\.?\s+(?:wali\s*kota|walikota)\b", re.I)  # not the elected head
_TITLES = _words("dr drs ir hj h s.sos m.sc m.si s.h s.e s.kom s.pd")


def _name_words(name: str) -> set[str]:
    """The words of a person's name that can stand for them ("dr. Christian Widodo": christian, widodo)."""
    return {w for w in re.findall(r"[^\W\d_]{3,}", name.lower()) if w not in _TITLES}


def speaker(text: str, head: str = "", deputy: str = "") -> tuple[str, str] | None:
    """Who the article mostly quotes, when that is the head or the deputy of the government: ("wali_kota" or
    "wakil_wali_kota", the words that say so), from the sentences with a word of saying that name one of them
    (by role or by name) and not the other. Only when it is said at least twice and more often than of the other,
    and no one else is quoted more often; None otherwise (an editor chooses). A suggestion with its evidence, never a
    silent default."""
    head_names, deputy_names = _name_words(head), _name_words(deputy)
    said: dict[str, list[str]] = {"wali_kota": [], "wakil_wali_kota": [], "lainnya": []}
    for start, end in _sentences(text):
        sentence = text[start:end]
        words = set(re.findall(r"[^\W\d_]+", sentence.lower()))
        if not words & SAYING:
            continue
        if _ACTING_ROLE.search(sentence):
            said["lainnya"].append(sentence)
            continue
        without_deputy = _DEPUTY_ROLE.sub(lambda m: " " * len(m[0]), sentence)  # "Wakil Wali Kota" is not the head
        deputy_named = _DEPUTY_ROLE.search(sentence) or _name_in(sentence, deputy_names)
        head_named = _HEAD_ROLE.search(without_deputy) or _name_in(sentence, head_names)
        if head_named and not deputy_named:
            said["wali_kota"].append(_cue(sentence, head_named))
        elif deputy_named and not head_named:
            said["wakil_wali_kota"].append(_cue(sentence, deputy_named))
        elif not head_named and not deputy_named and re.search(r"\b[A-Z][a-z]+\.?\s+[A-Z]", sentence):
            said["lainnya"].append(sentence)  # someone else named, perhaps
    first, second = sorted(said, key=lambda who: len(said[who]), reverse=True)[:2]
    if first == "lainnya" or len(said[first]) < 2 or len(said[first]) <= len(said[second]):
        return None
    return first, said[first][0]


def _name_in(sentence: str, names: set[str]) -> re.Match | None:
    return re.search(rf"\b(?:{_alternation(names)})\b", sentence, re.I) if names else None


def _cue(sentence: str, who: re.Match) -> str:
    """The words that say who said it: from the name or role to the nearest word of saying ("ujar dr. Christian",
    "Wali Kota Kupang menyampaikan"), at most 80 characters."""
    saying = [m for m in re.finditer(r"[^\W\d_]+", sentence) if m[0].lower() in SAYING]
    near = min(saying, key=lambda m: abs(m.start() - who.start()))
    start, end = min(near.start(), who.start()), max(near.end(), who.end())
    if end - start > 80:
        return f"{who[0]} … {near[0]}"
    return sentence[start:end]


# --- Figures ------------------------------------------------------------------------------------------------------


@dataclass
class _Amount:
    value: Decimal
    start: int
    end: int
    factor: int = 1  # the scale word's: 1000000 for "juta"
    rupiah: bool = False
    percent: bool = False
    year_like: bool = False
    glued_unit: str = ""


def _number(token: str) -> Decimal | None:
    """ "1.347" → 1347, "16,3" → 16.3; "10.00" or "1.2.3" are not amounts."""
    if _THOUSANDS.fullmatch(token):
        return Decimal(token.replace(".", "").replace(",", "."))
    if _PLAIN.fullmatch(token):
        if len(token) > 1 and token[0] == "0" and token[1].isdigit():
            return None  # "005", "0812…": an id or a phone number
        if len(token) >= 7:
            return None  # an account number or an article id
        return Decimal(token.replace(",", "."))
    return None


def _glued_before(text: str, start: int) -> bool:
    """ "P3HI", "ke-5", "COVID-19", "#2", "2024/2025"."""
    before = text[start - 1] if start else " "
    if before.isalnum() or before in "#@/_":
        return True
    return before == "-" and start >= 2 and text[start - 2].isalpha()


def _amount(text: str, pos: int, mask: bytearray, *, after_word: bool = False) -> _Amount | None:
    """An amount at `pos`: [Rp] number [scale | M] [% | persen] [rupiah], or None if it is no amount.

    `after_word`: the number may follow a word joined by a hyphen ("peringkat ke-10").
    """
    if mask[pos] or (not after_word and _glued_before(text, pos)):
        return None
    rp = _RP.match(text, pos)
    at = rp.end() if rp else pos
    token = _NUM.match(text, at)
    if not token:
        return None
    value = _number(token.group())
    if value is None:
        return None
    end = token.end()
    amount = _Amount(value, pos, end, rupiah=bool(rp))
    glued = _GLUED_UNIT.match(text, end)
    if glued and not rp:
        amount.glued_unit, amount.end = glued.group("unit"), glued.end()
        return None if any(mask[amount.start : amount.end]) else amount
    following = text[end : end + 2]
    if following[:1].isalpha() and not (rp and following[:1] == "M" and not following[1:2].isalpha()):
        return None  # "0Komentar", "325x300"
    if following[:1] == "/" or (following[:1] == "-" and following[1:2].isalpha()):
        return None  # "13/RW", "100-an"
    if scale := _SCALE.match(text, end):
        amount.factor, amount.end = SCALES[scale.group("scale").lower()], scale.end()
    elif rp and (billion := _RP_M.match(text, end)):
        amount.factor, amount.end = SCALES["miliar"], billion.end()
    amount.value *= amount.factor
    if not rp and (percent := _PERCENT.match(text, amount.end)):
        amount.end, amount.percent = percent.end(), True
    elif not rp and amount.factor > 1 and (rupiah := _RUPIAH.match(text, amount.end)):
        amount.end, amount.rupiah = rupiah.end(), True
    plain = not rp and amount.factor == 1 and not amount.percent
    amount.year_like = plain and re.fullmatch(r"(?:19|20)\d{2}", token.group()) is not None
    if any(mask[amount.start : amount.end]):
        return None
    return amount


def _unit_after(text: str, end: int, mask: bytearray, lowercase: bool = False) -> tuple[str, int]:
    """The noun after a number ("800 unit", "1.347 RT"), lower case, and where it ends; ("", end) if none."""
    match = _UNIT.match(text, end)
    if not match or any(mask[match.start("unit") : match.end()]):
        return "", end
    word = match.group("unit")
    if word.lower() in NOT_UNITS or (lowercase and not word.islower()) or _PASSIVE.fullmatch(word.lower()):
        return "", end
    return word.lower(), match.end()


def _window(text: str, start: int, width: int) -> int:
    """Where to look back from `start`: `width` characters, not past the start of the line."""
    low = max(0, start - width)
    return max(text.rfind("\n", low, start) + 1, low)


def _qualifier(text: str, start: int) -> tuple[str, str, int]:
    """(qualifier, the phrase, where it starts) for the words right before a figure."""
    match = _QUALIFIER.search(text, _window(text, start, 30), start)
    if not match:
        return "", "", start
    phrase = (match.group("word") or match.group("sign")).lower()
    return QUALIFIERS.get(phrase, ""), phrase, match.start()


def _mask(text: str, dates: list[_Date]) -> bytearray:
    mask = bytearray(len(text) + 1)
    spans = [(found.start, found.end) for found in dates]
    for pattern in _MASKS:
        spans += [match.span() for match in pattern.finditer(text)]
    offset = 0
    for line in text.split("\n"):
        # a dateline or byline: a short line with a clock time and no sentence in it ("15 Apr 2025 13:09 256 Times")
        if _CLOCK.search(line) and len(line.split()) <= 12 and not re.search(r"\w[.!?](?:\s|$)", line):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    for start, end in spans:
        mask[start:end] = b"\1" * (end - start)
    return mask


def _unit_of(amount: _Amount, text: str, mask: bytearray) -> tuple[str, int]:
    """The unit an amount carries ("rupiah", "persen", "km") or the noun after it; a year needs a lower-case one."""
    if amount.rupiah:
        return "rupiah", amount.end
    if amount.percent:
        return "persen", amount.end
    if amount.glued_unit:
        return amount.glued_unit, amount.end
    return _unit_after(text, amount.end, mask, lowercase=amount.year_like)


def _word_figure(text: str, match: re.Match, mask: bytearray) -> tuple[Decimal, str, int] | None:
    """ "satu pusat ekonomi" → (1, "pusat", end); a number word counts only before a lower-case noun."""
    if any(mask[match.start() : match.end()]):
        return None
    before = _WORD_BEFORE.search(text, max(0, match.start() - 20), match.start())
    if before and before.group("word").lower() in {"salah", "kaki"}:
        return None  # "salah satu" (one of), "kaki lima" (street vendors)
    value = Decimal(NUMBER_WORDS[match.group().lower()])
    end = match.end()
    if scale := _SCALE.match(text, end):
        value, end = value * SCALES[scale.group("scale").lower()], scale.end()
    unit, unit_end = _unit_after(text, end, mask, lowercase=True)
    if not unit:
        return None
    return value, unit, unit_end


def _is_identifier(text: str, start: int) -> bool:
    """The word before says the number is an id or a time: "Nomor 5", "RT 13", "pukul 10", "jam 9"."""
    line_start = _window(text, start, 20)
    match = _ID_BEFORE.search(text, line_start, start)
    if not match:
        return False
    if match.group("word").lower() == "jam":  # "3 jam 30 menit" is a duration, "jam 9" a time
        return not re.search(r"\d\s*$", text[max(line_start, match.start() - 4) : match.start()])
    return True


def _after_name(text: str, start: int) -> bool:
    """The word before is capitalised mid-sentence, as in a name with a number ("SDI Sikumana 3").

    A capital that starts a sentence ("Sebanyak 20.") says nothing.
    """
    line = text[_window(text, start, 60) : start]
    match = re.search(r"(?<![\w])([^\W\d_][\w-]*)\s+$", line)
    if not match or not match.group(1)[0].isupper():
        return False
    before = line[: match.start()].rstrip()
    return bool(before) and before[-1] not in ".!?:\"“”'‘’("


_Raw = tuple[int, int, Decimal, Decimal | None, str, str]  # start, end, value, value_max, unit, qualifier


def find_figures(text: str, published: date | None = None) -> list[Figure]:
    """Every figure stated in the text, in order: value, unit, qualifier, sentence and the date it is about."""
    matches, dates = _resolved_dates(text, published)
    mask = _mask(text, matches)
    raw: list[_Raw] = []
    pos = 0
    while found := _START.search(text, pos):
        if found.group()[0].isalpha() and found.group()[:2].lower() != "rp":
            pos = found.end()
            if word := _word_figure(text, found, mask):
                value, unit, end = word
                qualifier, _, start = _qualifier(text, found.start())
                raw.append((start, end, value, None, unit, qualifier))
                pos = end
            continue
        token = _NUM.match(text, found.end() - 1)
        pos = token.end() if token else found.end()
        if not _is_identifier(text, found.start()):
            pos = max(pos, _figures_at(text, found.start(), mask, raw))
    placer = _Placer(text, dates)
    return [placer.figure(item) for item in _without_overlaps(raw)]


def _figures_at(text: str, at: int, mask: bytearray, raw: list[_Raw]) -> int:
    """Read the figure (or range, or "22 dari 72 janji" pair) starting at `at` into `raw`; where reading ended."""
    if rank := _RANK.search(text, max(0, at - 20), at):
        if amount := _amount(text, at, mask, after_word=True):
            raw.append((rank.start(), amount.end, amount.value, None, "peringkat", ""))
            return amount.end
        return at
    first = _amount(text, at, mask)
    if first is None:
        return at
    qualifier, phrase, start = _qualifier(text, first.start)
    between = phrase == "antara"  # "antara 5 hingga 7 persen": a range, not a bound
    if between:
        qualifier = ""
    link = (_AND if between else _RANGE).match(text, first.end)
    if link and mask[link.end()]:  # a date follows
        bare = not (first.rupiah or first.percent or first.factor > 1 or first.glued_unit)
        if bare and link.group().strip() in "-–":
            return link.end()  # "1-5 Agustus 2025": a span of dates
        link = None
    second = _amount(text, link.end(), mask) if link else None
    if second is None and between:
        start = first.start
    if second is not None:
        if first.factor == 1 and second.factor > 1:
            first.value *= second.factor  # "2-3 miliar"
        if first.rupiah or second.rupiah:
            unit, end = "rupiah", second.end
        elif first.percent or second.percent:
            unit, end = "persen", second.end
        else:
            unit, end = _unit_of(second, text, mask)
        if first.year_like and second.year_like and not unit:
            return second.end  # "periode 2019-2024"
        raw.append((start, end, first.value, second.value, unit, qualifier))
        return end
    unit, end = _unit_of(first, text, mask)
    if not unit and (of := _OF.match(text, first.end)):
        total = _amount(text, of.end(), mask)
        if total is not None and not total.year_like:  # "22 dari 72 janji": both count janji
            total_unit, total_end = _unit_of(total, text, mask)
            raw.append((start, first.end, first.value, None, total_unit, qualifier))
            raw.append((total.start, total_end, total.value, None, total_unit, ""))
            return total_end
    if not unit and (first.year_like or _after_name(text, first.start)):
        return first.end  # a year standing alone, or a number in a name ("SDI Sikumana 3")
    raw.append((start, end, first.value, None, unit, qualifier))
    return end


def _without_overlaps(raw: list) -> list:
    kept: list = []
    for item in sorted(raw, key=lambda item: (item[0], -item[1])):
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def _integral(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class _Placer:
    """Puts a figure in its sentence and dates it, for one text."""

    def __init__(self, text: str, dates: list[tuple[date, str, int, int]]):
        self.text, self.dates = text, dates
        self.sentences = _sentences(text)
        self.starts = [d[2] for d in dates]
        self.collapsed: dict[tuple[int, int], str] = {}  # many figures share a sentence

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, (start, len(self.text) + 1)) - 1
        if index >= 0 and start < self.sentences[index][1]:
            return self.sentences[index]
        return start, end

    def as_of(self, start: int, end: int, s_start: int, s_end: int) -> tuple[date | None, str]:
        """The nearest date in the sentence, else the last one before it in the paragraph."""
        low, high = bisect.bisect_left(self.starts, s_start), bisect.bisect_left(self.starts, s_end)
        at = bisect.bisect_left(self.starts, start, low, high)
        near = [d for d in self.dates[max(low, at - 1) : at + 1] if d[3] <= s_end and d[2] < s_end]
        if near:  # the one just before the figure or the one just after, whichever is closer; before on a tie
            when, precision, _, _ = min(near, key=lambda d: start - d[3] if d[3] <= start else d[2] - end)
            return when, precision
        paragraph = bisect.bisect_left(self.starts, self.text.rfind("\n", 0, start) + 1)
        if paragraph < low:
            return self.dates[low - 1][0], self.dates[low - 1][1]
        return None, ""

    def figure(self, item: _Raw) -> Figure:
        start, end, value, value_max, unit, qualifier = item
        s_start, s_end = self.sentence(start, end)
        if (s_start, s_end) not in self.collapsed:
            self.collapsed[s_start, s_end] = " ".join(self.text[s_start:s_end].split())
        as_of, precision = self.as_of(start, end, s_start, s_end)
        return Figure(
            value=_integral(value),
            value_max=_integral(value_max) if value_max is not None else None,
            unit=unit,
            qualifier=qualifier,
            text=self.text[start:end],
            start=start,
            end=end,
            sentence=self.collapsed[s_start, s_end],
            as_of=as_of,
            precision=precision,
        )


# --- Ranking ------------------------------------------------------------------------------------------------------


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=16384)  # the same promise and indicator labels, for every figure and request
def content_words(text: str) -> frozenset[str]:
    """Accent- and case-folded words of two letters or more, without stopwords, numbers or a final -nya."""
    words = set()
    for word in re.findall(r"[^\W_]+", _fold(text)):
        if word.endswith("nya") and len(word) > 5:
            word = word[:-3]
        if len(word) >= 2 and not word.isdigit() and word not in STOPWORDS:
            words.add(word)
    return frozenset(words)


def rank[K](text: str, candidates: Iterable[tuple[K, str]], limit: int = 5, at_least: int = 1) -> list[K]:
    """The keys of the candidates whose labels share the most content words with the text, best first.

    Ties keep the order given; a candidate sharing fewer than `at_least` words is left out.
    """
    words = content_words(text)
    scored = [(len(words & content_words(label)), index, key) for index, (key, label) in enumerate(candidates)]
    scored = [item for item in scored if item[0] >= at_least]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [key for _, _, key in scored[:limit]]


def rank_by_sentence[K](text: str, candidates: Iterable[tuple[K, str]], limit: int = 8) -> list[K]:
    """For an article that names many promises: in each sentence, the candidate sharing the most content words
    with it (at least two), in the order the article brings them up; then the best over the whole text, sharing a
    word with it per 40 words it has, up to four (a long text shares a word or two with almost any promise).

    A round-up names a dozen promises in a sentence each, which a single ranking over the whole text drowns.
    """
    labelled = [(key, content_words(label)) for key, label in candidates]
    found: list[K] = []
    for start, end in _sentences(text):
        words = content_words(text[start:end])
        if len(words) < 2:
            continue
        best = max(labelled, key=lambda item: len(words & item[1]), default=None)
        if best is not None and len(words & best[1]) >= 2 and best[0] not in found:
            found.append(best[0])
    at_least = max(1, min(4, len(content_words(text)) // 40))
    for key in rank(text, [(key, " ".join(words)) for key, words in labelled], limit=limit, at_least=at_least):
        if key not in found:
            found.append(key)
    return found[:limit]
