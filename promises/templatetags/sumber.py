"""A row of the list of sources (/sumber/), and a promise's own list of its sources: simple tags, because /sumber/
draws 50 rows a page with their promise links, and a promise page up to ~40 sources (PG-4 at 100x); the template
loops were most of their cold renders at 100x. A row of /sumber/ gives the headline linked to the article,
outlet, date and kind, any low-reliability warning or note, any replacement, and the promises it is used for."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from ..formatting import date_text
from ..markup import format_html, format_html_join
from .situs import interpolate, source_cite

register = template.Library()


@register.simple_tag
def source_row(source) -> SafeString:
    """`source` as loaded by SourceQuerySet.for_list()."""
    headline = format_html("[{}]", source.headline) if source.headline_is_label else source.headline
    published = date_text(source.published) if source.published else _("Tanggal terbit tidak diketahui")
    parts = [
        format_html('<p><a href="{}" rel="noopener nofollow" dir="auto" lang="id">{}</a></p>', source.url, headline),
        format_html('<p class="meta">{} · {} · {}</p>', source.outlet, published, source.get_kind_display()),
    ]
    if source.reliability:
        note = format_html(". {}", source.reliability_note) if source.reliability_note else ""
        warning = interpolate(_("Keandalan rendah: %(verdict)s"), verdict=source.get_reliability_display())
        parts.append(format_html('<p class="warn">⚠ {}{}</p>', warning, note))
    elif source.reliability_note:
        parts.append(
            format_html('<p class="meta">{}</p>', interpolate(_("Catatan: %(note)s"), note=source.reliability_note))
        )
    for replacement in source.replaced_by.all():
        replaced = interpolate(
            _("Diganti pada %(date)s: %(reason)s"),
            date=date_text(template_localtime(replacement.created_at)),
            reason=replacement.reason,
        )
        parts.append(
            format_html('<p class="warn">{} {}: {}</p>', replaced, _("Sumber pengganti"), source_cite(replacement.new))
        )
    if links := source.promise_links.all():
        used = format_html_join(
            "; ",
            '<a href="{}">{} <span dir="auto" lang="id">{}</span></a>',
            ((link.promise.get_absolute_url(), link.promise.code, link.promise.title) for link in links),
        )
        parts.append(format_html('<p class="meta">{}: {}</p>', _("Dipakai untuk"), used))
    return format_html('<li id="sumber-{}">\n    {}\n  </li>', str(source.pk), mark_safe("\n    ".join(parts)))


@register.simple_tag
def promise_sources(links) -> SafeString:
    """A promise's sources (its PromiseSource links, with their sources loaded): each cited, with its headline
    and the editor's note on what it says of the promise."""
    rows = [
        format_html(
            '<li>{}: <q dir="auto" lang="id">{}</q>{}</li>',
            source_cite(link.source),
            link.source.headline,
            format_html('<br><span class="meta">{}</span>', link.note) if link.note else "",
        )
        for link in links
    ] or [format_html("<li>{}</li>", _("Belum ada sumber."))]
    return format_html('<ul class="sources">\n      {}\n    </ul>', mark_safe("\n      ".join(rows)))
