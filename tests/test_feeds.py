"""Atom feeds of status changes (site-wide and per promise) and of new readings per indicator."""

import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from promises import fragments
from promises.models import Indicator, LogEntry, Promise, StatusChange

from .helpers import grow, make_editor, make_indicator, make_promise, make_reading, make_source, rate

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response) -> ET.Element:
    """Parse a feed and check what RFC 4287 requires of it and of each entry."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text, name
    datetime.fromisoformat(feed.find(f"{ATOM}updated").text)
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http")
    has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        assert has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
    return feed


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def titles(feed: ET.Element) -> list[str]:
    return [entry.find(f"{ATOM}title").text for entry in entries(feed)]


class ChangesFeedTests(TestCase):
    def test_the_site_wide_feed_is_valid_atom_with_every_change_newest_first(self):
        first = make_promise(code="CP-1", title="Tempat sampah untuk setiap RT")
        second = make_promise(code="CP-2", title="Dana Pengaman")
        rate(first, reason="Pengadaan dimulai.")
        rate(second, status=Promise.Status.TERSENDAT, reason="Anggaran <belum> cair & tertunda.")
        feed = atom(self.client.get(reverse("promises:changes_feed")))
        assert titles(feed) == [
            "CP-2 Dana Pengaman: Belum dinilai → Tersendat",
            "CP-1 Tempat sampah untuk setiap RT: Belum dinilai → Dalam proses",
        ]
        summary = entries(feed)[0].find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert "Anggaran &lt;belum&gt; cair &amp; tertunda." in summary.text  # plain text, escaped as HTML
        # each entry links to its own permalink, which shows the change
        link = entries(feed)[0].find(f"{ATOM}link").get("href")
        assert link.endswith(LogEntry.objects.get(promise=second).get_absolute_url())
        assert "Anggaran &lt;belum&gt; cair" in self.client.get(link).content.decode()

    def test_an_empty_feed_is_still_valid_atom(self):
        feed = atom(self.client.get(reverse("promises:changes_feed")))
        assert entries(feed) == []

    def test_changes_of_the_same_promise_have_different_entry_ids(self):
        promise = make_promise()
        rate(promise)
        promise.refresh_from_db()
        rate(promise, status=Promise.Status.DITEPATI)
        feed = atom(self.client.get(reverse("promises:changes_feed")))
        ids = [entry.find(f"{ATOM}id").text for entry in entries(feed)]
        assert len(ids) == len(set(ids)) == 2

    def test_an_entry_keeps_its_id_and_names_who_made_it(self):
        # a status change keeps the id it had before the log existed (feed readers would repeat it otherwise)
        import uuid

        promise = make_promise()
        rate(promise)  # the opening assessment: no editor
        promise.refresh_from_db()
        editor = make_editor("penyunting")
        editor.first_name, editor.last_name = "Maria", "Lado"
        editor.save()
        rate(promise, status=Promise.Status.TERSENDAT, editor=editor)
        recheck = LogEntry.objects.create(kind=LogEntry.Kind.RECHECK, promise=promise, editor=editor)
        feed = atom(self.client.get(reverse("promises:changes_feed")))
        ids = [entry.find(f"{ATOM}id").text for entry in entries(feed)]
        changes = StatusChange.objects.filter(promise=promise).order_by("-pk").values_list("pk", flat=True)
        assert ids == [
            uuid.uuid5(uuid.NAMESPACE_URL, f"pantau-janji-kupang/{name}").urn
            for name in [f"catatan/{recheck.pk}", *(f"perubahan/{pk}" for pk in changes)]
        ]
        authors = [entry.find(f"{ATOM}author/{ATOM}name").text for entry in entries(feed)]
        assert authors == ["Maria Lado", "Maria Lado", "tim Pantau Janji (penilaian awal)"]

    def test_a_promise_feed_has_only_that_promise_changes(self):
        mine = make_promise(code="CP-3", title="Janji saya")
        rate(mine)
        rate(make_promise(title="Janji lain"))
        feed = atom(self.client.get(reverse("promises:detail_feed", kwargs={"pk": mine.pk, "slug": mine.slug})))
        assert titles(feed) == ["CP-3 Janji saya: Belum dinilai → Dalam proses"]
        assert "CP-3" in feed.find(f"{ATOM}title").text

    def test_a_feed_of_an_unknown_promise_is_not_found(self):
        assert self.client.get(reverse("promises:detail_feed", kwargs={"pk": 999, "slug": "x"})).status_code == 404

    @override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != "promises.middleware.PageCacheMiddleware"])
    def test_the_feeds_cost_a_fixed_number_of_queries_and_fewer_with_their_entries_kept(self):
        """The feeds' own queries (from the page cache a feed costs one, as every page: test_pages.py). The log
        feeds: the entries' keys and their fingerprints, then, for the entries not kept (promises/fragments.py),
        the entries and their sources; the promise's feed reads the promise first."""
        grow(2)
        promise = Promise.objects.first()
        indicator = Indicator.objects.first()
        urls = {
            reverse("promises:changes_feed"): (4, 2),
            reverse("promises:detail_feed", kwargs={"pk": promise.pk, "slug": promise.slug}): (5, 3),
            reverse("promises:indicator_feed", kwargs={"slug": indicator.slug}): (2, 2),
        }
        for _size in range(2):
            for feed_url, (fresh, kept) in urls.items():
                fragments.forget()  # (the two log feeds share what they keep)
                with self.assertNumQueries(fresh):
                    self.client.get(feed_url)
                with self.assertNumQueries(kept):
                    self.client.get(feed_url)
            grow(20)  # a new global version: nothing kept is current


class IndicatorFeedTests(TestCase):
    def test_an_indicator_feed_lists_its_new_readings_with_their_source(self):
        indicator = make_indicator(slug="tempat-sampah", name="Tempat sampah RT", unit="unit")
        make_reading(indicator, value=Decimal(900), source=make_source(outlet="Pos Kupang"))
        make_reading(indicator, value=Decimal(1347), source=make_source(outlet="Victory News"))
        make_reading(make_indicator(), value=Decimal(5))
        feed = atom(self.client.get(reverse("promises:indicator_feed", kwargs={"slug": "tempat-sampah"})))
        assert titles(feed) == [
            "1.347 unit (diserahkan / terealisasi, per 14 Agustus 2025)",
            "900 unit (diserahkan / terealisasi, per 14 Agustus 2025)",
        ]
        assert "Victory News" in entries(feed)[0].find(f"{ATOM}summary").text
        assert "Tempat sampah RT" in feed.find(f"{ATOM}title").text


class FeedLinkTests(TestCase):
    def test_pages_announce_their_feeds_with_link_rel_alternate(self):
        promise = make_promise()
        rate(promise)
        promise.refresh_from_db()
        indicator = make_indicator(promise=promise)
        make_reading(indicator)
        pages = {
            reverse("promises:changes"): reverse("promises:changes_feed"),
            promise.get_absolute_url(): reverse(
                "promises:detail_feed", kwargs={"pk": promise.pk, "slug": promise.slug}
            ),
            indicator.get_absolute_url(): reverse("promises:indicator_feed", kwargs={"slug": indicator.slug}),
        }
        for page, feed_url in pages.items():
            head = self.client.get(page).text.split("</head>")[0]
            assert '<link rel="alternate" type="application/atom+xml"' in head, page
            assert f'href="{feed_url}"' in head, page
            atom(self.client.get(feed_url))
