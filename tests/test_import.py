"""Loading the official list of promises: command, admin upload, matching, errors, idempotency, round trip."""

import csv
import io
from contextlib import redirect_stderr
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.core import signing
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse

from promises import admin_import, importing
from promises.models import Promise, PromiseSource, Source, StatusChange

from .helpers import (
    make_administration,
    make_indicator,
    make_promise,
    make_reading,
    make_sector,
    make_source,
    make_user,
    rate,
    snapshot,
    streamed,
)

HEADER = ["number", "title", "sector", "description", "source_url", "opd", "deadline"]
LIST_URL = "https://kupangkota.go.id/daftar-72-janji"
HYPERLINK = '=HYPERLINK("http://evil.example","klik")'


def csv_text(*rows, header=HEADER, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


class ImportTestCase(TestCase):
    def setUp(self):
        self.administration = make_administration(declared_promises=72)
        self.sampah = make_sector(slug="sampah", name="Sampah")
        self.kesehatan = make_sector(slug="kesehatan", name="Kesehatan")

    def plan(self, text: str, links=None) -> importing.Plan:
        return importing.plan(text, self.administration, links)

    def apply(self, text: str, links=None) -> importing.Plan:
        return importing.apply(text, self.administration, links)


class ReadingTheFileTests(ImportTestCase):
    def test_a_new_list_creates_promises_with_official_codes_and_no_status(self):
        self.apply(
            csv_text(
                ["1", "Tempat sampah untuk setiap RT", "sampah", "Satu tempat sampah per RT.", LIST_URL, "DLHK", ""],
                ["2", "Dana Pengaman", "Kesehatan", "", LIST_URL, "", "2025-05-31"],
            )
        )
        first, second = Promise.objects.order_by("number")
        assert (first.code, first.number, first.sector, first.opd) == ("RESMI-1", 1, self.sampah, "DLHK")
        assert (second.code, second.sector, second.deadline) == ("RESMI-2", self.kesehatan, date(2025, 5, 31))
        assert {first.status, second.status} == {Promise.Status.BELUM_DINILAI}
        assert first.origin == Promise.Origin.KAMPANYE
        assert not StatusChange.objects.exists()
        source = Source.objects.get()
        assert source.url == LIST_URL and source.headline_is_label
        assert first.made_source == source and list(first.sources.all()) == [source]

    def test_a_file_with_bad_rows_reports_every_error_with_its_line(self):
        text = csv_text(
            ["1", "Janji baik", "sampah", "Uraian.", "", "", ""],
            ["2", "Janji bidang salah", "pariwisata", "", "", "", ""],
            ["1", "Nomor ganda", "sampah", "", "", "", ""],
            ["3", "", "sampah", "", "", "", ""],
            ["4", "URL salah", "sampah", "", "ftp://contoh", "", ""],
            ["lima", "Nomor bukan angka", "sampah", "", "", "", "31-12-2025"],
            ["99", "Di luar daftar", "sampah", "", "", "", ""],
        )
        with self.assertRaises(importing.ImportFailed) as failed:
            self.apply(text)
        errors = [(error.line, error.message) for error in failed.exception.errors]
        assert [line for line, _ in errors] == [3, 4, 5, 6, 7, 7, 8]
        assert "pariwisata" in errors[0][1] and "kesehatan, sampah" in errors[0][1]
        assert "ganda" in errors[1][1] and "baris 2" in errors[1][1]
        assert "judul kosong" in errors[2][1]
        assert "URL sumber" in errors[3][1]
        assert "lima" in errors[4][1] and "31-12-2025" in errors[5][1]
        assert "1–72" in errors[6][1]
        assert str(failed.exception.errors[0]).startswith("Baris 3: ")
        assert not Promise.objects.exists()  # the good row was not written either

    def test_a_missing_required_column_is_reported_on_the_header_line(self):
        plan = self.plan(csv_text(["1", "Judul", "sampah"], header=["number", "title", "sector"]))
        assert [(e.line, "description" in e.message) for e in plan.errors] == [(1, True)]

    def test_line_numbers_count_comment_lines_and_multi_line_cells(self):
        text = "# daftar resmi\n" + csv_text(
            ["1", "Janji satu", "sampah", "baris pertama\nbaris kedua", "", "", ""],
            ["2", "Janji dua", "tidak-ada", "", "", "", ""],
        )
        assert [error.line for error in self.plan(text).errors] == [5]

    def test_indonesian_headers_semicolons_and_a_spreadsheet_bom_are_understood(self):
        text = csv_text(
            ["7", "Pojok Aduan di kelurahan", "Sampah", "Uraian; dengan titik koma."],
            header=["Nomor", "Judul", "Bidang", "Uraian"],
            delimiter=";",
        )
        plan = self.plan(importing.decode("\ufeff".encode() + text.encode()))
        assert plan.is_valid, plan.errors
        assert [(s.action, s.row.number, s.row.description) for s in plan.steps] == [
            ("create", 7, "Uraian; dengan titik koma.")
        ]


class SpreadsheetEscapeTests(ImportTestCase):
    def test_cells_escaped_for_spreadsheets_are_read_back_to_their_value(self):
        self.apply(
            csv_text(
                ["1", "'" + HYPERLINK, "sampah", "'\tUraian bertab", "", "'@DLHK", ""],
                ["2", "'-1+2", "sampah", "'\rUraian di belakang CR", "", "'+1", ""],
                ["3", "''Kutip di awal", "sampah", "'Kutip yang bukan tanda escape", "", "", ""],
            )
        )
        assert list(Promise.objects.order_by("number").values_list("title", "description", "opd")) == [
            (HYPERLINK, "\tUraian bertab", "@DLHK"),
            ("-1+2", "\rUraian di belakang CR", "+1"),
            ("'Kutip di awal", "'Kutip yang bukan tanda escape", ""),
        ]


class MatchingTests(ImportTestCase):
    def documented(self, **overrides) -> Promise:
        """A documented promise with sources, a reading and history, as the tracker holds them today."""
        promise = make_promise(administration=self.administration, sector=self.sampah, **overrides)
        promise.source_links.create(source=make_source(), note="sumber terdokumentasi")
        make_reading(make_indicator(promise=promise))
        rate(promise)
        promise.refresh_from_db()
        return promise

    def test_a_row_with_the_same_title_is_linked_and_keeps_what_is_documented(self):
        promise = self.documented(code="CP-4", title="Tempat Sampah untuk Setiap RT", opd="")
        before = (promise.status, promise.version, list(promise.changes.all()), promise.indicators.count())
        plan = self.apply(
            csv_text(["12", "tempat sampah untuk setiap rt", "kesehatan", "Teks resmi.", LIST_URL, "DLHK", ""])
        )
        assert [step.action for step in plan.steps] == ["link"]
        promise.refresh_from_db()
        assert Promise.objects.count() == 1
        assert (promise.code, promise.number, promise.title) == ("CP-4", 12, "Tempat Sampah untuk Setiap RT")
        assert promise.sector == self.sampah  # the documented sector stays; the difference is shown
        assert ("sector", "kesehatan") in plan.steps[0].kept
        assert promise.opd == "DLHK"  # an empty field is filled
        assert promise.description == "Uraian janji uji."  # a written one stays
        assert (promise.status, promise.version, list(promise.changes.all()), promise.indicators.count()) == before
        assert promise.source_links.count() == 2  # the documented source and the official list

    def test_a_row_with_a_documented_number_is_the_same_promise(self):
        promise = self.documented(code="PG-10", number=5, title="Judul kami")
        plan = self.apply(csv_text(["5", "Judul resmi yang lain", "sampah", "", "", "", ""]))
        assert [(step.action, step.promise) for step in plan.steps] == [("unchanged", promise)]
        assert Promise.objects.count() == 1

    def test_a_similar_title_is_only_a_likely_match_until_the_admin_confirms_it(self):
        promise = self.documented(code="CP-1", title="Dana Pengaman untuk pasien miskin")
        text = csv_text(["3", "Dana pengaman bagi pasien miskin", "kesehatan", "", "", "", ""])
        step = self.plan(text).steps[0]
        assert (step.action, step.likely, step.likely_score >= 60) == ("create", promise, True)

        self.apply(text, links={3: "CP-1"})
        promise.refresh_from_db()
        assert promise.number == 3
        assert Promise.objects.count() == 1

    def test_an_unrelated_title_is_not_a_likely_match(self):
        self.documented(title="Dana Pengaman untuk pasien miskin")
        step = self.plan(csv_text(["3", "Festival budaya tahunan", "sampah", "", "", "", ""])).steps[0]
        assert (step.action, step.likely) == ("create", None)

    def test_confirming_a_promise_that_already_has_a_number_is_an_error(self):
        self.documented(code="CP-1", number=9)
        plan = self.plan(csv_text(["3", "Janji baru", "sampah", "", "", "", ""]), links={3: "CP-1"})
        assert [error.line for error in plan.errors] == [2]

    def test_importing_the_same_file_twice_changes_nothing(self):
        self.documented(code="CP-4", title="Tempat sampah untuk setiap RT")
        text = csv_text(
            ["1", "Tempat sampah untuk setiap RT", "sampah", "", LIST_URL, "DLHK", ""],
            ["2", "Dana Pengaman", "kesehatan", "Uraian.", LIST_URL, "", "2025-05-31"],
        )
        self.apply(text)
        before = snapshot()
        plan = self.apply(text)
        assert [step.action for step in plan.steps] == ["unchanged", "unchanged"]
        assert snapshot() == before

    def test_the_dashboard_count_follows_what_is_loaded(self):
        self.documented(code="CP-4", title="Tempat sampah untuk setiap RT")
        assert "1 dari 72 janji sudah terdokumentasi" in self.client.get(reverse("promises:home")).text
        self.apply(
            csv_text(
                ["1", "Tempat sampah untuk setiap RT", "sampah", "", "", "", ""],
                ["2", "Dana Pengaman", "kesehatan", "", "", "", ""],
                ["3", "Pojok Aduan", "kesehatan", "", "", "", ""],
            )
        )
        assert "3 dari 72 janji sudah terdokumentasi" in self.client.get(reverse("promises:home")).text


class RoundTripTests(ImportTestCase):
    def export(self) -> str:
        return "".join(streamed(self.client.get(reverse("promises:download", args=["promises", "csv"]))))

    def test_export_then_import_into_an_empty_database_then_export_gives_the_same_file(self):
        self.apply(
            csv_text(
                [
                    "1",
                    "Tempat sampah untuk setiap RT",
                    "sampah",
                    'Uraian "kutip", koma\ndua baris.',
                    LIST_URL,
                    "DLHK",
                    "",
                ],
                ["2", "Dana Pengaman — pasien ÉLIT", "Kesehatan", "", "", "", "2025-05-31"],
                ["10", "Pojok Aduan", "kesehatan", "", LIST_URL, "", ""],
                # formulas as an admin's file may hold them, and a tab, a CR and an apostrophe kept by escaping
                ["11", HYPERLINK, "sampah", "+1", "", "@SUM(1)", ""],
                ["12", "-1+2", "sampah", "'\tUraian bertab", "", "'\rDLHK", ""],
                ["13", "'\rJudul di belakang CR", "sampah", "''Kutip", "", "", ""],
            )
        )
        first = self.export()
        assert first.count("RESMI-") == 6
        body = first.split("\r\n", 3)[3]  # after the three comment lines
        cells = {row["number"]: row for row in csv.DictReader(io.StringIO(body, newline=""))}
        assert [(cells[n]["title"], cells[n]["description"], cells[n]["opd"]) for n in ("11", "12", "13")] == [
            ("'" + HYPERLINK, "'+1", "'@SUM(1)"),
            ("'-1+2", "'\tUraian bertab", "'\rDLHK"),
            ("'\rJudul di belakang CR", "''Kutip", ""),
        ]

        PromiseSource.objects.all().delete()
        Promise.objects.all().delete()
        Source.objects.all().delete()
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "promises.csv"
            path.write_bytes(first.encode())
            call_command("import_promises", str(path), verbosity=0)
        second = self.export()

        def without_generated_at(text: str) -> list[str]:
            return [line for line in text.split("\r\n") if not line.startswith("# generated_at: ")]

        assert without_generated_at(second) == without_generated_at(first)
        assert len(without_generated_at(first)) == len(first.split("\r\n")) - 1


class CommandTests(ImportTestCase):
    def run_command(self, text: str, *args) -> str:
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "daftar.csv"
            path.write_text(text, encoding="utf-8")
            out = io.StringIO()
            call_command("import_promises", str(path), *args, stdout=out, stderr=io.StringIO())
            return out.getvalue()

    def test_dry_run_prints_the_plan_and_writes_nothing(self):
        make_promise(administration=self.administration, code="CP-1", title="Dana Pengaman untuk pasien miskin")
        output = self.run_command(
            csv_text(
                ["1", "Tempat sampah untuk setiap RT", "sampah", "", "", "", ""],
                ["2", "Dana pengaman bagi pasien miskin", "kesehatan", "", "", "", ""],
            ),
            "--dry-run",
        )
        assert "baris 2: buat janji baru RESMI-1" in output
        assert "--link CP-1=2" in output
        assert "--dry-run" in output
        assert Promise.objects.count() == 1

    def test_link_confirms_a_likely_match(self):
        promise = make_promise(administration=self.administration, code="CP-1", title="Dana Pengaman untuk pasien")
        self.run_command(csv_text(["2", "Dana pengaman bagi pasien", "kesehatan", "", "", "", ""]), "--link", "CP-1=2")
        promise.refresh_from_db()
        assert promise.number == 2
        assert Promise.objects.count() == 1

    def test_errors_stop_the_command_and_list_every_line(self):
        err = io.StringIO()
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "daftar.csv"
            path.write_text(csv_text(["1", "", "sampah", "", "", "", ""], ["2", "Judul", "x", "", "", "", ""]))
            with self.assertRaises(CommandError) as failed:
                call_command("import_promises", str(path), stdout=io.StringIO(), stderr=err)
        assert "2 kesalahan" in str(failed.exception)
        assert "Baris 2: judul kosong." in err.getvalue()
        assert "Baris 3: bidang “x” tidak dikenal" in err.getvalue()
        assert not Promise.objects.exists()


class AdminImportTests(ImportTestCase):
    url = reverse("admin:promises_promise_import")

    def setUp(self):
        super().setUp()
        self.admin = make_user("pengelola", superuser=True)
        self.client.force_login(self.admin)

    def upload(self, text: str):
        upload = io.BytesIO(text.encode())
        upload.name = "daftar.csv"
        return self.client.post(self.url, {"administration": self.administration.pk, "file": upload})

    def test_upload_shows_a_preview_then_confirm_imports(self):
        documented = make_promise(administration=self.administration, code="CP-1", title="Dana Pengaman untuk pasien")
        assert 'type="file"' in self.client.get(self.url).text
        response = self.upload(
            csv_text(
                ["1", "Tempat sampah untuk setiap RT", "sampah", "", "", "", ""],
                ["2", "Dana pengaman bagi pasien", "kesehatan", "", "", "", ""],
            )
        )
        assert response.status_code == 200
        assert "Tempat sampah untuk setiap RT" in response.text
        assert 'name="link-2" value="CP-1"' in response.text  # the likely match, to confirm
        assert not Promise.objects.filter(number__isnull=False).exists()  # a preview writes nothing

        payload = response.context["payload"]
        response = self.client.post(self.url, {"payload": payload, "link-2": "CP-1"})
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:promises_promise_changelist")
        documented.refresh_from_db()
        assert documented.number == 2
        assert list(Promise.objects.order_by("number").values_list("code", flat=True)) == ["RESMI-1", "CP-1"]

    def test_a_file_with_errors_shows_every_error_and_no_confirm_button(self):
        response = self.upload(csv_text(["1", "", "sampah", "", "", "", ""], ["1", "Judul", "x", "", "", "", ""]))
        assert response.status_code == 200
        assert "judul kosong" in response.text and "tidak dikenal" in response.text and "ganda" in response.text
        assert 'name="payload"' not in response.text

    def test_a_tampered_payload_is_refused(self):
        response = self.upload(csv_text(["1", "Judul", "sampah", "", "", "", ""]))
        payload = response.context["payload"]
        response = self.client.post(self.url, {"payload": payload[:-2] + "xx"})
        assert response.status_code == 302
        assert not Promise.objects.exists()

    def test_the_promise_list_in_the_admin_offers_the_import(self):
        response = self.client.get(reverse("admin:promises_promise_changelist"))
        assert f'href="{self.url}"' in response.text
        assert "Impor daftar resmi" in response.text

    def test_staff_without_permission_is_forbidden_and_anonymous_is_sent_to_log_in(self):
        self.client.force_login(make_user("staf", staff=True))
        assert self.client.get(self.url).status_code == 403
        self.client.logout()
        response = self.client.get(self.url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_a_post_without_a_csrf_token_is_refused(self):
        self.client.handler.enforce_csrf_checks = True
        response = self.upload(csv_text(["1", "Judul", "sampah", "", "", "", ""]))
        assert response.status_code == 403
        assert not Promise.objects.exists()


def raw_csv(*lines: str, end: str = "\n") -> str:
    """A file written by hand, for what csv.writer would not write (a NUL byte, CR-only line ends)."""
    return end.join([",".join(HEADER), *lines]) + end


# Each malformed input: the file, then the line and the message the admin's preview and the command show.
MALFORMED = {
    "a NUL byte in a cell": (
        raw_csv("68,Janji\x00NUL,sampah,,,,"),
        2,
        "karakter NUL (0x00) di kolom title; hapus karakter itu.",
    ),
    "a superscript digit as the number": (
        raw_csv("²,Janji,sampah,,,,"),
        2,
        "nomor “²” harus ditulis dengan angka 0–9.",
    ),
    "Arabic-Indic digits as the number": (
        raw_csv("٦٩,Janji,sampah,,,,"),
        2,
        "nomor “٦٩” harus ditulis dengan angka 0–9.",
    ),
    "a number of 5,000 digits": (raw_csv("9" * 5000 + ",Janji,sampah,,,,"), 2, "bukan bilangan bulat positif."),
    "a cell longer than the CSV reader's limit": (
        raw_csv("1,Janji pertama,sampah,,,,", "2,Janji kedua,sampah," + "x" * 131_073 + ",,,"),
        3,
        "sebuah sel lebih dari 131.072 karakter, batas pembaca CSV; berkas tidak dapat dibaca.",
    ),
    "a source URL that urlsplit refuses": (
        raw_csv("1,Janji,sampah,,http://[::1,,"),
        2,
        "URL sumber “http://[::1” tidak sah (harus http:// atau https://).",
    ),
    "a right-to-left override in a title": (
        raw_csv("1,Janji \u202eterbalik,sampah,,,,"),
        2,
        "Teks ini mengandung karakter tak terlihat atau pengubah arah tulisan (U+202E); hapus lalu simpan lagi.",
    ),
    "a source URL longer than the column": (
        raw_csv("1,Janji,sampah,,https://kupangkota.go.id/" + "a" * 1000 + ",,"),
        2,
        "URL sumber lebih dari 1000 karakter.",
    ),
}


class MalformedInputTests(ImportTestCase):
    """Every malformed file is refused at the preview with its line, never a 500 or a traceback."""

    url = reverse("admin:promises_promise_import")

    def setUp(self):
        super().setUp()
        self.client.force_login(make_user("pengelola", superuser=True))

    def upload(self, text: str):
        upload = io.BytesIO(text.encode())
        upload.name = "daftar.csv"
        return self.client.post(self.url, {"administration": self.administration.pk, "file": upload})

    def signed(self, text: str) -> str:
        """The payload a preview would carry for `text`: what a confirmation posts back."""
        payload = {"text": text, "administration": self.administration.pk}
        return signing.dumps(payload, salt=admin_import.SALT, compress=True)

    def command(self, text: str, *args) -> tuple[CommandError, str]:
        err = io.StringIO()
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "daftar.csv"
            path.write_bytes(text.encode())
            with self.assertRaises(CommandError) as failed:
                call_command("import_promises", str(path), *args, stdout=io.StringIO(), stderr=err)
        return failed.exception, err.getvalue()

    def test_the_admin_preview_and_confirmation_refuse_each_malformed_file_with_its_line(self):
        for name, (text, line, message) in MALFORMED.items():
            with self.subTest(name):
                response = self.upload(text)
                assert response.status_code == 200
                assert [(e.line, e.message.endswith(message)) for e in response.context["plan"].errors] == [
                    (line, True)
                ]
                assert message in response.text
                assert 'name="payload"' not in response.text  # nothing to confirm

                response = self.client.post(self.url, {"payload": self.signed(text)})
                assert response.status_code == 200
                assert message in response.text
                assert not Promise.objects.exists() and not Source.objects.exists()

    def test_the_command_refuses_each_malformed_file_with_its_line(self):
        for name, (text, line, message) in MALFORMED.items():
            with self.subTest(name):
                error, stderr = self.command(text)
                assert str(error) == "1 kesalahan; tidak ada yang ditulis."
                assert error.returncode == 1
                assert f"Baris {line}: " in stderr and message in stderr
                assert not Promise.objects.exists() and not Source.objects.exists()

    def test_from_the_shell_the_command_prints_the_message_and_exits_1_without_a_traceback(self):
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "daftar.csv"
            path.write_text(MALFORMED["a superscript digit as the number"][0], encoding="utf-8")
            err = io.StringIO()
            # run_from_argv closes the database connections at the end: not the test's own
            with redirect_stderr(err), mock.patch("django.core.management.base.connections"):
                command = load_command_class("promises", "import_promises")
                with self.assertRaises(SystemExit) as exited:
                    command.run_from_argv(["manage.py", "import_promises", str(path), "--skip-checks"])
        assert exited.exception.code == 1
        assert err.getvalue() == (
            "Baris 2: nomor “²” harus ditulis dengan angka 0–9.\nCommandError: 1 kesalahan; tidak ada yang ditulis.\n"
        )

    def test_cr_only_line_ends_are_line_ends(self):
        text = raw_csv("1,Tempat sampah,sampah,,,,", '2,Dana Pengaman,kesehatan,"dua\rbaris",,,', end="\r")
        response = self.upload(text)
        steps = response.context["plan"].steps
        assert [(step.row.line, step.action) for step in steps] == [(2, "create"), (3, "create")]
        response = self.client.post(self.url, {"payload": response.context["payload"]})
        assert response.status_code == 302
        assert list(Promise.objects.order_by("number").values_list("title", "description")) == [
            ("Tempat sampah", ""),
            ("Dana Pengaman", "dua\rbaris"),
        ]

        bad = raw_csv("1,Tempat sampah,sampah,,,,", "2,Dana Pengaman,tidak-ada,,,,", end="\r")
        error, stderr = self.command(bad)
        assert "Baris 3: bidang “tidak-ada” tidak dikenal" in stderr

    def test_a_crafted_link_field_in_the_confirmation_is_refused(self):
        make_promise(administration=self.administration, code="CP-4", title="Dana Pengaman untuk pasien")
        response = self.upload(raw_csv("2,Dana pengaman bagi pasien,kesehatan,,,,"))
        for name in ("link-²", "link-٦٩", "link-0", "link-" + "9" * 40, "link-"):
            with self.subTest(name):
                confirmed = self.client.post(self.url, {"payload": response.context["payload"], name: "CP-4"})
                assert confirmed.status_code == 200
                assert "Konfirmasi tidak sah" in confirmed.text
                assert "Tidak ada yang ditulis" in confirmed.text
                assert not Promise.objects.filter(number__isnull=False).exists()
                assert Promise.objects.count() == 1

    def test_a_link_option_with_a_non_ascii_number_is_refused(self):
        error, _stderr = self.command(raw_csv("2,Janji,sampah,,,,"), "--link", "CP-4=²")
        assert str(error) == "--link harus berbentuk KODE=NOMOR, bukan “CP-4=²”."
        assert not Promise.objects.exists()
