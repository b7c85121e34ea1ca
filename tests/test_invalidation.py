"""What a write invalidates: the pages of the promise or indicator it touches and the list pages, where that is
known; every page otherwise (promises/cache.py, promises/signals.py). Pages report hit or miss (X-Page-Cache)."""

from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from promises import services
from promises.models import LogEntry, Promise, PromiseSource, Report

from .helpers import make_editor, make_indicator, make_promise, make_reading, make_source


class InvalidationScopeTests(TestCase):
    def setUp(self):
        cache.clear()
        self.a, self.b = make_promise(title="Janji A"), make_promise(title="Janji B")
        self.source = make_source()
        for promise in (self.a, self.b):
            PromiseSource.objects.create(promise=promise, source=self.source)
        self.indicator_a = make_indicator(promise=self.a, slug="angka-a")
        self.indicator_b = make_indicator(promise=self.b, slug="angka-b")
        self.pages = {
            "A": self.a.get_absolute_url(),
            "A's figures": self.indicator_a.get_absolute_url(),
            "A's feed": reverse("promises:detail_feed", args=[self.a.pk, self.a.slug]),
            "B": self.b.get_absolute_url(),
            "B's figures": self.indicator_b.get_absolute_url(),
            "B's feed": reverse("promises:detail_feed", args=[self.b.pk, self.b.slug]),
            "dashboard": reverse("promises:home"),
            "list": reverse("promises:list"),
            "changes": reverse("promises:changes"),
            "sources": reverse("promises:sources"),
            "indicators": reverse("promises:indicators"),
        }
        self.warm()

    def warm(self):
        for url in self.pages.values():
            self.client.get(url)
        assert self.rerendered() == set()

    def rerendered(self) -> set[str]:
        """The pages rendered anew (not served from the cache) on the next visit."""
        return {name for name, url in self.pages.items() if self.client.get(url)["X-Page-Cache"] != "hit"}

    def write(self, change) -> set[str]:
        with self.captureOnCommitCallbacks(execute=True):
            change()
        return self.rerendered()

    LISTS = {"dashboard", "list", "changes", "sources", "indicators"}
    A = {"A", "A's figures", "A's feed"}
    EVERYTHING = LISTS | A | {"B", "B's figures", "B's feed"}

    def test_a_status_change_renders_its_promises_pages_and_the_lists_again_not_the_others(self):
        def change():
            services.change_status(
                self.a,
                expected_version=self.a.version,
                status=Promise.Status.DALAM_PROSES,
                verification=Promise.Verification.DIKONFIRMASI_MEDIA,
                reason="Ada langkah resmi yang bersumber.",
                sources=[self.source],
            )

        assert self.write(change) == self.A | self.LISTS

    def test_a_new_figure_renders_its_indicators_and_promises_pages_and_the_lists_again(self):
        assert self.write(lambda: make_reading(self.indicator_a, value=Decimal(5), source=self.source)) == (
            self.A | self.LISTS
        )

    def test_a_figure_added_through_the_service_likewise(self):
        editor = make_editor()

        def add():
            services.add_reading(
                self.indicator_a,
                expected_version=self.indicator_a.version,
                new_source=None,
                editor=editor,
                values={
                    "value": Decimal(7),
                    "unit": "unit",
                    "as_of": date(2025, 8, 14),
                    "counts": "delivered",
                    "said_by": "media",
                    "source": self.source,
                },
            )

        assert self.write(add) == self.A | self.LISTS

    def test_a_log_entry_a_report_and_a_renamed_promise_stay_within_the_promise(self):
        # a recheck of the promise is on its page, its feed and the log, not on its indicators' pages
        assert self.write(lambda: LogEntry.objects.create(kind=LogEntry.Kind.RECHECK, promise=self.a)) == (
            {"A", "A's feed"} | self.LISTS
        )
        self.warm()
        assert self.write(lambda: Promise.objects.get(pk=self.a.pk).save()) == self.A | self.LISTS

    def test_a_new_source_renders_the_lists_again_and_with_a_new_figure_its_pages(self):
        # a new source is on no promise's or indicator's page until something cites it
        assert self.write(make_source) == self.LISTS
        self.warm()
        assert self.write(lambda: make_reading(self.indicator_a, value=Decimal(5))) == self.A | self.LISTS

    def test_a_report_about_an_indicator_renders_its_promises_pages_again(self):
        # the promise's page counts the readers' reports about its indicators too
        report = self.write(
            lambda: Report.objects.create(text="Kontainer sudah 1.347.", contact="0812", indicator=self.indicator_a)
        )
        assert report == self.A | self.LISTS
        assert "1 laporan pembaca sedang ditinjau" in self.client.get(self.pages["A"]).content.decode()

    def test_a_row_moved_to_another_promise_or_indicator_renders_every_page_again(self):
        # the admin can move a figure, a conflict mark or a source link; the old pages must not keep it
        reading = make_reading(self.indicator_a, value=Decimal(5), source=self.source)
        self.warm()
        reading.note = "Catatan baru."
        assert self.write(reading.save) == self.A | self.LISTS  # an edit that does not move it
        self.warm()
        reading.indicator = self.indicator_b
        assert self.write(reading.save) == self.EVERYTHING
        self.warm()
        link = PromiseSource.objects.get(promise=self.a)
        link.promise = make_promise(title="Janji C")
        self.warm()
        assert self.write(link.save) == self.EVERYTHING

    def test_a_source_or_an_indicators_own_edit_renders_every_page_again(self):
        self.source.outlet = "Media baru"
        assert self.write(self.source.save) == self.EVERYTHING
        self.warm()
        self.indicator_b.description = "Uraian baru."
        assert self.write(self.indicator_b.save) == self.EVERYTHING
