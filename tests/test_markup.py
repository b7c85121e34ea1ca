"""promises/markup.py writes what Django's format_html, format_html_join and conditional_escape write."""

from datetime import date
from decimal import Decimal

from django import forms
from django.test import SimpleTestCase
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from promises import markup


class Form(forms.Form):
    name = forms.CharField()


VALUES = [
    "plain",
    "quotes \" and ' and <tags> & ampersands",
    mark_safe("<strong>aman</strong>"),
    gettext_lazy("Sumber"),
    gettext_lazy("Angka dari sumber berbeda-beda (%(n)s pertentangan)"),
    lazy(lambda: mark_safe("<em>Rp3 miliar</em>"), SafeString)(),
    1347,
    Decimal("1.20"),
    None,
    date(2025, 8, 14),
    "",
    "Kupang → <script>alert(1)</script>",
]


class MarkupTests(SimpleTestCase):
    def test_every_kind_of_value_is_escaped_as_conditional_escape_does(self):
        for language in ("id", "en"):
            with override(language):
                for value in [*VALUES, Form()["name"]]:
                    with self.subTest(value=value, language=language):
                        self.assertEqual(markup.escape(value), django_html.conditional_escape(value))

    def test_format_html_writes_what_djangos_writes_and_marks_it_safe(self):
        template = '<a href="{}" title="{}">{} {}</a>{}'
        for start in range(len(VALUES)):
            args = [VALUES[(start + i) % len(VALUES)] for i in range(5)]
            with self.subTest(args=args):
                ours = markup.format_html(template, *args)
                self.assertEqual(ours, django_html.format_html(template, *args))
                self.assertIsInstance(ours, SafeString)
        named = {"url": "/janji/?a=1&b=2", "name": "<b>"}
        self.assertEqual(
            markup.format_html('<a href="{url}">{name}</a>', **named),
            django_html.format_html('<a href="{url}">{name}</a>', **named),
        )

    def test_format_html_join_writes_what_djangos_writes(self):
        rows = [(value, VALUES[-1 - i]) for i, value in enumerate(VALUES)]
        for separator in ("; ", mark_safe("<br>"), " & "):
            with self.subTest(separator=separator):
                ours = markup.format_html_join(separator, "<li>{}: {}</li>", rows)
                self.assertEqual(ours, django_html.format_html_join(separator, "<li>{}: {}</li>", rows))
                self.assertIsInstance(ours, SafeString)
        self.assertEqual(markup.format_html_join(", ", "{}", []), "")
