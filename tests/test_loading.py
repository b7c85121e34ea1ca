"""Instances loaded without `Model.__init__` (promises/models/loading.py) are the instances Django would build:
the same fields loaded and deferred, the same state; and Django builds them itself when something listens."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models.signals import post_init
from django.test import TestCase

from promises.models import Indicator, LogEntry, Reading, Source
from promises.models.loading import QuickLoad

from .helpers import make_editor


def as_django_builds(model, queryset):
    """The same rows, built by Django's own from_db (a post_init listener makes QuickLoad step aside)."""

    def listen(**kwargs):
        pass

    post_init.connect(listen, sender=model)
    try:
        return list(queryset.all())
    finally:
        post_init.disconnect(listen, sender=model)


def contents(instance) -> dict:
    values = {name: value for name, value in instance.__dict__.items() if name != "_state"}
    if prefetched := values.pop("_prefetched_objects_cache", None):
        values["prefetched"] = {name: list(rows) for name, rows in prefetched.items()}
    values["related"] = {name: contents(row) if row else row for name, row in instance._state.fields_cache.items()}
    state = {name: getattr(instance._state, name) for name in ("adding", "db")}
    return {"values": values, "state": state, "deferred": instance.get_deferred_fields()}


class QuickLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_kupang_data", stdout=StringIO())
        make_editor()

    def assert_same_as_django(self, model, queryset):
        quick = list(queryset.all())
        built = as_django_builds(model, queryset)
        self.assertTrue(quick, model.__name__)
        self.assertEqual([contents(i) for i in quick], [contents(i) for i in built], model.__name__)
        self.assertTrue(all(type(i) is model for i in quick))

    def test_every_model_of_the_tracker_loads_the_instance_django_would_build(self):
        for model in apps.get_app_config("promises").get_models():
            with self.subTest(model=model.__name__):
                self.assertTrue(issubclass(model, QuickLoad))
                if model.objects.exists():
                    self.assert_same_as_django(model, model.objects.order_by("pk"))

    def test_only_some_fields_leaves_the_same_ones_deferred_and_loads_them_on_access(self):
        queryset = Reading.objects.order_by("pk").only("value", "indicator_id")
        self.assert_same_as_django(Reading, queryset)
        reading = queryset.first()
        self.assertEqual(reading.get_deferred_fields(), as_django_builds(Reading, queryset)[0].get_deferred_fields())
        self.assertIn("as_of", reading.get_deferred_fields())
        expected = Reading.objects.get(pk=reading.pk).as_of
        with self.assertNumQueries(1):
            self.assertEqual(reading.as_of, expected)

    def test_annotations_and_related_rows_are_set_as_django_sets_them(self):
        queryset = (
            Reading.objects.order_by("pk")
            .select_related("source")
            .annotate(outlet_name=models.F("source__outlet"))
            .prefetch_related("log")
        )
        self.assert_same_as_django(Reading, queryset)
        reading = queryset.first()
        log = list(LogEntry.objects.filter(reading=reading))
        with self.assertNumQueries(0):
            self.assertEqual(reading.outlet_name, reading.source.outlet)
            self.assertEqual(list(reading.log.all()), log)

    def test_a_loaded_instance_saves_as_an_update_and_validates_as_existing(self):
        source = Source.objects.order_by("pk").first()
        self.assertFalse(source._state.adding)
        source.outlet = "Outlet baru"
        source.save(update_fields=["outlet"])
        self.assertEqual(Source.objects.get(pk=source.pk).outlet, "Outlet baru")
        self.assertEqual(Source.objects.count(), Source.objects.values("pk").distinct().count())
        indicator = Indicator.objects.order_by("pk").first()
        indicator.validate_unique()  # its own slug is not taken by itself

    def test_changing_a_foreign_key_of_a_loaded_instance_forgets_the_related_object(self):
        reading = Reading.objects.select_related("indicator").order_by("pk").first()
        other = Indicator.objects.exclude(pk=reading.indicator_id).first()
        reading.indicator_id = other.pk
        self.assertEqual(reading.indicator, other)
