"""The synthetic data generator behind `make bench`: it never mixes with or lands on real data by accident."""

import json
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from promises.management.commands.generate_synthetic_data import OUTLET, URL_PREFIX
from promises.management.commands.load_kupang_data import DATA_FILE
from promises.models import (
    Administration,
    Claim,
    ClaimItem,
    Indicator,
    Programme,
    Promise,
    PromiseSource,
    Reading,
    Source,
    StatusChange,
)

from .helpers import grow, make_claim, make_promise

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
RATED = [p for p in DATA["promises"] if p["status"] != Promise.Status.BELUM_DINILAI]


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_synthetic_data", *args, stdout=out)
    return out.getvalue()


def synthetic(model):
    """Rows of `model` that belong to a synthetic administration (or are synthetic sources)."""
    if model is Source:
        return Source.objects.filter(url__startswith=URL_PREFIX)
    path = {
        Administration: "slug",
        Promise: "administration__slug",
        PromiseSource: "promise__administration__slug",
        StatusChange: "promise__administration__slug",
        Indicator: "slug",
        Reading: "indicator__slug",
        Programme: "administration__slug",
        Claim: "administration__slug",
        ClaimItem: "claim__administration__slug",
    }[model]
    return model.objects.filter(**{f"{path}__startswith": "sintetis-"})


def make_real_data() -> Administration:
    """A tiny "real" tracker: two rated promises with sources, indicators, readings and a claim."""
    grow(2)
    administration = Administration.objects.get(is_default=True)
    make_claim(promises=administration.promises.all())
    return administration


class GeneratorRefusalTests(TestCase):
    def test_it_refuses_a_database_that_holds_real_data(self):
        make_promise()
        with self.assertRaises(CommandError) as raised:
            generate("--factor", "1")
        message = str(raised.exception)
        self.assertIn("data nyata", message)
        self.assertIn("--allow-real-data", message)
        self.assertIn("real data", message)
        self.assertFalse(synthetic(Administration).exists())
        self.assertFalse(synthetic(Source).exists())

    def test_it_refuses_when_only_a_real_source_is_present(self):
        Source.objects.create(url="https://berita.example/a", outlet="Media", headline="Judul", published_note="?")
        with self.assertRaises(CommandError):
            generate()
        self.assertFalse(synthetic(Administration).exists())

    def test_manage_py_exits_non_zero_on_refusal(self):
        make_promise()
        # call_command raises; manage.py turns CommandError into exit status 1
        with self.assertRaises(SystemExit) as raised:
            from django.core.management import ManagementUtility

            ManagementUtility(["manage.py", "generate_synthetic_data", "--factor", "1"]).execute()
        self.assertNotEqual(raised.exception.code, 0)

    def test_it_runs_on_an_empty_database_without_the_flag(self):
        generate("--factor", "1")
        self.assertEqual(Promise.objects.count(), len(DATA["promises"]))
        self.assertFalse(Administration.objects.filter(is_default=True).exists())

    def test_a_factor_below_one_is_refused(self):
        with self.assertRaises(CommandError):
            generate("--factor", "0")


class GeneratorTests(TestCase):
    def test_with_allow_real_data_it_adds_synthetic_rows_that_never_touch_the_real_administration(self):
        real = make_real_data()
        real_promises = set(real.promises.values_list("pk", "version", "status", "search_text"))
        real_sources = set(Source.objects.values_list("pk", "url"))
        real_links = set(PromiseSource.objects.values_list("pk", flat=True))

        generate("--factor", "1", "--allow-real-data")

        real.refresh_from_db()
        self.assertTrue(real.is_default)
        self.assertEqual(set(real.promises.values_list("pk", "version", "status", "search_text")), real_promises)
        self.assertEqual(Administration.objects.get(is_default=True), real)
        new = Administration.objects.exclude(pk=real.pk).get()
        self.assertEqual(new.slug, "sintetis-1")
        self.assertIn("sintetis", new.name)
        self.assertFalse(new.is_default)
        # every new row is recognisably synthetic
        for source in Source.objects.exclude(pk__in=[pk for pk, _url in real_sources]):
            self.assertTrue(source.url.startswith(URL_PREFIX), source.url)
            self.assertEqual(source.outlet, OUTLET)
            self.assertTrue(source.key.startswith("SIN-"), source.key)
        for promise in new.promises.all():
            self.assertTrue(promise.code.startswith("SIN-"), promise.code)
            self.assertTrue(promise.sector.slug.startswith("sintetis-"), promise.sector.slug)
        # ...and no link crosses between real and synthetic rows
        new_links = PromiseSource.objects.exclude(pk__in=real_links)
        self.assertFalse(new_links.exclude(source__url__startswith=URL_PREFIX).exists())
        self.assertFalse(new_links.exclude(promise__administration=new).exists())
        self.assertFalse(synthetic(Reading).exclude(source__url__startswith=URL_PREFIX).exists())
        self.assertFalse(synthetic(Indicator).filter(promise__administration=real).exists())
        self.assertFalse(
            synthetic(Indicator).filter(sector__isnull=False).exclude(sector__slug__startswith="sintetis-").exists()
        )
        self.assertFalse(
            StatusChange.objects.filter(promise__administration=new)
            .exclude(sources__url__startswith=URL_PREFIX)
            .exists()
        )
        self.assertFalse(synthetic(ClaimItem).exclude(promise__administration=new).exists())
        self.assertFalse(
            Reading.objects.filter(indicator__promise__administration=real, source__url__startswith=URL_PREFIX).exists()
        )

    def test_the_counts_scale_with_the_factor(self):
        make_real_data()
        expected = {
            Promise: len(DATA["promises"]),
            Source: len(DATA["sources"]),
            Indicator: len(DATA["indicators"]),
            Reading: sum(len(i["readings"]) for i in DATA["indicators"]),
            StatusChange: len(RATED),
            PromiseSource: sum(len({s["source"] for s in p.get("sources", [])}) for p in DATA["promises"]),
            Programme: len(DATA["programmes"]),
            Claim: len(DATA["claims"]),
        }

        generate("--factor", "1", "--allow-real-data")
        self.assertEqual({model: synthetic(model).count() for model in expected}, expected)

        output = generate("--factor", "2", "--allow-real-data")
        self.assertIn("sintetis-2", output)
        self.assertEqual(
            {model: synthetic(model).count() for model in expected}, {m: 3 * n for m, n in expected.items()}
        )
        self.assertEqual(
            sorted(synthetic(Administration).values_list("slug", flat=True)), ["sintetis-1", "sintetis-2", "sintetis-3"]
        )

    def test_generated_rows_satisfy_the_model_rules(self):
        make_real_data()
        generate("--factor", "1", "--allow-real-data")

        for model in (Administration, Programme, Source, Promise, PromiseSource, Indicator, Reading, Claim, ClaimItem):
            for row in synthetic(model):
                row.full_clean()  # field rules, uniqueness and the database constraints' Python side
        for promise in synthetic(Promise):
            # what Promise.save() would have written: bulk_create does not call it
            self.assertEqual(promise.search_text, promise.index_text())
            self.assertTrue(promise.slug)
            if promise.status != Promise.Status.BELUM_DINILAI:
                self.assertTrue(promise.verification)
                change = promise.changes.get()
                self.assertEqual(change.to_status, promise.status)
                self.assertEqual(change.verification, promise.verification)
                self.assertTrue(change.reason.strip())
                self.assertTrue(change.sources.exists())
            else:
                self.assertFalse(promise.changes.exists())
        self.assertEqual(synthetic(StatusChange).count(), len(RATED))

    def test_a_synthetic_promise_is_found_by_search_and_its_page_opens(self):
        make_real_data()
        generate("--factor", "1", "--allow-real-data")
        promise = synthetic(Promise).first()
        self.assertIn(promise, Promise.objects.search(promise.code.lower()))
        response = self.client.get(promise.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, promise.title)

    def test_it_invalidates_cached_pages_although_bulk_create_sends_no_signals(self):
        make_real_data()
        self.assertNotContains(self.client.get("/sumber/"), OUTLET)  # now cached without synthetic sources
        generate("--factor", "1", "--allow-real-data")
        self.assertContains(self.client.get("/sumber/"), OUTLET)
