"""Pages and queries that stay bounded however much one promise or indicator accumulates (issue 16)."""

from django.test import TestCase

from promises.forms import ReadingForm
from promises.models import PromiseSource

from .helpers import make_indicator, make_promise, make_reading, make_source


class EditorQueryTests(TestCase):
    def test_the_reading_forms_sources_are_two_indexed_subqueries_not_a_join_over_all_sources(self):
        promise = make_promise()
        indicator = make_indicator(promise=promise)
        linked, of_a_figure, elsewhere = make_source(), make_source(), make_source()
        PromiseSource.objects.create(promise=promise, source=linked)
        make_reading(indicator, source=of_a_figure)
        make_reading(make_indicator(), source=elsewhere)
        queryset = ReadingForm(indicator=indicator).fields["source"].queryset
        assert set(queryset) == {linked, of_a_figure}
        sql = str(queryset.query).upper()
        assert sql.count("IN (SELECT") == 2 and "DISTINCT" not in sql and "JOIN" not in sql, sql
