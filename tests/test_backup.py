"""A backup restores: export, empty the database, import, export again gives the same data, and it works."""

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
from promises.models import ConflictMark, Programme, Promise, Reading, Sector, SourceReplacement, StatusChange

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
        with self.assertRaises(Exception):  # noqa: B017 (IntegrityError, whichever engine raises it)
            call_command("import_all", str(self.tmp / "rusak.json"), verbosity=0)
        assert backup.non_empty_tables() == []
        assert not Group.objects.get(name="Editor").user_set.exists()


def call_command_help(name: str) -> str:
    from django.core.management import load_command_class

    return load_command_class("promises", name).help
