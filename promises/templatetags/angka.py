"""Numbers the Indonesian way: 1.347, Rp3 miliar, Rp1,2 miliar, 115%."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

RUPIAH_SCALES = [
    (Decimal(10) ** 12, "triliun"),
    (Decimal(10) ** 9, "miliar"),
    (Decimal(10) ** 6, "juta"),
    (Decimal(10) ** 3, "ribu"),
]


def _plain(value, max_decimals: int = 2) -> str:
    value = Decimal(value).quantize(Decimal(1).scaleb(-max_decimals)).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def angka(value) -> str:
    """1347 → "1.347"; 1.20 → "1,2"."""
    if value is None or value == "":
        return ""
    return _plain(value)


@register.filter
def rupiah(value) -> str:
    """3000000000 → "Rp3 miliar"; 1290000000 → "Rp1,29 miliar"; 500000 → "Rp500 ribu"."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    for scale, name in RUPIAH_SCALES:
        if value >= scale:
            scale_names = {"triliun": _("triliun"), "miliar": _("miliar"), "juta": _("juta"), "ribu": _("ribu")}
            return f"Rp{_plain(value / scale)} {scale_names[name]}"
    return f"Rp{_plain(value)}"


@register.filter
def nilai(value, unit: str) -> str:
    """A value in its unit: money as rupiah, percentages with %, anything else with its unit."""
    if value is None or value == "":
        return ""
    if unit == "rupiah":
        return rupiah(value)
    if unit == "persen":
        return f"{_plain(value)}%"
    return f"{_plain(value)} {unit}"


@register.simple_tag
def reading_value(reading) -> str:
    """A reading as the source gave it: "lebih dari Rp3 miliar", "Rp300 juta–Rp600 juta"."""
    text = nilai(reading.value, reading.unit)
    if reading.value_max is not None:
        text = f"{text}–{nilai(reading.value_max, reading.unit)}"
    if reading.qualifier:
        text = f"{reading.get_qualifier_display()} {text}"
    return text
