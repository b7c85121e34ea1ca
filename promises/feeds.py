"""Atom feeds: status changes (site-wide and per promise) and new readings per indicator."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import fragments
from .formatting import person, reading_value
from .markup import format_html_join
from .models import Indicator, LogEntry, Promise, Reading

FEED_SIZE = 50
SITE = gettext_lazy("Pantau Janji Kupang")


def as_html(lines: list[str]) -> str:
    """Atom summaries are typed "html": escape the plain text, one line per paragraph line."""
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines if line))


def entry_id(name: str) -> str:
    """A permanent Atom entry id that does not depend on the site's domain (feed readers dedupe by it)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pantau-janji-kupang/{name}").urn


@dataclass(frozen=True)
class Item:
    """What a feed says of one log entry, worked out once and kept while its promise and indicator are unchanged
    (promises/fragments.py): the feeds' 50 entries cost 2 queries and little else after a save."""

    title: str
    description: str
    link: str
    guid: str
    created_at: datetime
    author: str

    @classmethod
    def of(cls, entry: LogEntry) -> "Item":
        # Status changes keep the ids they had before the log existed, so feed readers do not repeat them.
        guid = f"perubahan/{entry.status_change_id}" if entry.status_change_id else f"catatan/{entry.pk}"
        return cls(
            title=entry.title(),
            description=_description(entry),
            link=entry.get_absolute_url(),
            guid=entry_id(guid),
            created_at=entry.created_at,
            author=person(entry.editor) if entry.editor else _("tim Pantau Janji (penilaian awal)"),
        )


def _description(entry: LogEntry) -> str:
    change = entry.status_change
    lines = [change.reason if change else "", entry.note]
    if change and change.verification:
        lines.append(_("Verifikasi: %(v)s") % {"v": change.get_verification_display()})
    sources = ", ".join(f"{source.outlet}: {source.headline} ({source.url})" for source in entry.sources.all())
    if sources:
        lines.append(_("Sumber: %(sources)s") % {"sources": sources})
    if entry.approved_by:
        lines.append(_("Disetujui oleh %(name)s") % {"name": person(entry.approved_by)})
    if entry.report:
        name = entry.report.public_name
        lines.append(
            _("Berdasarkan laporan pembaca, %(name)s") % {"name": name} if name else _("Berdasarkan laporan pembaca")
        )
    return as_html(lines)


class ChangesFeed(Feed):
    """Everything public the editors did (the log), newest first (the entries' keys, their fingerprints, and
    for the entries not kept, the entries and their sources)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Perubahan · Pantau Janji Kupang")
    subtitle = gettext_lazy(
        "Setiap perubahan status, angka baru, koreksi dan sumber baru untuk janji Wali Kota Kupang, dengan sumbernya."
    )
    author_name = SITE
    item_guid_is_permalink = False

    def link(self) -> str:
        return reverse("promises:changes")

    def items(self) -> list[Item]:
        return self.kept(LogEntry.objects.all())

    @staticmethod
    def kept(entries) -> list[Item]:
        return fragments.log_items(list(entries.for_log_keys()[:FEED_SIZE]), Item.of)

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return item.description

    def item_link(self, item: Item) -> str:
        return item.link

    def item_guid(self, item: Item) -> str:
        return item.guid

    def item_pubdate(self, item: Item):
        return item.created_at

    def item_updateddate(self, item: Item):
        return item.created_at

    def item_author_name(self, item: Item) -> str:
        return item.author


class PromiseChangesFeed(ChangesFeed):
    """One promise's log (the promise, then as the site-wide feed)."""

    def get_object(self, request, pk: int, slug: str) -> Promise:
        return get_object_or_404(Promise, pk=pk)

    def title(self, promise: Promise) -> str:
        return _("%(code)s %(title)s · riwayat") % {"code": promise.code, "title": promise.title}

    def subtitle(self, promise: Promise) -> str:
        return _("Setiap perubahan status, angka baru dan sumber baru untuk janji ini, dengan alasan dan sumbernya.")

    def link(self, promise: Promise) -> str:
        return promise.get_absolute_url()

    def items(self, promise: Promise) -> list[Item]:
        return self.kept(LogEntry.objects.filter(promise=promise))


class IndicatorReadingsFeed(Feed):
    """New readings of one indicator, most recently recorded first (2 queries: the indicator, its readings)."""

    feed_type = Atom1Feed
    author_name = SITE

    def get_object(self, request, slug: str) -> Indicator:
        return get_object_or_404(Indicator, slug=slug)

    def title(self, indicator: Indicator) -> str:
        return _("Angka baru: %(name)s · Pantau Janji Kupang") % {"name": indicator.name}

    def subtitle(self, indicator: Indicator) -> str:
        return _(
            "Setiap angka baru untuk indikator ini, dengan sumbernya. Angka yang bertentangan tidak dirata-ratakan."
        )

    def link(self, indicator: Indicator) -> str:
        return indicator.get_absolute_url()

    def items(self, indicator: Indicator):
        return (
            Reading.objects.filter(indicator=indicator)
            .select_related("source", "indicator")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, reading: Reading) -> str:
        return _("%(value)s (%(counts)s, per %(date)s)") % {
            "value": reading_value(reading),
            "counts": reading.get_counts_display(),
            "date": reading.as_of_label,
        }

    def item_description(self, reading: Reading) -> str:
        said_by = reading.said_by_name or reading.get_said_by_display()
        text = _("Disampaikan oleh %(who)s. Sumber: %(outlet)s: %(headline)s (%(url)s)") % {
            "who": said_by,
            "outlet": reading.source.outlet,
            "headline": reading.source.headline,
            "url": reading.source.url,
        }
        withdrawn = ""
        if not reading.standing:
            withdrawn = _("Ditarik atau dikoreksi: %(reason)s") % {"reason": reading.withdrawal_reason}
        return as_html([withdrawn, text, reading.note])

    def item_link(self, reading: Reading) -> str:
        return reading.indicator.get_absolute_url() + f"?angka={reading.pk}#{reading.anchor}"

    def item_guid(self, reading: Reading) -> str:
        return entry_id(f"angka/{reading.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, reading: Reading):
        return reading.created_at

    def item_updateddate(self, reading: Reading):
        return reading.created_at

    def item_author_name(self, reading: Reading) -> str:
        return reading.source.outlet
