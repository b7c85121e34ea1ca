"""Cards and log rows kept between renders (promises/fragments.py): reused exactly while the rows they are drawn
from are unchanged (promises/fingerprints.py), redrawn after any write that touches them, however it was written,
never shown stale."""

import re
from decimal import Decimal

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from promises import fragments
from promises.models import Indicator, LogEntry, Promise, Reading

from .helpers import grow, make_editor, make_reading, make_source, rate
from .test_pages import WITHOUT_PAGE_CACHE

INDICATORS = reverse("promises:indicators")
CHANGES = reverse("promises:changes")
HOME = reverse("promises:home")


def card(page: str, indicator: Indicator) -> str:
    """The card of `indicator` on `page`."""
    found = re.search(
        rf'<article class="card indicator">\s*<h3 lang="id"><a href="{indicator.get_absolute_url()}">.*?</article>',
        page,
        re.S,
    )
    assert found, indicator.slug
    return found[0]


def row(page: str, entry: LogEntry) -> str:
    found = re.search(rf'<li id="{entry.anchor}">.*?</li>', page, re.S)
    assert found, entry.anchor
    return found[0]


def loaded_figures_of(queries) -> set[int]:
    """The indicators whose figures a render loaded (the cards it drew)."""
    ids = set()
    for query in queries:
        if query["sql"].startswith('SELECT "promises_reading"."id"') and (
            found := re.search(r'"indicator_id" IN \(([\d, ]+)\)', query["sql"])
        ):
            ids |= {int(n) for n in found[1].split(",")}
    return ids


@override_settings(MIDDLEWARE=WITHOUT_PAGE_CACHE)
class FragmentTests(TestCase):
    def setUp(self):
        grow(3)
        self.first, self.second, self.third = Indicator.objects.order_by("pk")

    def render(self, url: str) -> tuple[str, list]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        assert response.status_code == 200
        return response.text, queries.captured_queries

    def test_a_page_drawn_from_kept_cards_is_the_same_page_without_loading_their_figures(self):
        fresh, first = self.render(INDICATORS)
        kept, second = self.render(INDICATORS)
        assert kept == fresh
        assert loaded_figures_of(first) == {self.first.pk, self.second.pk, self.third.pk}
        assert loaded_figures_of(second) == set()
        assert len(second) == len(first) - 3  # no indicators, figures or conflict marks

    def test_a_new_figure_redraws_its_own_card_only(self):
        self.render(INDICATORS)
        make_reading(self.second, value=Decimal(777))
        page, queries = self.render(INDICATORS)
        assert loaded_figures_of(queries) == {self.second.pk}
        assert "777 unit" in card(page, self.second)
        assert "777 unit" not in card(page, self.first)

    def test_a_status_change_redraws_the_cards_and_rows_of_its_promise_only(self):
        self.render(CHANGES)
        promise = Promise.objects.get(pk=self.first.promise_id)
        rate(promise, Promise.Status.TERSENDAT, reason="Pekerjaan berhenti menurut sumber.")
        page, queries = self.render(CHANGES)
        newest = LogEntry.objects.order_by("-pk").first()
        assert "Pekerjaan berhenti menurut sumber." in row(page, newest)
        drawn = next(
            q["sql"]
            for q in queries
            if q["sql"].startswith('SELECT "promises_logentry"."id", "promises_logentry"."kind"')
        )
        ids = {int(n) for n in re.search(r'"promises_logentry"\."id" IN \(([\d, ]+)\)', drawn)[1].split(",")}
        assert ids == set(LogEntry.objects.filter(promise=promise).values_list("pk", flat=True))

    def test_a_figure_changed_without_any_signal_or_new_version_is_redrawn_at_once(self):
        self.render(INDICATORS)
        self.render(CHANGES)
        reading = self.second.readings.order_by("-as_of").first()
        Reading.objects.filter(pk=reading.pk).update(value=Decimal(4321))  # no signal, no bump
        page, queries = self.render(INDICATORS)
        assert loaded_figures_of(queries) == {self.second.pk}
        assert "4.321 unit" in card(page, self.second)
        Promise.objects.filter(pk=self.first.promise_id).update(title="Judul tanpa sinyal")
        changes, _queries = self.render(CHANGES)
        for entry in LogEntry.objects.filter(promise=self.first.promise_id):
            assert "Judul tanpa sinyal" in row(changes, entry)

    def test_a_write_of_unknown_reach_that_touches_no_card_or_row_redraws_none(self):
        from promises import cache as data_version

        for url in (INDICATORS, CHANGES, HOME):
            self.render(url)
        make_source(outlet="Media yang belum dikutip")  # a new global version: every page is cold
        data_version.set_new_version()
        for url in (INDICATORS, CHANGES, HOME):
            page, queries = self.render(url)
            assert loaded_figures_of(queries) == set(), url
            assert not [
                q for q in queries if q["sql"].startswith('SELECT "promises_logentry"."id", "promises_logentry"."kind"')
            ]

    def test_a_promise_renamed_is_renamed_in_every_row_about_it(self):
        self.render(CHANGES)
        promise = self.first.promise
        Promise.objects.filter(pk=promise.pk).update(title="Judul yang diperbaiki")  # no signal: the service's bump
        from promises import cache as data_version

        data_version.set_new_scopes([data_version.promise_scope(promise.pk)])
        page, _queries = self.render(CHANGES)
        for entry in LogEntry.objects.filter(promise=promise):
            assert "Judul yang diperbaiki" in row(page, entry)

    def test_a_feed_entry_says_the_promises_new_title_and_a_new_change_at_once(self):
        promise = Promise.objects.get(pk=self.first.promise_id)
        feed = reverse("promises:changes_feed")
        self.render(feed)
        promise.title = "Judul yang diperbaiki"
        promise.save()
        rate(Promise.objects.get(pk=self.second.promise_id), Promise.Status.TERSENDAT)
        page, _queries = self.render(feed)
        titles = re.findall(r"<title>(.*?)</title>", page)
        assert (
            sum("Judul yang diperbaiki" in title for title in titles)
            == LogEntry.objects.filter(promise=promise).count()
        )
        assert "Tersendat" in titles[1]  # the newest entry, after the feed's own title

    def test_an_outlet_renamed_is_renamed_on_every_card(self):
        # a source is on pages of unknown reach: its edit changes the global version, and every card is redrawn
        self.render(INDICATORS)
        for indicator in (self.first, self.second, self.third):
            source = indicator.readings.order_by("-as_of").first().source
            source.outlet = "Media Baru"
            source.save()
        page, queries = self.render(INDICATORS)
        assert loaded_figures_of(queries) == {self.first.pk, self.second.pk, self.third.pk}
        for indicator in (self.first, self.second, self.third):
            assert "Media Baru" in card(page, indicator)

    def test_an_editor_renamed_is_renamed_in_every_row_they_made(self):
        editor = make_editor("penyunting")
        rate(Promise.objects.get(pk=self.first.promise_id), Promise.Status.TERSENDAT, editor=editor)
        self.render(CHANGES)
        editor.first_name, editor.last_name = "Maria", "Lado"
        editor.save()
        page, _queries = self.render(CHANGES)
        assert "oleh Maria Lado" in row(page, LogEntry.objects.filter(editor=editor).get())

    def test_cards_are_kept_per_language(self):
        self.render(INDICATORS)
        with translation.override("en"):
            english, queries = self.render(reverse("promises:indicators"))
        assert loaded_figures_of(queries) == {self.first.pk, self.second.pk, self.third.pk}
        assert "of target" in english

    def test_a_page_with_its_cards_and_rows_kept_costs_the_same_queries_with_ten_times_the_data(self):
        def kept() -> dict[str, int]:
            counts = {}
            for url in (HOME, INDICATORS, CHANGES):
                self.render(url)
                counts[url] = len(self.render(url)[1])
            return counts

        before = kept()
        grow(30)
        assert kept() == before

    def test_a_row_deleted_while_the_page_is_drawn_is_left_out(self):
        gone = {"pk": 0, "created_at": None}
        [entry] = LogEntry.objects.for_log_keys()[:1]
        rows = fragments.log_rows([gone, entry])
        assert len(rows) == 1 and f'id="{LogEntry.objects.get(pk=entry["pk"]).anchor}"' in rows[0]

    def test_no_more_than_the_limit_is_kept(self):
        limit, fragments.LIMIT = fragments.LIMIT, 2
        try:
            self.render(INDICATORS)
            assert len(fragments._kept) == 2
        finally:
            fragments.LIMIT = limit

    @override_settings(DEBUG=True)
    def test_a_development_server_keeps_nothing(self):
        # templates, code and translations change under it, as for whole pages (promises/middleware.py)
        self.render(INDICATORS)
        assert loaded_figures_of(self.render(INDICATORS)[1]) == {self.first.pk, self.second.pk, self.third.pk}
        assert not fragments._kept

    def test_cards_drawn_from_figures_read_before_the_versions_are_not_kept(self):
        # the conflicts filter reads every figure first; a write before the versions are read would otherwise keep
        # an old card under the new version
        from datetime import date

        make_reading(self.first, value=Decimal(850), as_of=date(2025, 8, 9))  # 900 the same day, from another source
        page, _queries = self.render(INDICATORS + "?keadaan=bertentangan")
        assert "pertentangan" in card(page, self.first)
        assert not fragments._kept
