"""The Kupang data earns every count it shows: checked on the file itself and on the site it loads into."""

import copy
import json
import re
from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from promises.management.commands.load_kupang_data import DATA_FILE
from promises.models import Indicator, Promise, Reading, Source, StatusChange

from .helpers import make_editor, make_source, rate

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
# Research file codes (W06, H05, K16 …) and notes about our own process never belong in public text.
RESEARCH_CODE = re.compile(r"\b[A-Z]\d{2}\b")
PROCESS_NOTES = ["cuplikan arsip", "laporan riset", "tidak ditemukan di arsip", "kupang_sources", "berkas riset"]


def public_texts():
    """(where, text) for every text of the file that a reader sees (headlines are quoted exactly, so not here)."""
    yield "administration", DATA["administration"].get("note", "")
    for item in DATA["programmes"] + DATA["sectors"]:
        yield item.get("slug", item.get("number")), item.get("description", "")
    for item in DATA["sources"]:
        yield item["key"], item.get("reliability_note", "")
    for item in DATA["promises"]:
        for field in ("title", "description", "made_where", "success_criteria", "deadline_note", "status_reason"):
            yield f"{item['code']}.{field}", item.get(field) or ""
        for link in item.get("sources", []):
            yield f"{item['code']}←{link['source']}", link.get("note", "")
    for item in DATA["indicators"]:
        for field in ("name", "description", "note"):
            yield f"{item['slug']}.{field}", item.get(field) or ""
        for part in ("baseline", "target"):
            yield f"{item['slug']}.{part}", (item.get(part) or {}).get("note", "")
        for reading in item["readings"]:
            yield f"{item['slug']}/{reading['source']}", reading.get("note", "")
    for item in DATA["claims"]:
        for field in ("title", "where", "note", "said_by_name"):
            yield f"{item['key']}.{field}", item.get(field) or ""
        for claimed in item.get("items", []):
            yield f"{item['key']}→{claimed['promise']}", claimed.get("note", "")


def test_public_texts_carry_no_research_codes_or_process_notes():
    found = [
        (where, text)
        for where, text in public_texts()
        if RESEARCH_CODE.search(str(text)) or any(note in str(text).lower() for note in PROCESS_NOTES)
    ]
    assert found == []


def test_no_reading_is_dated_after_the_article_that_reports_it():
    published = {item["key"]: item["published"] for item in DATA["sources"] if item.get("published")}
    late = [
        (indicator["slug"], reading["source"], reading["as_of"])
        for indicator in DATA["indicators"]
        for reading in indicator["readings"]
        if reading["source"] in published and reading["as_of"] > published[reading["source"]]
    ]
    assert late == []


def test_every_reading_has_a_key_of_its_own():
    keys = [reading.get("key") for indicator in DATA["indicators"] for reading in indicator["readings"]]
    assert None not in keys
    assert len(keys) == len(set(keys))


def test_every_rated_promise_rests_on_sources_and_says_when():
    rated = [item for item in DATA["promises"] if item["status"] != "belum_dinilai"]
    assert rated
    assert [item["code"] for item in rated if not item.get("status_sources") or not item.get("status_reason")] == []


class LoadedDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_kupang_data", stdout=StringIO())

    def test_no_single_event_is_flagged_against_another_figure(self):
        pairs = [
            (indicator.slug, conflict.first.pk, conflict.second.pk)
            for indicator in Indicator.objects.with_readings()
            for conflict in indicator.conflicts()
            if "event" in (conflict.first.measure, conflict.second.measure) and conflict.mark is None
        ]
        assert pairs == []

    def test_the_initial_assessments_are_dated_by_their_evidence_not_the_load_date(self):
        initial = StatusChange.objects.filter(kind=StatusChange.Kind.INITIAL).prefetch_related("sources")
        assert initial.count() == Promise.objects.exclude(status="belum_dinilai").count()
        for change in initial:
            day = timezone.localtime(change.created_at).date()
            latest = max((source.published for source in change.sources.all() if source.published), default=day)
            assert latest <= day < timezone.localdate(), change.promise.code

    def test_every_rated_promise_shows_when_it_was_last_checked(self):
        assert not Promise.objects.exclude(status="belum_dinilai").filter(last_checked__isnull=True).exists()

    def test_low_reliability_is_said_only_of_sources_with_a_verdict(self):
        page = self.client.get("/sumber/?halaman=1").text
        flagged = Source.objects.exclude(reliability="").count()
        assert page.count("Keandalan rendah") <= flagged
        assert "tanggal terbit tidak terlihat" not in page.lower()


class LoaderCorrectionTests(TestCase):
    """A database loaded from an earlier version of the file gets the corrections, and keeps what editors did."""

    def load(self, data, tmp_name):
        path = self.tmp / tmp_name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = StringIO()
        call_command("load_kupang_data", file=str(path), stdout=out)
        return out.getvalue()

    def setUp(self):
        import tempfile
        from pathlib import Path

        self.tmp = Path(tempfile.mkdtemp())
        self.new = copy.deepcopy(DATA)
        self.old = copy.deepcopy(DATA)
        rated = [item for item in self.old["promises"] if item["status"] != "belum_dinilai"]
        self.corrected, self.edited = rated[0]["code"], rated[1]["code"]
        rated[0].update(status="ditepati", verification="dikonfirmasi_media", status_reason="Penilaian lama.")
        indicator = self.old["indicators"][0]
        reading = indicator["readings"][0]
        self.reading_key, self.right_date = reading["key"], reading["as_of"]
        reading.pop("key")
        reading["as_of"] = "2025-03-01"  # the old file's wrong date
        self.new["indicators"][0]["readings"][0]["was"] = {"as_of": "2025-03-01"}
        self.indicator = indicator["slug"]

    def test_corrections_reach_an_old_database_and_editors_changes_stay(self):
        self.load(self.old, "lama.json")
        old_reading = Reading.objects.get(indicator__slug=self.indicator, as_of="2025-03-01")
        edited = Promise.objects.get(code=self.edited)
        rate(edited, "tersendat", editor=make_editor(), reason="Editor: pekerjaan terhenti.")
        editors_reading = Reading.objects.create(
            indicator=old_reading.indicator,
            value=7,
            unit=old_reading.unit,
            as_of="2025-03-01",
            counts=old_reading.counts,
            said_by="media",
            source=make_source(),
            created_by=make_editor("penyunting-2"),
        )

        self.load(self.new, "baru.json")

        old_reading.refresh_from_db()
        assert (old_reading.key, old_reading.as_of.isoformat()) == (self.reading_key, self.right_date)  # in place
        editors_reading.refresh_from_db()
        assert editors_reading.as_of.isoformat() == "2025-03-01" and editors_reading.key == ""
        corrected = Promise.objects.get(code=self.corrected)
        item = next(item for item in self.new["promises"] if item["code"] == self.corrected)
        assert corrected.status == item["status"]
        kinds = list(corrected.changes.order_by("created_at", "pk").values_list("kind", "reason"))
        assert kinds == [("penilaian_awal", "Penilaian lama."), ("koreksi", item["status_reason"])]
        edited.refresh_from_db()
        assert edited.status == "tersendat"
        assert edited.changes.first().reason == "Editor: pekerjaan terhenti."
        assert "(0 baris berubah)" in self.load(self.new, "baru.json")


def test_outlet_names_carry_no_research_annotations():
    annotations = re.compile(r"\b(official|opinion|Adv|apparent|mirror|copy|research)\b")
    assert [item["outlet"] for item in DATA["sources"] if annotations.search(item["outlet"])] == []


class DeadlineTests(TestCase):
    def test_a_deadline_that_has_passed_without_a_verdict_says_so_from_the_next_day_in_kupang(self):
        import time_machine

        from .helpers import make_promise

        promise = make_promise(deadline=date(2025, 12, 31), deadline_note="paling lambat Desember 2025")
        # 31 December 2025, 23:30 WITA: still the deadline day in Kupang
        with time_machine.travel(timezone.make_aware(timezone.datetime(2025, 12, 31, 23, 30)), tick=False):
            assert not promise.deadline_passed
            assert "sudah lewat" not in self.client.get(promise.get_absolute_url()).text
        with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 1, 1, 0, 30)), tick=False):
            assert promise.deadline_passed
            assert "sudah lewat" in self.client.get(promise.get_absolute_url()).text
