"""Random form data thrown at every endpoint the desk added never gives a 500, and changes nothing unless the
endpoint answers that it saved (all of them redirect after a plain POST that saved, and only then)."""

from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from promises.models import Promise, PromiseSource, StatusProposal

from .helpers import make_editor, make_indicator, make_promise, make_reading, make_source, snapshot
from .test_editor_fuzz import dates, numbers, text

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
choice = st.one_of(st.sampled_from(["", "0", "1", "99999", "-1"]), text)


class NewEndpointFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.promise = make_promise()
        cls.source = make_source()
        PromiseSource.objects.create(promise=cls.promise, source=cls.source)
        cls.indicator = make_indicator(promise=cls.promise)
        cls.reading = make_reading(cls.indicator)
        cls.editor = make_editor()
        cls.proposer = make_editor("pengusul")

    def assert_safe(self, url, data):
        self.client.force_login(self.editor)
        before = snapshot()
        response = self.client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert snapshot() != before, "answered that it saved, but nothing changed"
        else:
            assert snapshot() == before, "not saved, but something changed"

    @FUZZ
    @given(
        url=st.one_of(text, st.from_regex(r"https?://[a-z]{1,8}\.example/[a-z]{0,8}", fullmatch=True)),
        outlet=text,
        kind=st.one_of(st.sampled_from(["media", "lsm", "lainnya", ""]), text),
        published=dates,
        date_unknown=st.sampled_from(["", "on"]),
        reliability=st.one_of(st.sampled_from(["biasa", "partisan", ""]), text),
        counts=st.dictionaries(st.sampled_from(["n-janji", "n-angka", "n-status"]), choice, max_size=3),
        link_promise=choice,
        note=text,
        value=numbers,
        as_of=dates,
        status=st.one_of(st.sampled_from(Promise.Status.values), text),
        reason=text,
        loaded=st.one_of(st.just("NOW"), text),
        button=st.sampled_from(["simpan", "tambah", "hapus", "pilih", "periksa"]),
        ticked=st.lists(st.one_of(choice, text), max_size=3),
    )
    @example(  # a valid save, so the check that something changed on "saved" is exercised every run
        url="https://valid.example/a",
        outlet="Media",
        kind="media",
        published="2025-08-14",
        date_unknown="",
        reliability="biasa",
        counts={},
        link_promise="1",
        note="Tentang janji ini.",
        value="12",
        as_of="2025-08-14",
        status="dalam_proses",
        reason="Ada langkah resmi.",
        loaded="NOW",
        button="simpan",
        ticked=[],
    )
    def test_the_desk(self, **values):
        data = {
            "url": values["url"],
            "outlet": values["outlet"],
            "headline": "Judul",
            "kind": values["kind"],
            "published": values["published"],
            "date_unknown": values["date_unknown"],
            "reliability": values["reliability"],
            # a load time after every write (staleness has its own tests in test_desk.py)
            "dimuat": "2100-01-01T00:00:00+00:00" if values["loaded"] == "NOW" else values["loaded"],
            "n-janji": "1",
            "n-angka": "1",
            "n-status": "1",
            **values["counts"],
            "janji-0-promise": values["link_promise"] if values["link_promise"] != "1" else str(self.promise.pk),
            "janji-0-note": values["note"],
            "angka-0-indicator": str(self.indicator.pk),
            "angka-0-value": values["value"],
            "angka-0-unit": "unit",
            "angka-0-as_of": values["as_of"],
            "angka-0-counts": "delivered",
            "angka-0-said_by": "media",
            "status-0-promise": str(self.promise.pk),
            "status-0-status": values["status"],
            "status-0-verification": "dikonfirmasi_media",
            "status-0-reason": values["reason"],
            "text": values["note"],
            values["button"]: values["link_promise"],
            "saran-angka": values["ticked"],
            "saran-janji": values["ticked"],
        }
        self.assert_safe(reverse("promises:desk"), data)

    @FUZZ
    @given(
        version=st.one_of(st.just("1"), choice),
        reading=st.one_of(st.just("R"), choice),
        action=st.one_of(st.sampled_from(["koreksi", "tarik"]), text),
        reason=text,
        value=numbers,
        as_of=dates,
        qualifier=st.one_of(st.sampled_from(["-", "", "sekitar"]), text),
    )
    def test_correcting_or_withdrawing_a_figure(self, **data):
        if data["reading"] == "R":
            data["reading"] = str(self.reading.pk)
        self.assert_safe(reverse("promises:indicator_fix", args=[self.indicator.slug]), data)

    @FUZZ
    @given(decision=st.one_of(st.sampled_from(["setujui", "tolak"]), text), note=text, version=choice)
    def test_deciding_a_proposed_verdict(self, decision, note, version):
        proposal = StatusProposal.objects.create(
            promise=self.promise, status="ditepati", verification="diverifikasi", reason="x", proposed_by=self.proposer
        )
        prefix = f"usulan-{proposal.pk}-"
        data = {prefix + "decision": decision, prefix + "note": note, prefix + "version": version}
        self.assert_safe(reverse("promises:proposal_decide", args=[proposal.pk]), data)

    @FUZZ
    @given(
        title=text,
        origin=st.one_of(st.sampled_from(["kampanye", "jabatan"]), text),
        sector=choice,
        new_url=st.one_of(text, st.from_regex(r"https://[a-z]{1,8}\.example/[a-z]{0,8}", fullmatch=True)),
        success_criteria=text,
        made_on=dates,
        deadline=dates,
    )
    def test_recording_a_new_promise(self, **data):
        if data["sector"] == "1":
            data["sector"] = str(self.promise.sector_id)
        data |= {"new_outlet": "Media", "new_headline": "Judul", "new_kind": "media", "new_date_unknown": "on"}
        self.assert_safe(reverse("promises:promise_new"), data)

    @FUZZ
    @given(
        name=text,
        unit=text,
        target_value=numbers,
        target_source=st.one_of(st.just("S"), choice),
        baseline_value=numbers,
        baseline_as_of=dates,
    )
    def test_recording_a_new_indicator(self, **data):
        if data["target_source"] == "S":
            data["target_source"] = str(self.source.pk)
        self.assert_safe(reverse("promises:indicator_new", args=[self.promise.pk]), data)
