"""Writes that span several models, each in one transaction."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Promise, Source, StatusChange


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
) -> StatusChange:
    """Set a promise's status and append the history row, or change nothing.

    Refuses a stale version (StaleVersion), a missing reason, and a missing source for any status
    other than "Belum dinilai" (ValidationError). The version check is a conditional UPDATE, so of two
    editors saving from the same version exactly one wins.
    """
    reason = (reason or "").strip()
    sources = list(sources)
    validate_status_change(status=status, verification=verification, reason=reason, sources=sources)
    if status == Promise.Status.BELUM_DINILAI:
        verification = ""

    previous = Promise.objects.filter(pk=promise.pk).values_list("status", flat=True).first()
    now = timezone.now()
    updated = Promise.objects.filter(pk=promise.pk, version=expected_version).update(
        status=status,
        verification=verification,
        last_checked=timezone.localdate(now),
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
