"""The rows of the log of changes (/perubahan/, the dashboard, a promise's history, one change's page): a simple
tag, because /perubahan/ draws 50 a page and the template loop was most of its cold render (17 ms of 29 for the
rows at 100x; this is ~4x faster). Each row says when, what kind of change, about which promise, what changed
(statuses, the figure), the note, the sources and who made it."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from ..formatting import date_text, person, reading_value
from ..markup import format_html, format_html_join
from ..models import StatusChange
from ..models.log import LogKind
from .situs import interpolate, source_cite, status_badge, verification_badge

register = template.Library()

REASON_KINDS = {
    LogKind.READING_CORRECTED,
    LogKind.READING_WITHDRAWN,
}  # a note that is the reason for a correction or a withdrawal


@register.simple_tag
def log_rows(entries) -> str:
    """The list of `entries`, loaded with LogEntryQuerySet.for_log()."""
    return log_list([log_row(entry) for entry in entries])


@register.simple_tag
def log_list(rows) -> str:
    """The list of rows already drawn (promises/fragments.py)."""
    if not rows:
        rows = [format_html("<li>{}</li>", mark_safe(_("Belum ada perubahan.")))]
    return format_html('<ol class="changes">\n{}\n</ol>', mark_safe("\n".join(rows)))


def log_row(entry) -> SafeString:
    change, reading = entry.status_change, entry.reading
    created = template_localtime(entry.created_at)
    kind = change.get_kind_display() if change and change.kind != StatusChange.Kind.CHANGE else entry.get_kind_display()
    head = format_html(
        '<p><time datetime="{}">{}</time> · <strong>{}</strong>{}</p>',
        created.isoformat(),  # what the `date` filter's "c" writes
        date_text(created),
        kind,
        format_html(
            ' · <a href="{}">{} {}</a>', entry.promise.get_absolute_url(), entry.promise.code, entry.promise.title
        )
        if entry.promise
        else "",
    )
    parts = [head]
    if change:
        parts.append(
            format_html(
                '<p>{} → {} {}</p>\n  <p dir="auto" lang="id">{}</p>',
                status_badge(change.from_status),
                status_badge(change.to_status),
                verification_badge(change.verification),
                change.reason,
            )
        )
    elif entry.kind == LogKind.RECHECK:
        parts.append(format_html("<p>{}</p>", mark_safe(_("Diperiksa ulang; statusnya tidak berubah."))))
    if entry.indicator and entry.kind != LogKind.PROMISE_NEW:
        parts.append(_figure(entry, reading))
    if entry.note:
        label = ""
        if entry.kind in REASON_KINDS:
            label = mark_safe(_("Alasan:") + " ")
        elif entry.kind == LogKind.INDICATOR_NOTE:
            label = mark_safe(_("Catatan baru:") + " ")
        parts.append(format_html('<p dir="auto" lang="id">{}{}</p>', label, entry.note))
    if sources := list(entry.sources.all()):
        cited = format_html_join("; ", "{}", ((source_cite(source),) for source in sources))
        parts.append(format_html('<p class="meta">{}: {}</p>', mark_safe(_("Sumber")), cited))
    parts.append(
        format_html(
            '<p class="meta">{} · <a href="{}">{}</a></p>', _by(entry), entry.get_absolute_url(), mark_safe(_("tautan"))
        )
    )
    return format_html('<li id="{}">\n  {}\n</li>', entry.anchor, mark_safe("\n  ".join(parts)))


def _figure(entry, reading) -> SafeString:
    """The indicator, linked to the figure in its ledger, with the figure (struck through when withdrawn)."""
    indicator = entry.indicator
    if reading is None:
        return format_html('<p><a href="{}">{}</a></p>', indicator.get_absolute_url(), indicator.name)
    value = format_html(
        "<s>{}</s>" if entry.kind == LogKind.READING_WITHDRAWN else "<strong>{}</strong>", reading_value(reading)
    )
    return format_html(
        '<p><a href="{}?angka={}#{}">{}</a>: {} ({}, {})</p>',
        indicator.get_absolute_url(),
        str(reading.pk),
        reading.anchor,
        indicator.name,
        value,
        reading.get_counts_display(),
        interpolate(_("per %(date)s"), date=reading.as_of_label),
    )


def _by(entry) -> SafeString:
    """Who: the reader whose report it rests on, the editor, and the editor who approved it."""
    said = []
    if entry.report:
        name = entry.report.public_name
        said.append(
            interpolate(_("berdasarkan laporan pembaca, %(name)s"), name=name)
            if name
            else mark_safe(_("berdasarkan laporan pembaca"))
        )
    if entry.editor:
        said.append(interpolate(_("oleh %(name)s"), name=person(entry.editor)))
    else:
        said.append(mark_safe(_("oleh tim Pantau Janji · penilaian awal")))
    if entry.approved_by:
        said.append(interpolate(_("disetujui oleh %(name)s"), name=person(entry.approved_by)))
    return mark_safe(" · ".join(said))
