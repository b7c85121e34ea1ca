"""The domain vocabulary (statuses, verification levels) and how numbers and dates read, each in one place."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from promises import charts, formatting
from promises.models import Promise, Reading
from promises.templatetags.situs import glyph

from .helpers import make_promise, make_sector, rate

Status, Verification = Promise.Status, Promise.Verification


def legend(html: str) -> dict[str, str]:
    """The methodology page's legends as {badge label: the description beside it}."""
    description = r"\s*</dt><dd>([^<]*)</dd>"
    status = r'<dt><span class="badge status-[^"]+"><span aria-hidden="true">[^<]+</span> ([^<]+)</span>'
    verification = r'<dt><span class="badge verif verif-[^"]+">([^<]+)</span>'
    return dict(re.findall(status + description, html) + re.findall(verification + description, html))


class StatusVocabularyTests(TestCase):
    def test_every_status_has_a_glyph_and_a_description(self):
        for status in Status:
            assert status.glyph, status
            assert str(status.description), status

    def test_no_two_statuses_share_a_glyph(self):
        glyphs = [status.glyph for status in Status]
        assert len(set(glyphs)) == len(glyphs) == 8

    def test_every_verification_level_has_a_description(self):
        descriptions = [str(verification.description) for verification in Verification]
        assert all(descriptions) and len(set(descriptions)) == len(descriptions) == 4

    def test_the_glyph_filter_reads_the_status_and_shows_nothing_for_an_empty_or_unknown_value(self):
        values = ["ditepati", Status.TERSENDAT, "", None, "dibatalkan"]
        assert [glyph(value) for value in values] == ["✓", "‖", "", "", ""]

    def test_the_methodology_page_shows_each_status_description_next_to_its_own_label(self):
        shown = legend(self.client.get(reverse("promises:methodology")).text)
        assert shown["Ditepati"] == "Kriteria ditepati terpenuhi menurut sumber."
        assert shown["Belum dinilai"] == "Kami belum menilai janji ini. Ini bukan berarti tidak ada tindakan."
        assert shown["Data bertentangan"] == "Sumber-sumber saling bertentangan."
        expected = {str(item.label): str(item.description) for item in [*Status, *Verification]}
        assert shown == expected

    def test_the_english_methodology_page_pairs_the_translated_labels_and_descriptions(self):
        shown = legend(self.client.get("/en" + reverse("promises:methodology")).text)
        assert shown["Kept"] == "The criteria for “kept” are met according to sources."
        assert shown["Government claim"] == "Only the government says so."
        assert len(shown) == 12

    def test_every_badge_shows_the_glyph_of_its_own_status(self):
        html = self.client.get(reverse("promises:methodology")).text
        for status in Status:
            assert f'<span class="badge status-{status}"><span aria-hidden="true">{status.glyph}</span> ' in html


class SectorBarTests(TestCase):
    def test_parts_follow_the_order_of_the_scale_and_skip_statuses_without_promises(self):
        counts = dict.fromkeys(Status.values, 0) | {"ditepati": 2, "belum_dinilai": 3, "tersendat": 1}
        [bar] = charts.sector_bars([{"slug": "sampah", "name": "Sampah", "order": 0, "total": 6, "statuses": counts}])
        assert [(part.status, part.count, part.offset) for part in bar["parts"]] == [
            (Status.BELUM_DINILAI, 3, 0),
            (Status.TERSENDAT, 1, 3),
            (Status.DITEPATI, 2, 4),
        ]
        assert (bar["slug"], bar["total"]) == ("sampah", 6)

    def test_the_home_page_draws_each_sector_bar_with_its_colours_glyphs_and_labels(self):
        sector = make_sector(name="Sampah")
        make_promise(sector=sector)
        rate(make_promise(sector=sector), status=Status.DITEPATI)
        rate(make_promise(sector=sector), status=Status.DITEPATI)
        text = self.client.get(reverse("promises:home")).text
        assert (
            '<rect x="0" width="1" height="1" class="fill-belum_dinilai"/>'
            '<rect x="1" width="2" height="1" class="fill-ditepati"/>'
        ) in text
        assert (
            '<span class="glyph-belum_dinilai" aria-hidden="true">○</span> 1 belum dinilai · '
            '<span class="glyph-ditepati" aria-hidden="true">✓</span> 2 ditepati</p>'
        ) in text

    def test_the_home_page_counts_each_status_it_has_with_a_badge_and_names_the_rest_in_one_line(self):
        rate(make_promise(), status=Status.TERSENDAT)
        text = self.client.get(reverse("promises:home")).text
        stalled = Status.TERSENDAT
        assert (
            f'<a href="{reverse("promises:list")}?status={stalled}"><span class="badge status-tersendat">'
            f'<span aria-hidden="true">{stalled.glyph}</span> {stalled.label}</span> <strong>1</strong>'
        ) in text
        [zero_line] = [line for line in text.splitlines() if "Belum ada janji berstatus:" in line]
        for status in Status:
            if status != Status.TERSENDAT:
                assert f"?status={status}" not in text
                assert f'<span aria-hidden="true">{status.glyph}</span> {status.label.lower()}' in zero_line


class FormattingTests(SimpleTestCase):
    def setUp(self):
        translation.activate("id")
        self.addCleanup(translation.deactivate)

    def test_numbers_read_the_indonesian_way(self):
        assert formatting.angka(1347) == "1.347"
        assert formatting.angka(Decimal("1.20")) == "1,2"
        assert formatting.angka(None) == formatting.angka("") == ""

    def test_money_reads_in_rupiah_with_its_scale(self):
        assert formatting.rupiah(3_000_000_000) == "Rp3 miliar"
        assert formatting.rupiah(1_290_000_000) == "Rp1,29 miliar"
        assert formatting.rupiah(500_000) == "Rp500 ribu"
        assert formatting.rupiah(750) == "Rp750"

    def test_a_value_reads_in_its_unit(self):
        assert formatting.nilai(115, "persen") == "115%"
        assert formatting.nilai(1347, "unit") == "1.347 unit"
        assert formatting.nilai(Decimal("1200000000.00"), "rupiah") == "Rp1,2 miliar"

    def test_a_reading_reads_with_its_qualifier_or_as_a_range(self):
        more_than = Reading(value=Decimal(3_000_000_000), unit="rupiah", qualifier=Reading.Qualifier.LEBIH_DARI)
        between = Reading(value=Decimal(300_000_000), value_max=Decimal(600_000_000), unit="rupiah")
        assert formatting.reading_value(more_than) == "lebih dari Rp3 miliar"
        assert formatting.reading_value(between) == "Rp300 juta–Rp600 juta"

    def test_a_date_reads_at_the_precision_the_source_gave(self):
        assert formatting.date_label(date(2025, 4, 1), "month") == "April 2025"
        assert formatting.date_label(date(2025, 8, 14), "day") == "14 Agustus 2025"
        reading = Reading(as_of=date(2025, 4, 1), as_of_precision="month")
        assert reading.as_of_label == "April 2025"

    def test_on_en_the_words_are_translated_and_the_decimals_are_english(self):
        more_than = Reading(value=Decimal(3_000_000_000), unit="rupiah", qualifier=Reading.Qualifier.LEBIH_DARI)
        with translation.override("en"):
            assert formatting.reading_value(more_than) == "more than Rp3 billion"
            assert formatting.rupiah(1_290_000_000) == "Rp1.29 billion"
            assert formatting.date_label(date(2025, 8, 14), "day") == "14 August 2025"

    def test_a_number_or_date_written_once_is_written_again_in_the_language_asked_each_time(self):
        # Remembered per value, format and language (formatting._number, _date): never the other language's text.
        for _round in range(2):
            assert formatting.angka(Decimal("1347.50")) == "1.347,5"
            assert formatting.date_text(date(2025, 8, 14)) == "14 Agustus 2025"
            with translation.override("en"):
                assert formatting.angka(Decimal("1347.50")) == "1,347.5"
                assert formatting.date_text(date(2025, 8, 14)) == "14 August 2025"
        assert formatting.angka(Decimal("900.00")) == formatting.angka(900) == "900"
        written = datetime(2025, 8, 14, 23, 30, tzinfo=UTC)
        with timezone.override("Asia/Makassar"):
            assert formatting.date_text(timezone.template_localtime(written)) == "15 Agustus 2025"
        assert formatting.date_text(written) == "14 Agustus 2025"

    def test_the_template_tags_give_the_same_text_as_the_functions(self):
        reading = Reading(value=Decimal(300_000_000), value_max=Decimal(600_000_000), unit="rupiah")
        html = Template(
            "{% load angka %}{{ 1347|angka }} · {{ 3000000000|rupiah }} · {{ 115|nilai:'persen' }} · "
            "{% reading_value reading %}"
        ).render(Context({"reading": reading}))
        assert html == "1.347 · Rp3 miliar · 115% · Rp300 juta–Rp600 juta"


class ReadingLabelTests(TestCase):
    def test_a_figures_choice_labels_are_djangos_and_an_unknown_value_shows_as_itself(self):
        from django.db.models import Model

        from promises.models import Reading

        for field, enum in [("counts", Reading.Counts), ("said_by", Reading.SaidBy), ("qualifier", Reading.Qualifier)]:
            for value in [*enum.values, "tak-dikenal"]:
                reading = Reading(**{field: value})
                django_label = Model._get_FIELD_display(reading, Reading._meta.get_field(field))
                assert getattr(reading, f"get_{field}_display")() == django_label, (field, value)


def test_one_status_change_in_the_log_is_singular_in_english_and_the_download_of_all_of_them_plural():
    from django.utils import translation

    from promises.models.log import LogKind
    from promises.views.open_data import TABLES

    with translation.override("en"):
        assert str(LogKind.STATUS.label) == "Status change"
        assert "Status changes" in [str(table.title) for table in TABLES.values()]
    assert str(LogKind.STATUS.label) == "Perubahan status"


class LabelTests(SimpleTestCase):
    """get_FOO_display() (promises/models/labels.py) says what Django's own says, in the active language."""

    def test_every_label_of_every_labelled_model_is_djangos_own_in_both_languages(self):
        from django.apps import apps
        from django.db import models

        from promises.models.labels import Labelled

        checked = 0
        for model in apps.get_app_config("promises").get_models():
            if not issubclass(model, Labelled):
                continue
            for field in model._meta.concrete_fields:
                if not field.choices:
                    continue
                for value in [value for value, _label in field.flatchoices] + ["bukan-pilihan", ""]:
                    instance = model()
                    setattr(instance, field.attname, value)
                    for language in ("id", "en"):
                        with translation.override(language):
                            ours = getattr(instance, f"get_{field.name}_display")()
                            assert ours == models.Model._get_FIELD_display(instance, field), (model, field, value)
                            checked += 1
        assert checked > 100

    def test_a_label_is_translated_when_it_is_asked_for(self):
        change = Promise(status=Status.TIDAK_DITEPATI)
        with translation.override("id"):
            assert change.get_status_display() == "Tidak ditepati"
        with translation.override("en"):
            assert change.get_status_display() == "Broken"
