import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from promises import services
from promises.models import Promise, StatusChange

from .helpers import make_promise, make_source, rate


class StatusChangeServiceTests(TestCase):
    def test_it_sets_the_status_and_appends_one_history_row(self):
        promise = make_promise()
        source = make_source()
        change = rate(promise, Promise.Status.DALAM_PROSES, sources=[source])
        promise.refresh_from_db()
        assert promise.status == Promise.Status.DALAM_PROSES
        assert promise.verification == Promise.Verification.DIKONFIRMASI_MEDIA
        assert promise.version == 2
        assert promise.last_checked is not None
        assert change.from_status == Promise.Status.BELUM_DINILAI
        assert list(change.sources.all()) == [source]

    def test_a_stale_version_is_refused_and_changes_nothing(self):
        promise = make_promise()
        rate(promise)
        with pytest.raises(services.Stale):
            rate(promise, Promise.Status.DITEPATI, expected_version=1)
        promise.refresh_from_db()
        assert promise.status == Promise.Status.DALAM_PROSES
        assert promise.version == 2
        assert StatusChange.objects.count() == 1

    def test_a_missing_reason_is_refused_and_changes_nothing(self):
        promise = make_promise()
        with pytest.raises(ValidationError) as error:
            rate(promise, reason="   ")
        assert "reason" in error.value.message_dict
        promise.refresh_from_db()
        assert (promise.status, promise.version, StatusChange.objects.count()) == ("belum_dinilai", 1, 0)

    def test_a_missing_source_is_refused_for_a_rated_status(self):
        promise = make_promise()
        with pytest.raises(ValidationError) as error:
            rate(promise, Promise.Status.DITEPATI, sources=[])
        assert "sources" in error.value.message_dict
        promise.refresh_from_db()
        assert (promise.status, promise.version, StatusChange.objects.count()) == ("belum_dinilai", 1, 0)

    def test_going_back_to_not_yet_rated_needs_a_reason_but_no_source(self):
        promise = make_promise()
        rate(promise)
        rate(promise, Promise.Status.BELUM_DINILAI, expected_version=2, sources=[], verification="")
        promise.refresh_from_db()
        assert promise.status == Promise.Status.BELUM_DINILAI
        assert promise.verification == ""
        assert StatusChange.objects.count() == 2

    def test_a_rated_status_needs_a_verification_level(self):
        with pytest.raises(ValidationError) as error:
            rate(make_promise(), verification="")
        assert "verification" in error.value.message_dict
