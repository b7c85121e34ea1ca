"""A `<select>` written in Python: Django draws each option with a template include (select.html,
select_option.html, attrs.html), which was most of a filter form's cost on the public lists (/sumber/ at 100x:
about 170 outlets and years, a fifth of its render). The HTML is the same as Django's, option for option."""

from django import forms
from django.utils.safestring import SafeString, mark_safe

from .markup import format_html


def _attrs(attrs: dict) -> SafeString:
    """Django's attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), mark_safe("".join(parts))
        )
