"""A whole-tracker backup in one JSON file, and its restore into an empty database.

What is in it: every promises table (history and the many-to-many links included) and the user accounts
and groups, with password hashes, so editors can log in after a restore. Primary keys of the tracker's
rows are kept, so every public URL (`/janji/12-…/`) stays the same. Users and groups are written by
their natural keys (username, group name): the groups that a migration creates are matched by name, and
permissions are named, not numbered, so the file restores into a freshly migrated database of either
engine (SQLite or PostgreSQL).
"""

import datetime
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from . import cache as page_cache

FORMAT = "pantau-janji-backup"
FORMAT_VERSION = 1
SCHEMA_APPS = ("auth", "promises")
# Written without ids (natural keys), so ordered by name: the same in a restored database.
ORDER_BY = {"auth.group": "name", "auth.user": "username"}


class BackupError(Exception):
    pass


def tracker_models() -> list:
    return list(apps.get_app_config("promises").get_models())


def backup_models() -> list:
    """Every model in the file, in an order that loads: those referred to by natural key come first."""
    app_list = [
        (apps.get_app_config("auth"), [Group, get_user_model()]),
        (apps.get_app_config("promises"), tracker_models()),
    ]
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def applied_migrations() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in SCHEMA_APPS}


def _sorted_m2m(objects: list[dict]) -> list[dict]:
    """Many-to-many lists in a fixed order, so two exports of the same data are byte-for-byte equal."""
    for obj in objects:
        model = apps.get_model(obj["model"])
        for field in model._meta.many_to_many:
            if field.name in obj["fields"]:
                obj["fields"][field.name] = sorted(obj["fields"][field.name], key=json.dumps)
    return objects


def export_data() -> dict:
    """The backup as a dict (one query per model plus one per many-to-many field and object)."""
    objects = []
    counts = {}
    for model in backup_models():
        label = model._meta.label_lower
        queryset = model._default_manager.order_by(ORDER_BY.get(label, "pk"))
        rows = serializers.serialize("python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=True)
        counts[label] = len(rows)
        objects.extend(_sorted_m2m(rows))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "migrations": applied_migrations(),
        "counts": counts,
        "objects": objects,
    }


class BackupEncoder(DjangoJSONEncoder):
    """Times with all their microseconds (DjangoJSONEncoder keeps only milliseconds): a backup loses nothing."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(data: dict) -> str:
    return json.dumps(data, cls=BackupEncoder, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def non_empty_tables() -> list[str]:
    """Tables that must be empty before a restore: the tracker's and the users' (groups may exist)."""
    return [
        model._meta.label_lower for model in [get_user_model(), *tracker_models()] if model._default_manager.exists()
    ]


@transaction.atomic
def import_data(data: dict) -> dict[str, int]:
    """Restore a backup into an empty database, all or nothing. Returns the rows written per model.

    Rows go in as they are (`raw` saves with `force_insert`): no model `save()` runs, so the append-only
    StatusChange is inserted, never updated, and no timestamp is reset.
    """
    if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
        raise BackupError("Berkas ini bukan cadangan Pantau Janji (format tidak dikenal).")
    here = applied_migrations()
    if data["migrations"] != here:
        raise BackupError(
            "Skema basis data berbeda dari cadangan: jalankan `migrate`, atau pulihkan dengan versi kode yang "
            f"membuat cadangan lalu `migrate`. Cadangan: {data['migrations']}; di sini: {here}."
        )
    if busy := non_empty_tables():
        raise BackupError(
            "Basis data tidak kosong; pemulihan hanya ke basis data baru yang sudah di-`migrate`. "
            f"Tabel berisi: {', '.join(busy)}."
        )
    models = backup_models()
    written = dict.fromkeys((model._meta.label_lower for model in models), 0)
    deferred = []
    with page_cache.batch(), connection.constraint_checks_disabled():
        for obj in serializers.deserialize("python", data["objects"], handle_forward_references=True):
            model = type(obj.object)
            # A group the migration already made (same name) is updated; everything else is new.
            obj.save(force_insert=not (model is Group and obj.object.pk is not None))
            written[model._meta.label_lower] += 1
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
    connection.check_constraints(table_names=[model._meta.db_table for model in models])
    # Rows kept their ids: move each id sequence past them, or the next new row would collide.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    if written != data["counts"]:
        raise BackupError(f"Jumlah baris tidak cocok dengan cadangan: {written} ≠ {data['counts']}.")
    return written
