"""Writes that span several models, each in one transaction."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Indicator, Promise, PromiseSource, Reading, Source, StatusChange, normalize_url


class StaleVersion(Exception):
    """Someone else saved the promise after the editor loaded it."""

    def __init__(self, promise: Promise):
        self.promise = promise
        super().__init__(_("Janji ini sudah diubah orang lain sejak Anda membukanya."))


def validate_status_change(*, status: str, verification: str, reason: str, sources: list) -> None:
    """The rules of a status change, shared by the service and the forms that feed it."""
    errors = {}
    if status not in Promise.Status.values:
        errors["status"] = _("Status tidak dikenal.")
    if verification and verification not in Promise.Verification.values:
        errors["verification"] = _("Tingkat verifikasi tidak dikenal.")
    if status != Promise.Status.BELUM_DINILAI and not verification:
        errors["verification"] = _("Pilih tingkat verifikasi untuk status ini.")
    if not (reason or "").strip():
        errors["reason"] = _("Alasan perubahan wajib diisi.")
    if status != Promise.Status.BELUM_DINILAI and not sources:
        errors["sources"] = _("Sertakan minimal satu sumber untuk status ini.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def change_status(
    promise: Promise,
    *,
    expected_version: int,
    status: str,
    verification: str,
    reason: str,
    sources: Iterable[Source],
    editor=None,
    checked: bool = True,
) -> StatusChange:
    """Set a promise's status and append the history row, or change nothing.

    Refuses a stale version (StaleVersion), a missing reason, and a missing source for any status
    other than "Belum dinilai" (ValidationError). The version check is a conditional UPDATE, so of two
    editors saving from the same version exactly one wins. `checked=False` (the data loader) records the
    change without claiming the promise was checked today.
    """
    reason = (reason or "").strip()
    sources = list(sources)
    validate_status_change(status=status, verification=verification, reason=reason, sources=sources)
    if status == Promise.Status.BELUM_DINILAI:
        verification = ""

    previous = Promise.objects.values_list("status", flat=True).get(pk=promise.pk)
    now = timezone.now()
    updated = Promise.objects.filter(pk=promise.pk, version=expected_version).update(
        status=status,
        verification=verification,
        last_checked=timezone.localdate(now) if checked else F("last_checked"),
        version=F("version") + 1,
        updated_at=now,
    )
    if not updated:
        promise.refresh_from_db()
        raise StaleVersion(promise)
    change = StatusChange.objects.create(
        promise=promise,
        from_status=previous,
        to_status=status,
        verification=verification,
        reason=reason,
        editor=editor,
        created_at=now,
    )
    change.sources.set(sources)
    promise.refresh_from_db()
    return change


def get_or_create_source(data: dict, *, editor=None) -> tuple[Source, bool]:
    """The source with this (normalised) URL, or a new one: a pasted URL never duplicates a source."""
    url = normalize_url(data["url"])
    existing = Source.objects.filter(url=url).first()
    if existing:
        return existing, False
    source = Source(**{**data, "url": url}, created_by=editor)
    source.full_clean()
    source.save()
    return source, True


@transaction.atomic
def record_status_change(promise: Promise, *, form_data: dict, editor) -> StatusChange:
    """A status change from the editor's form: the pasted source (if any) is created and linked in the same
    transaction, so a refused change (stale version) leaves no stray source behind."""
    sources = list(form_data.get("sources") or [])
    if form_data.get("new_source"):
        source, _created = get_or_create_source(form_data["new_source"], editor=editor)
        PromiseSource.objects.get_or_create(promise=promise, source=source)
        sources.append(source)
    return change_status(
        promise,
        expected_version=form_data["version"],
        status=form_data["status"],
        verification=form_data.get("verification", ""),
        reason=form_data["reason"],
        sources=sources,
        editor=editor,
    )


class StaleIndicator(Exception):
    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        super().__init__(_("Indikator ini sudah diubah orang lain sejak Anda membukanya."))


@transaction.atomic
def add_reading(
    indicator: Indicator, *, expected_version: int, values: dict, new_source: dict | None, editor
) -> Reading:
    """Append a reading to an indicator's ledger, version-checked like a status change."""
    updated = Indicator.objects.filter(pk=indicator.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        indicator.refresh_from_db()
        raise StaleIndicator(indicator)
    source = values.pop("source", None)
    if new_source:
        source, _created = get_or_create_source(new_source, editor=editor)
    reading = Reading(indicator=indicator, source=source, created_by=editor, **values)
    reading.clean()  # the form checked the fields; the database holds the constraints
    reading.save()
    indicator.refresh_from_db()
    return reading


@transaction.atomic
def update_promise(promise: Promise, *, expected_version: int, values: dict, editor) -> Promise:
    """Change a promise's own texts, version-checked like a status change; records who and when."""
    updated = Promise.objects.filter(pk=promise.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        promise.refresh_from_db()
        raise StaleVersion(promise)
    for name, value in values.items():
        setattr(promise, name, value)
    promise.updated_by = editor
    promise.save(update_fields=[*values, "updated_by", "updated_at"])
    promise.refresh_from_db()
    return promise
