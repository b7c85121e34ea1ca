"""Django's `format_html`, `format_html_join` and `conditional_escape`, for the simple tags that draw the rows of
the longest pages (templatetags/perubahan.py, sumber.py, kartu.py, situs.py) and the feeds.

The output is Django's, character for character (tests/test_markup.py compares them); only the way there is
shorter. Django's escapes each value through two wrappers that look for lazy arguments; a cold /perubahan/ makes
~1.250 such calls, which were a quarter of its render at 100x. Here a value is escaped in one step, exactly as
`conditional_escape` does: a value that knows its own HTML (`__html__`: marked safe, a form field, a lazy
string of safe HTML) gives it; anything else (a lazy translation too) is made a string and escaped with
`html.escape`, which is what Django's `escape` calls.
"""

import html
from collections.abc import Iterable

from django.utils.safestring import SafeString


def escape(value) -> str:
    """`conditional_escape(value)`."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_html(template: str, *args, **kwargs) -> SafeString:
    """`format_html(template, *args, **kwargs)`: the template as it is, the values escaped."""
    return SafeString(template.format(*map(escape, args), **{name: escape(value) for name, value in kwargs.items()}))


def format_html_join(separator: str, template: str, rows: Iterable[tuple]) -> SafeString:
    """`format_html_join(separator, template, rows)`, each row a tuple of values."""
    return SafeString(escape(separator).join(format_html(template, *row) for row in rows))
