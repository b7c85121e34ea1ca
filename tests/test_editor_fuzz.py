"""Random form data thrown at every write endpoint never gives a 500 and never changes anything when invalid.

An answer counts as "saved" only when the endpoint says so: a redirect, or the htmx fragment's
`<p class="saved">` notice (which, for an already-known source URL, says that nothing new was made). Every
other answer (field errors, a stale version, a known URL) must leave every tracker table as it was.
"""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from promises.models import Promise, PromiseSource, Reading

from .helpers import make_editor, make_indicator, make_promise, make_reading, make_source, snapshot

text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "javascript:alert(1)", "x" * 3000, "-1", "1e309", "NaN"]),
)
dates = st.one_of(st.dates().map(str), text)
numbers = st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str), text)


NEW_SOURCE = {"new_outlet": "A", "new_headline": "B", "new_kind": "media"}
KNOWN_SOURCE = "Sumber dengan URL ini sudah ada"


def saved(response) -> bool:
    """Whether the endpoint answered that it saved something."""
    if response.status_code == 302:
        return True
    return 'class="saved"' in response.text and KNOWN_SOURCE not in response.text


class WriteEndpointFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.promise = make_promise()
        PromiseSource.objects.create(promise=cls.promise, source=make_source())
        cls.indicator = make_indicator(promise=cls.promise)
        make_reading(cls.indicator)
        cls.editor = make_editor()

    def assert_safe(self, url, data):
        self.client.force_login(self.editor)
        before = snapshot()
        response = self.client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code in (200, 302), response.status_code
        if saved(response):
            assert snapshot() != before, "answered that it saved, but nothing changed"
        else:
            assert snapshot() == before, "not saved, but something changed"

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        status=st.one_of(st.sampled_from(Promise.Status.values), text),
        verification=st.one_of(st.sampled_from(["", *Promise.Verification.values]), text),
        reason=text,
        version=st.one_of(st.integers().map(str), text),
        new_url=st.one_of(st.just(""), text, st.from_regex(r"https?://[a-z]{1,8}\.example/[a-z]{0,8}", fullmatch=True)),
        new_published=dates,
    )
    def test_the_status_form_never_fails_on_random_input(self, **data):
        self.assert_safe(reverse("promises:promise_status", args=[self.promise.pk]), data | NEW_SOURCE)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        value=numbers,
        value_max=st.one_of(st.just(""), numbers),
        as_of=dates,
        counts=st.one_of(st.sampled_from(Reading.Counts.values), text),
        said_by=st.one_of(st.sampled_from(Reading.SaidBy.values), text),
        unit=text,
        version=st.one_of(st.integers().map(str), text),
        note=text,
    )
    def test_the_reading_form_never_fails_on_random_input(self, **data):
        source = self.indicator.readings.first().source_id
        self.assert_safe(reverse("promises:indicator_reading", args=[self.indicator.slug]), data | {"source": source})

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(url=text, outlet=text, headline=text, published=dates, published_note=text, kind=text)
    def test_the_source_form_never_fails_on_random_input(self, **data):
        self.assert_safe(reverse("promises:source_add"), data)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        title=text,
        description=text,
        success_criteria=text,
        deadline=dates,
        deadline_note=text,
        opd=text,
        version=st.one_of(st.integers().map(str), text),
    )
    def test_the_promise_text_form_never_fails_on_random_input(self, **data):
        self.assert_safe(reverse("promises:promise_text", args=[self.promise.pk]), data)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        first=st.one_of(st.integers().map(str), text),
        second=st.one_of(st.integers().map(str), text),
        conflicting=st.one_of(st.sampled_from(["ya", "tidak"]), text),
        reason=text,
        version=st.one_of(st.integers().map(str), text),
    )
    def test_the_conflict_mark_form_never_fails_on_random_input(self, **data):
        self.assert_safe(reverse("promises:indicator_conflict", args=[self.indicator.slug]), data)
