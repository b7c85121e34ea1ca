"""A backup restores: export, empty the database, import, export again gives the same data, and it works."""

import copy
import io
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from promises import backup
from promises.models import (
    ConflictMark,
    Programme,
    Promise,
    Reading,
    Report,
    Sector,
    SiteProfile,
    SourceReplacement,
    StatusChange,
    StatusProposal,
)

from .helpers import grow, make_claim, make_editor, make_source, make_user, rate


def build_dataset() -> None:
    """Rows in every table the backup holds, history of more than one change, links in every m2m table."""
    grow(2)
    editor = make_editor("penyunting")
    admin = make_user("pengelola", staff=True, superuser=True)
    admin.user_permissions.add(Permission.objects.get(codename="view_promise"))
    promise = Promise.objects.first()
    rate(promise, Promise.Status.TERSENDAT, editor=editor, sources=[make_source(), make_source()])
    promise.refresh_from_db()
    rate(promise, Promise.Status.DITEPATI, editor=admin, verification=Promise.Verification.DIVERIFIKASI)
    programme = Programme.objects.create(administration=promise.administration, number=1, title="Kota bersih")
    programme.sources.add(make_source(), make_source())
    Sector.objects.update(programme=programme)
    Promise.objects.update(programme=programme, updated_by=editor)
    make_claim(promises=Promise.objects.all()[:2])
    Reading.objects.update(created_by=editor)
    first, second = Reading.objects.order_by("pk")[:2]
    ConflictMark.objects.create(
        indicator=first.indicator, first=first, second=second, conflicting=True, reason="Uji", editor=editor
    )
    SourceReplacement.objects.create(old=make_source(), new=make_source(), reason="Tautan salah.", editor=editor)
    proposal = StatusProposal.objects.create(
        promise=promise, status="ditepati", verification="diverifikasi", reason="Usulan uji", proposed_by=editor
    )
    proposal.sources.add(make_source())
    Report.objects.create(promise=promise, text="Angkanya sudah berubah.", name="Pembaca", contact="081234567890")
    SiteProfile.objects.create(organisation="Pengelola uji")


def empty_the_database() -> None:
    """What a new server has after `migrate`: no tracker rows, no users, ids starting again at 1.

    Groups stay (a migration makes them), as on a real new server.
    """
    models = [get_user_model(), *backup.tracker_models()]
    tables = {model._meta.db_table for model in models}
    for model in models:
        tables |= {field.remote_field.through._meta.db_table for field in model._meta.many_to_many}
    tables.add("django_admin_log")
    connection.check_constraints()  # PostgreSQL: run the deferred FK checks, or TRUNCATE refuses
    statements = connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


class BackupTests(TestCase):
    def setUp(self):
        build_dataset()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def export(self, name: str) -> dict:
        path = self.tmp / name
        call_command("export_all", str(path), verbosity=0)
        return json.loads(path.read_text())

    def test_export_empty_import_export_gives_the_same_data_history_included(self):
        first = self.export("satu.json")
        empty_the_database()
        assert not StatusChange.objects.exists() and not get_user_model().objects.exists()

        call_command("import_all", str(self.tmp / "satu.json"), verbosity=0)
        second = self.export("dua.json")

        assert second["counts"] == first["counts"]
        # every table in the backup had rows, so the round trip proves something for each of them
        assert all(first["counts"].values()), first["counts"]
        assert first["counts"]["promises.statuschange"] == 4
        assert second["objects"] == first["objects"]

    def test_the_restored_site_keeps_logins_urls_and_accepts_new_writes(self):
        promise = Promise.objects.order_by("pk").last()
        url, status = promise.get_absolute_url(), promise.status
        history = list(promise.changes.values_list("pk", "created_at", "reason"))
        self.export("cadangan.json")
        empty_the_database()
        call_command("import_all", str(self.tmp / "cadangan.json"), verbosity=0)

        restored = Promise.objects.get(pk=promise.pk)
        assert restored.get_absolute_url() == url and restored.status == status
        assert list(restored.changes.values_list("pk", "created_at", "reason")) == history  # to the microsecond
        login = self.client.post(reverse("login"), {"username": "penyunting", "password": "kata-sandi-uji"})
        assert login.status_code == 302 and login.wsgi_request.user.username == "penyunting"
        assert get_user_model().objects.get(username="penyunting").groups.get().name == "Editor"
        assert Group.objects.filter(name="Editor").count() == 1
        # ids continue after the restored rows (sequences reset): a new change and a new promise save
        change = rate(restored, Promise.Status.TIDAK_DITEPATI)
        assert change.pk > max(row[0] for row in history)
        assert (
            Promise.objects.create(
                administration=restored.administration, sector=restored.sector, code="BARU-1", title="Janji baru"
            ).pk
            > promise.pk
        )

    def test_the_file_is_private_and_says_it_holds_password_hashes(self):
        data = self.export("cadangan.json")
        mode = stat.S_IMODE(os.stat(self.tmp / "cadangan.json").st_mode)
        assert mode == 0o600
        users = [obj for obj in data["objects"] if obj["model"] == "auth.user"]
        assert all(user["fields"]["password"].startswith("md5$") for user in users)
        assert "HASH KATA SANDI" in call_command_help("export_all")
        assert "PASSWORD HASHES" in call_command_help("export_all")

    def test_it_streams_through_stdout_and_stdin_the_same_backup(self):
        from_file = self.export("berkas.json")
        out = io.StringIO()
        call_command("export_all", "-", stdout=out)
        streamed = json.loads(out.getvalue())
        assert streamed["objects"] == from_file["objects"]
        empty_the_database()
        with mock.patch("sys.stdin", io.StringIO(out.getvalue())):
            call_command("import_all", "-", verbosity=0)
        assert self.export("lagi.json")["objects"] == from_file["objects"]

    def test_import_refuses_a_database_that_holds_data_and_changes_nothing(self):
        self.export("cadangan.json")
        before = backup.export_data()["objects"]
        with self.assertRaisesMessage(CommandError, "Basis data tidak kosong"):
            call_command("import_all", str(self.tmp / "cadangan.json"), verbosity=0)
        assert backup.export_data()["objects"] == before

    def test_import_refuses_a_backup_from_another_schema(self):
        data = self.export("cadangan.json")
        data["migrations"]["promises"].append("9999_masa_depan")
        (self.tmp / "lain.json").write_text(json.dumps(data))
        empty_the_database()
        with self.assertRaisesMessage(CommandError, "Skema basis data berbeda"):
            call_command("import_all", str(self.tmp / "lain.json"), verbosity=0)

    def test_a_bad_row_rolls_back_the_whole_import(self):
        data = self.export("cadangan.json")
        reading = next(obj for obj in reversed(data["objects"]) if obj["model"] == "promises.reading")
        reading["fields"]["value"] = "-1"  # breaks reading_value_non_negative, after most rows went in
        (self.tmp / "rusak.json").write_text(json.dumps(data))
        empty_the_database()
        with self.assertRaisesMessage(CommandError, f"basis data menolak objek promises.reading {reading['pk']}"):
            call_command("import_all", str(self.tmp / "rusak.json"), verbosity=0)
        assert backup.non_empty_tables() == []
        assert not Group.objects.get(name="Editor").user_set.exists()


class DamagedBackupTests(TestCase):
    """A damaged backup is refused with a CommandError that says, in Indonesian, what is wrong; nothing is written."""

    def setUp(self):
        build_dataset()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)
        call_command("export_all", str(self.tmp / "cadangan.json"), verbosity=0)
        self.text = (self.tmp / "cadangan.json").read_text()
        empty_the_database()

    def refused(self, content: str | bytes) -> str:
        path = self.tmp / "rusak.json"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        with self.assertRaises(CommandError) as failed:
            call_command("import_all", str(path), verbosity=0)
        assert backup.non_empty_tables() == []
        assert not Group.objects.get(name="Editor").user_set.exists()
        return str(failed.exception)

    def changed(self, change) -> str:
        """The refusal of the backup after `change(data)`."""
        data = copy.deepcopy(json.loads(self.text))
        change(data)
        return self.refused(json.dumps(data))

    @staticmethod
    def first(data: dict, model: str) -> dict:
        return next(obj for obj in data["objects"] if obj["model"] == model)

    def test_a_list_instead_of_a_backup(self):
        assert self.refused("[]") == "Berkas ini bukan cadangan Pantau Janji (format tidak dikenal)."

    def test_an_empty_object(self):
        assert self.refused("{}") == "Berkas ini bukan cadangan Pantau Janji (format tidak dikenal)."

    def test_no_migrations(self):
        message = self.changed(lambda data: data.pop("migrations"))
        assert message == "Cadangan tidak lengkap atau rusak: bagian migrations tidak ada atau salah bentuk."

    def test_objects_that_are_not_a_list(self):
        message = self.changed(lambda data: data.update(objects={}))
        assert message == "Cadangan tidak lengkap atau rusak: bagian objects tidak ada atau salah bentuk."

    def test_an_object_without_fields(self):
        def change(data):
            promise = self.first(data, "promises.promise")
            del promise["fields"]
            self.n, self.pk = data["objects"].index(promise) + 1, promise["pk"]

        message = self.changed(change)
        assert message == f"Cadangan rusak: objek ke-{self.n} (promises.promise {self.pk}) tidak punya bagian fields."

    def test_an_unknown_model(self):
        message = self.changed(lambda data: self.first(data, "promises.claim").update(model="promises.peretas"))
        assert "model “promises.peretas”, yang tidak ada dalam cadangan ini" in message

    def test_an_unknown_field(self):
        message = self.changed(lambda data: self.first(data, "promises.sector")["fields"].update(warna="merah"))
        assert message.startswith("Cadangan rusak: objek promises.sector ") and "tidak dapat dibaca" in message

    def test_a_value_that_is_no_date(self):
        message = self.changed(lambda data: self.first(data, "promises.reading")["fields"].update(as_of="kemarin"))
        assert message.startswith("Cadangan rusak: objek promises.reading ") and "tidak dapat dibaca" in message

    def test_a_status_outside_the_choices(self):
        def change(data):
            promise = self.first(data, "promises.promise")
            promise["fields"]["status"] = "hacked"
            self.pk = promise["pk"]

        message = self.changed(change)
        assert message.startswith(f"Cadangan rusak: basis data menolak objek promises.promise {self.pk} (")
        assert message.endswith("). Tidak ada yang dipulihkan.")

    def test_a_missing_foreign_key(self):
        message = self.changed(lambda data: self.first(data, "promises.promise")["fields"].update(sector=9999))
        assert message.startswith("Cadangan rusak: ada rujukan ke baris yang tidak ada (")
        assert "promises_promise" in message  # the table, as the database names it (SQLite or PostgreSQL)

    def test_a_javascript_url(self):
        def change(data):
            source = self.first(data, "promises.source")
            source["fields"]["url"] = "javascript:alert(1)"
            self.pk = source["pk"]

        message = self.changed(change)
        assert f"basis data menolak objek promises.source {self.pk} (" in message

    def test_a_duplicate_history_row(self):
        def change(data):
            row = self.first(data, "promises.statuschange")
            data["objects"].insert(data["objects"].index(row) + 1, copy.deepcopy(row))
            self.pk = row["pk"]

        message = self.changed(change)
        assert f"basis data menolak objek promises.statuschange {self.pk} (" in message

    def test_a_user_in_a_group_that_does_not_exist(self):
        message = self.changed(lambda data: self.first(data, "auth.user")["fields"].update(groups=[["Peretas"]]))
        assert message.startswith("Cadangan rusak: objek auth.user") and "tidak dapat dibaca" in message

    def test_a_truncated_file(self):
        for cut in (len(self.text) // 2, len(self.text) * 99 // 100):
            message = self.refused(self.text[:cut])
            assert "bukan JSON yang utuh (terpotong atau rusak?): baris " in message

    def test_a_file_that_is_not_utf8(self):
        assert "bukan teks UTF-8" in self.refused(b"\xff" + self.text.encode())

    def test_tampered_counts(self):
        message = self.changed(lambda data: data["counts"].update({"promises.promise": 99}))
        assert message == "Jumlah baris tidak cocok dengan cadangan (dibaca ≠ tercatat): promises.promise 2 ≠ 99."


def call_command_help(name: str) -> str:
    from django.core.management import load_command_class

    return load_command_class("promises", name).help
