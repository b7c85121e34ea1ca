"""Numbers and dates as people read them here: 1.347, Rp3 miliar, Rp1,29 miliar, 115%, 14 Agustus 2025.

One module for the templates (through `templatetags/angka.py`), the feeds and the models' labels. It imports
no models at module level, because the models import it. The open-data files use machine formats instead
(plain numbers, ISO dates), next to their tables in `views/open_data.py`.
"""

from decimal import Decimal
from functools import lru_cache

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_noop, npgettext
from django.utils.translation import gettext as _

# Largest first. The names are translated when a number is formatted, in the language of the request.
RUPIAH_SCALES = [
    (Decimal(10) ** 12, gettext_noop("triliun")),
    (Decimal(10) ** 9, gettext_noop("miliar")),
    (Decimal(10) ** 6, gettext_noop("juta")),
    (Decimal(10) ** 3, gettext_noop("ribu")),
]


# Unit words the data uses, singular and plural: Indonesian does not inflect them, English does ("900 units").
# Acronyms (UMKM, NIB, SK) stay as they are in both languages.
UNIT_WORDS = {
    "unit": lambda n: npgettext("satuan", "unit", "unit", n),
    "orang": lambda n: npgettext("satuan", "orang", "orang", n),
    "warga": lambda n: npgettext("satuan", "warga", "warga", n),
    "pasien": lambda n: npgettext("satuan", "pasien", "pasien", n),
    "kasus": lambda n: npgettext("satuan", "kasus", "kasus", n),
    "KK": lambda n: npgettext("satuan", "KK", "KK", n),
    "kontainer": lambda n: npgettext("satuan", "kontainer", "kontainer", n),
    "truk": lambda n: npgettext("satuan", "truk", "truk", n),
    "ton": lambda n: npgettext("satuan", "ton", "ton", n),
    "liang": lambda n: npgettext("satuan", "liang", "liang", n),
    "jabatan": lambda n: npgettext("satuan", "jabatan", "jabatan", n),
    "liter": lambda n: npgettext("satuan", "liter", "liter", n),
    "liter per hari": lambda n: npgettext("satuan", "liter per hari", "liter per hari", n),
    "liter per detik": lambda n: npgettext("satuan", "liter per detik", "liter per detik", n),
    "rupiah per hari": lambda n: npgettext("satuan", "rupiah per hari", "rupiah per hari", n),
}


def unit_word(unit: str, value=None) -> str:
    """The unit in the reader's language, singular only for exactly one."""
    word = UNIT_WORDS.get(unit)
    return word(1 if value is not None and Decimal(value) == 1 else 2) if word else unit


def _plain(value, max_decimals: int = 2) -> str:
    return _number(value, max_decimals, get_language())


# Numbers and dates are written the same way each time in a language, and a cold page writes hundreds of the same
# few (Django's number and date formatting were a tenth of the cold /angka/ and /perubahan/): remembered per
# value, format and language. Equal values (Decimal("900.00") and 900) write the same text.
@lru_cache(maxsize=4096)
def _number(value, max_decimals: int, language: str | None) -> str:
    value = Decimal(value).quantize(Decimal(1).scaleb(-max_decimals)).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def date_text(value, format: str = "j F Y") -> str:
    """`date_format(value, format)` in the active language: "14 Agustus 2025". A datetime is written as the date
    it falls on where it already is (call `template_localtime` first); formats with a time are not for here."""
    return _date(value.date() if hasattr(value, "date") else value, format, get_language())


@lru_cache(maxsize=4096)
def _date(value, format: str, language: str | None) -> str:
    return date_format(value, format)


def angka(value) -> str:
    """1347 → "1.347"; 1.20 → "1,2"."""
    if value is None or value == "":
        return ""
    return _plain(value)


def rupiah(value) -> str:
    """3000000000 → "Rp3 miliar"; 1290000000 → "Rp1,29 miliar"; 500000 → "Rp500 ribu"."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    for scale, name in RUPIAH_SCALES:
        if value >= scale:
            return f"Rp{_plain(value / scale)} {_(name)}"
    return f"Rp{_plain(value)}"


def nilai(value, unit: str) -> str:
    """A value in its unit: money as rupiah, percentages with %, anything else with its unit."""
    if value is None or value == "":
        return ""
    if unit == "rupiah":
        return rupiah(value)
    if unit == "persen":
        return f"{_plain(value)}%"
    return f"{_plain(value)} {unit_word(unit, value)}"


def reading_value(reading) -> str:
    """A reading as the source gave it: "lebih dari Rp3 miliar", "Rp300 juta–Rp600 juta"."""
    text = nilai(reading.value, reading.unit)
    if reading.value_max is not None:
        text = f"{text}–{nilai(reading.value_max, reading.unit)}"
    if reading.qualifier:
        text = f"{reading.get_qualifier_display()} {text}"
    return text


DATE_FORMATS = {"day": "j F Y", "month": "F Y", "year": "Y"}


def date_label(value, precision: str) -> str:
    """A date at the precision the source gave it: "14 Agustus 2025", "April 2025" or "2025"."""
    return date_text(value, DATE_FORMATS.get(precision, DATE_FORMATS["day"]))


def period_label(start, end, precision: str) -> str:
    """A period as people say it: "Juli–Agustus 2025", "1–14 Agustus 2025", "2024–2025"."""
    if start is None or start == end:
        return date_label(end, precision)
    if precision == "year" or start.year != end.year:
        return f"{date_label(start, precision)}–{date_label(end, precision)}"
    if precision == "month":
        return f"{date_text(start, 'F')}–{date_label(end, precision)}"
    if start.month != end.month:
        return f"{date_text(start, 'j F')}–{date_label(end, precision)}"
    return f"{date_text(start, 'j')}–{date_label(end, precision)}"


def person(user) -> str:
    """An editor as public pages and feeds name them: their full name, else their username (signals.py bumps the
    pages when either changes)."""
    return user.get_full_name() or user.get_username()
