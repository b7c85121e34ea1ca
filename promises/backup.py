"""A whole-tracker backup in one JSON file, and its restore into an empty database.

What is in it: every promises table (history and the many-to-many links included) and the user accounts
and groups, with password hashes, so editors can log in after a restore. Primary keys of the tracker's
rows are kept, so every public URL (`/janji/12-…/`) stays the same. Users and groups are written by
their natural keys (username, group name): the groups that a migration creates are matched by name, and
permissions are named, not numbered, so the file restores into a freshly migrated database of either
engine (SQLite or PostgreSQL).

A restore refuses a file that is not such a backup, or is damaged, with a BackupError that says what is wrong
(which object, for a row the database refuses), and writes nothing.
"""

import datetime
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from . import cache as page_cache

FORMAT = "pantau-janji-backup"
FORMAT_VERSION = 1
SCHEMA_APPS = ("auth", "promises")
# Written without ids (natural keys), so ordered by name: the same in a restored database.
ORDER_BY = {"auth.group": "name", "auth.user": "username"}
# What a damaged object raises while it is read (a bad value, an unknown field, a name that matches nothing).
UNREADABLE = (
    DeserializationError,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
    AttributeError,
    KeyError,
    TypeError,
    ValueError,
)


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


def _describe(obj: dict) -> str:
    """An object of the file as the messages name it: "promises.promise 12"."""
    return f"{obj.get('model')} {obj.get('pk', '')}".strip()


def check_file(data) -> None:
    """Refuse what is not a complete backup of the models this code knows, before anything is written."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
        raise BackupError(_("Berkas ini bukan cadangan Pantau Janji (format tidak dikenal)."))
    kinds = {"migrations": dict, "counts": dict, "objects": list}
    if broken := [key for key, kind in kinds.items() if not isinstance(data.get(key), kind)]:
        raise BackupError(
            _("Cadangan tidak lengkap atau rusak: bagian %(keys)s tidak ada atau salah bentuk.")
            % {"keys": ", ".join(broken)}
        )
    known = {model._meta.label_lower for model in backup_models()}
    for n, obj in enumerate(data["objects"], start=1):
        if not isinstance(obj, dict) or not isinstance(obj.get("fields"), dict):
            described = _describe(obj) if isinstance(obj, dict) else repr(obj)[:80]
            raise BackupError(
                _("Cadangan rusak: objek ke-%(n)s (%(object)s) tidak punya bagian fields.")
                % {"n": n, "object": described}
            )
        if obj.get("model") not in known:
            raise BackupError(
                _("Cadangan rusak: objek ke-%(n)s memakai model “%(model)s”, yang tidak ada dalam cadangan ini.")
                % {"n": n, "model": obj.get("model")}
            )


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
    check_file(data)
    here = applied_migrations()
    if data["migrations"] != here:
        raise BackupError(
            _(
                "Skema basis data berbeda dari cadangan: jalankan `migrate`, atau pulihkan dengan versi kode yang "
                "membuat cadangan lalu `migrate`. Cadangan: %(backup)s; di sini: %(here)s."
            )
            % {"backup": data["migrations"], "here": here}
        )
    if busy := non_empty_tables():
        raise BackupError(
            _(
                "Basis data tidak kosong; pemulihan hanya ke basis data baru yang sudah di-`migrate`. "
                "Tabel berisi: %(tables)s."
            )
            % {"tables": ", ".join(busy)}
        )
    models = backup_models()
    written = dict.fromkeys((model._meta.label_lower for model in models), 0)
    deferred = []
    current = {}  # the file's object being written, named in the message when it is refused
    with page_cache.batch():
        try:
            # A savepoint of its own: a refused row rolls it back, so the connection is usable again at once
            # (the batch's end, and the caller, may still query) before the whole transaction is rolled back.
            with transaction.atomic():
                with connection.constraint_checks_disabled():
                    for raw in data["objects"]:  # one at a time, so that a refusal knows its object
                        current = raw
                        for obj in serializers.deserialize("python", [raw], handle_forward_references=True):
                            model = type(obj.object)
                            # A group the migration already made (same name) is updated; everything else is new.
                            obj.save(force_insert=not (model is Group and obj.object.pk is not None))
                            written[model._meta.label_lower] += 1
                            if obj.deferred_fields:
                                deferred.append((raw, obj))
                    for raw, obj in deferred:
                        current = raw
                        obj.save_deferred_fields()
                current = {}
                connection.check_constraints(table_names=[model._meta.db_table for model in models])
        except UNREADABLE as error:
            raise BackupError(
                _("Cadangan rusak: objek %(object)s tidak dapat dibaca (%(error)s). Tidak ada yang dipulihkan.")
                % {"object": _describe(current), "error": error}
            ) from error
        except (IntegrityError, DataError) as error:
            if current:
                message = _(
                    "Cadangan rusak: basis data menolak objek %(object)s (%(error)s). Tidak ada yang dipulihkan."
                )
            else:  # the foreign keys, checked once every row is in
                message = _(
                    "Cadangan rusak: ada rujukan ke baris yang tidak ada (%(error)s). Tidak ada yang dipulihkan."
                )
            raise BackupError(message % {"object": _describe(current), "error": str(error).strip()}) from error
    # Rows kept their ids: move each id sequence past them, or the next new row would collide.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    counts = data["counts"]
    if written != counts:
        differ = [
            f"{label} {written.get(label, '–')} ≠ {counts.get(label, '–')}"
            for label in sorted(set(written) | set(counts))
            if written.get(label) != counts.get(label)
        ]
        message = _("Jumlah baris tidak cocok dengan cadangan (dibaca ≠ tercatat): %(tables)s.")
        raise BackupError(message % {"tables": ", ".join(differ)})
    return written
