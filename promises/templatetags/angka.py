"""The formatting functions of `promises/formatting.py` for templates: 1.347, Rp3 miliar, 115%."""

from django import template

from .. import formatting

register = template.Library()

register.filter("angka", formatting.angka)
register.filter("rupiah", formatting.rupiah)
register.filter("nilai", formatting.nilai)
register.simple_tag(formatting.reading_value, name="reading_value")
