"""Atom feeds: status changes (site-wide and per promise) and new readings per indicator."""

import uuid

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import reading_value
from .models import Indicator, Promise, Reading, StatusChange

FEED_SIZE = 50
SITE = gettext_lazy("Pantau Janji Kupang")


def as_html(lines: list[str]) -> str:
    """Atom summaries are typed "html": escape the plain text, one line per paragraph line."""
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines if line))


def entry_id(name: str) -> str:
    """A permanent Atom entry id that does not depend on the site's domain (feed readers dedupe by it)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pantau-janji-kupang/{name}").urn


class ChangesFeed(Feed):
    """Every status change, newest first (2 queries: the changes, then their sources)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Perubahan status janji · Pantau Janji Kupang")
    subtitle = gettext_lazy("Setiap perubahan status janji Wali Kota Kupang, dengan alasan dan sumbernya.")
    author_name = SITE

    def link(self) -> str:
        return reverse("promises:changes")

    def items(self):
        return StatusChange.objects.for_log()[:FEED_SIZE]

    def item_title(self, change: StatusChange) -> str:
        title = _("%(code)s %(title)s: %(from)s → %(to)s") % {
            "code": change.promise.code,
            "title": change.promise.title,
            "from": change.get_from_status_display(),
            "to": change.get_to_status_display(),
        }
        if change.kind != StatusChange.Kind.CHANGE:  # "Penilaian awal: …", "Koreksi: …"
            title = f"{change.get_kind_display()}: {title}"
        return title

    def item_description(self, change: StatusChange) -> str:
        lines = [change.reason]
        if change.verification:
            lines.append(_("Verifikasi: %(v)s") % {"v": change.get_verification_display()})
        sources = ", ".join(f"{source.outlet}: {source.headline} ({source.url})" for source in change.sources.all())
        if sources:
            lines.append(_("Sumber: %(sources)s") % {"sources": sources})
        return as_html(lines)

    def item_link(self, change: StatusChange) -> str:
        return change.promise.get_absolute_url() + "#riwayat"

    def item_guid(self, change: StatusChange) -> str:
        # Several changes share the promise page, so the link cannot be the entry id.
        return entry_id(f"perubahan/{change.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, change: StatusChange):
        return change.created_at

    def item_updateddate(self, change: StatusChange):
        return change.created_at

    def item_author_name(self, change: StatusChange) -> str:
        if change.editor is None:
            return _("data awal tim Pantau Janji")
        return change.editor.get_full_name() or change.editor.get_username()


class PromiseChangesFeed(ChangesFeed):
    """One promise's timeline (3 queries: the promise, its changes, their sources)."""

    def get_object(self, request, pk: int, slug: str) -> Promise:
        return get_object_or_404(Promise, pk=pk)

    def title(self, promise: Promise) -> str:
        return _("%(code)s %(title)s · riwayat status") % {"code": promise.code, "title": promise.title}

    def subtitle(self, promise: Promise) -> str:
        return _("Setiap perubahan status janji ini, dengan alasan dan sumbernya.")

    def link(self, promise: Promise) -> str:
        return promise.get_absolute_url()

    def items(self, promise: Promise):
        return StatusChange.objects.filter(promise=promise).for_log()[:FEED_SIZE]


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
            "date": reading.as_of.isoformat(),
        }

    def item_description(self, reading: Reading) -> str:
        said_by = reading.said_by_name or reading.get_said_by_display()
        text = _("Disampaikan oleh %(who)s. Sumber: %(outlet)s: %(headline)s (%(url)s)") % {
            "who": said_by,
            "outlet": reading.source.outlet,
            "headline": reading.source.headline,
            "url": reading.source.url,
        }
        return as_html([text, reading.note])

    def item_link(self, reading: Reading) -> str:
        return reading.indicator.get_absolute_url() + "#buku-h"

    def item_guid(self, reading: Reading) -> str:
        return entry_id(f"angka/{reading.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, reading: Reading):
        return reading.created_at

    def item_updateddate(self, reading: Reading):
        return reading.created_at

    def item_author_name(self, reading: Reading) -> str:
        return reading.source.outlet
