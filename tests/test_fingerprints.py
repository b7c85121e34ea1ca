"""Fingerprints (promises/fingerprints.py): a card's, a log row's or a source row's changes whenever any column its own
query loads changes, however it was written, and not otherwise; so a kept fragment is never shown stale."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.test import TestCase
from django.utils import timezone

from promises import fingerprints
from promises.models import ConflictMark, Indicator, LogEntry, Promise, PromiseSource, Report, Source, SourceReplacement
from promises.models.log import ROW_OBJECTS

from .helpers import grow, make_editor, make_reading, make_source, rate


class Undo(Exception):
    """Raised to roll a change back."""


SKIP = object()  # no other value can be written without knowing the field (a key, a required foreign key)


def other_value(field: models.Field, value):
    """A value of `field` different from `value` (None for NULL), or SKIP."""
    if field.primary_key:
        return SKIP
    if isinstance(field, models.ForeignKey):
        return SKIP if value is None or not field.null else None
    if field.choices:
        return next((choice for choice, _label in field.flatchoices if choice != value), SKIP)
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateTimeField):
        return (value or timezone.now()) - timedelta(days=1)
    if isinstance(field, models.DateField):
        return (value or date(2025, 3, 1)) - timedelta(days=1)
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        return (value or 0) + 1
    if isinstance(field, models.CharField | models.TextField):
        text = value or ""
        return (text[: field.max_length - 1] if field.max_length else text) + "x" if not text.endswith("x") else "y"
    if isinstance(field, models.JSONField):
        return {"berbeda": [value]}
    raise AssertionError(f"no other value for {field}")


class FingerprintTests(TestCase):
    def setUp(self):
        self.checked = 0
        grow(2)
        self.indicator = Indicator.objects.order_by("pk").first()
        first, second = self.indicator.readings.order_by("pk")[:2]
        editor = make_editor("penyunting")
        ConflictMark.objects.create(
            indicator=self.indicator, first=first, second=second, conflicting=False, reason="Beda.", editor=editor
        )
        promise = Promise.objects.get(pk=self.indicator.promise_id)
        rate(promise, Promise.Status.TERSENDAT, editor=editor)
        self.entry = LogEntry.objects.filter(promise=promise, status_change__isnull=False).latest("pk")
        LogEntry.objects.filter(pk=self.entry.pk).update(  # a row with every object it can show
            indicator=self.indicator,
            reading=first,
            note="Catatan.",
            approved_by=get_user_model().objects.create_user("penyetuju", first_name="Yosef"),
            report=Report.objects.create(promise=promise, text="Angkanya berubah.", name="Pembaca", contact="0812"),
        )
        self.entry.sources.add(make_source(), make_source())

    def changes(self, fingerprint, pk: int, obj: models.Model, names) -> list[str]:
        """The names of the fields of `obj` whose change leaves `fingerprint(pk)` as it was."""
        before = fingerprint([pk])[pk]
        unchanged = []
        for name in names:
            field = obj._meta.get_field(name)
            new = other_value(field, getattr(obj, field.attname))
            if new is SKIP:
                continue
            with self.subTest(model=type(obj).__name__, field=name):
                try:
                    with transaction.atomic():
                        type(obj).objects.filter(pk=obj.pk).update(**{field.attname: new})
                        self.checked += 1
                        if fingerprint([pk])[pk] == before:
                            unchanged.append(f"{type(obj).__name__}.{name}")
                        raise Undo
                except Undo:
                    pass
                except IntegrityError:  # a value the database refuses (its checks) is never shown
                    pass
        assert fingerprint([pk])[pk] == before
        return unchanged

    def loaded(self, obj: models.Model) -> list[str]:
        deferred = obj.get_deferred_fields()
        return [field.name for field in obj._meta.concrete_fields if field.attname not in deferred]

    def test_a_cards_fingerprint_changes_with_every_column_its_card_is_drawn_from(self):
        card = Indicator.objects.filter(pk=self.indicator.pk).for_cards().get()
        objects = [card, *card.readings.all(), *card.conflict_marks.all()]
        assert len(objects) == 1 + 3 + 1
        unchanged = []
        for obj in objects:
            unchanged += self.changes(fingerprints.cards, card.pk, obj, self.loaded(obj))
        for reading in card.readings.all():  # the outlet the card names, read through a subquery
            unchanged += self.changes(fingerprints.cards, card.pk, Source.objects.get(pk=reading.source_id), ["outlet"])
        assert unchanged == []
        assert self.checked > 40, self.checked

    def test_a_log_rows_fingerprint_changes_with_every_column_its_row_is_drawn_from(self):
        entry = LogEntry.objects.for_log().get(pk=self.entry.pk)
        unchanged = self.changes(fingerprints.log_entries, entry.pk, entry, self.loaded(entry))
        User = get_user_model()
        for name in ROW_OBJECTS:
            obj = getattr(entry, name)
            assert obj is not None, name
            # an editor is shown by name only (formatting.person)
            names = ["first_name", "last_name", User.USERNAME_FIELD] if isinstance(obj, User) else self.loaded(obj)
            unchanged += self.changes(fingerprints.log_entries, entry.pk, obj, names)
        sources = list(entry.sources.all())
        assert len(sources) == 3  # the status change's and the two added
        for source in sources:
            unchanged += self.changes(fingerprints.log_entries, entry.pk, source, self.loaded(source))
        assert unchanged == []
        assert self.checked > 80, self.checked

    def test_a_source_rows_fingerprint_changes_with_every_column_its_row_is_drawn_from(self):
        used = PromiseSource.objects.order_by("pk").first().source
        PromiseSource.objects.create(promise=Promise.objects.exclude(pk=self.indicator.promise_id).first(), source=used)
        SourceReplacement.objects.create(old=used, new=make_source(), reason="Tautan mati.", editor=make_editor("lain"))
        source = Source.objects.filter(pk=used.pk).for_list().get()
        links, replacements = list(source.promise_links.all()), list(source.replaced_by.all())
        assert len(links) == 2 and len(replacements) == 1
        objects = [source, *links, *(link.promise for link in links), *replacements, replacements[0].new]
        unchanged = []
        for obj in objects:
            unchanged += self.changes(fingerprints.sources, source.pk, obj, self.loaded(obj))
        assert unchanged == []
        assert self.checked > 30, self.checked

    def test_a_source_added_or_taken_from_a_row_changes_its_fingerprint(self):
        before = fingerprints.log_entries([self.entry.pk])[self.entry.pk]
        added = make_source()
        self.entry.sources.add(added)
        after = fingerprints.log_entries([self.entry.pk])[self.entry.pk]
        self.entry.sources.remove(added)
        assert len({before, after, fingerprints.log_entries([self.entry.pk])[self.entry.pk]}) == 2
        assert fingerprints.log_entries([self.entry.pk])[self.entry.pk] == before

    def test_a_figure_or_mark_added_to_an_indicator_changes_its_cards_fingerprint_only(self):
        others = list(Indicator.objects.exclude(pk=self.indicator.pk).values_list("pk", flat=True))
        pks = [self.indicator.pk, *others]
        before = fingerprints.cards(pks)
        make_reading(self.indicator, value=Decimal(5))
        after = fingerprints.cards(pks)
        assert after[self.indicator.pk] != before[self.indicator.pk]
        assert all(after[pk] == before[pk] for pk in others)

    def test_a_write_that_touches_nothing_shown_leaves_every_fingerprint(self):
        cards = fingerprints.cards(Indicator.objects.values_list("pk", flat=True))
        rows = fingerprints.log_entries(LogEntry.objects.values_list("pk", flat=True))
        make_source(outlet="Media yang tidak dikutip")
        Promise.objects.exclude(pk=self.indicator.promise_id).update(description="Uraian baru")
        assert fingerprints.cards(cards) == cards
        assert fingerprints.log_entries(rows) == rows

    def test_a_deleted_row_and_an_empty_list_have_no_fingerprint(self):
        assert fingerprints.cards([]) == {} and fingerprints.log_entries([]) == {}
        assert fingerprints.cards([0]) == {} and fingerprints.log_entries([0]) == {}
