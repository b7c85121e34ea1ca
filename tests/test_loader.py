"""The shipped Kupang data: what it holds, that it loads twice without change, and that it is sourced."""

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from promises.management.commands.load_kupang_data import DATA_FILE
from promises.models import Administration, Claim, ClaimItem, Indicator, Programme, Promise, Reading, Source

from .helpers import make_editor, rate, snapshot

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


class LoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_kupang_data", stdout=StringIO())

    def test_it_loads_the_administration_with_72_declared_promises(self):
        administration = Administration.objects.get()
        assert administration.declared_promises == 72
        assert administration.is_default

    def test_it_loads_the_five_campaign_programmes(self):
        assert Programme.objects.count() == 5

    def test_it_loads_18_campaign_promises_and_33_pledges_in_office(self):
        assert Promise.objects.filter(origin="kampanye").count() == 18
        assert Promise.objects.filter(origin="jabatan").count() == 33

    def test_every_source_in_the_file_is_loaded_once(self):
        assert Source.objects.count() == len(DATA["sources"]) == 177  # 173 from the research file + 4 the audit added

    def test_running_it_twice_changes_nothing(self):
        before = snapshot()
        out = StringIO()
        call_command("load_kupang_data", stdout=out)
        assert snapshot() == before
        assert "(0 baris berubah)" in out.getvalue()

    def test_it_does_not_overwrite_a_status_an_editor_set(self):
        promise = Promise.objects.filter(status="belum_dinilai").first()
        rate(promise, "tersendat", editor=make_editor())
        call_command("load_kupang_data", stdout=StringIO())
        promise.refresh_from_db()
        assert promise.status == "tersendat"

    def test_every_rated_status_has_a_reason_and_a_source(self):
        for promise in Promise.objects.exclude(status="belum_dinilai"):
            change = promise.changes.get()
            assert change.reason.strip(), promise.code
            assert change.sources.exists(), promise.code
            assert promise.verification, promise.code

    def test_every_promise_is_documented_by_a_source(self):
        for promise in Promise.objects.all():
            assert promise.source_links.exists(), promise.code

    def test_every_reading_has_a_source_and_a_date_not_in_the_future(self):
        from django.utils import timezone

        assert Reading.objects.count() > 40
        assert not Reading.objects.filter(source__isnull=True).exists()
        assert not Reading.objects.filter(as_of__gt=timezone.localdate()).exists()

    def test_the_required_indicators_are_present(self):
        names = " ".join(Indicator.objects.values_list("name", flat=True)).lower()
        for word in [
            "tempat sampah",
            "kontainer",
            "gps",
            "insentif",
            "saboak",
            "nib",
            "dana pengaman",
            "uhc",
            "beras",
            "liang",
            "cool box",
            "ina kasih",
            "pppk",
            "eselon",
        ]:
            assert word in names, word

    def test_the_conflicting_bin_figures_of_august_2025_are_all_there(self):
        bins = Indicator.objects.with_readings().get(slug="tempat-sampah-rt")
        august = {int(r.value) for r in bins.ledger() if r.as_of.year == 2025 and r.as_of.month == 8}
        assert {900, 921, 1300, 1347} <= august
        assert bins.conflicts(), "the bins ledger must show sources disagreeing"

    def test_the_government_claims_are_loaded_and_linked_to_promises(self):
        claim = Claim.objects.get(kept=22)
        assert claim.total == 72
        assert claim.date.isoformat() == "2025-08-14"
        assert claim.source.key == "H01"
        assert claim.items.count() >= 10
        assert Claim.objects.filter(percent=20).exists()

    def test_a_claim_never_sets_the_trackers_status(self):
        for item in ClaimItem.objects.select_related("promise"):
            assert (
                item.promise.status != "ditepati" or item.promise.changes.get().sources.exclude(key="H01").exists()
            ), item.promise.code
