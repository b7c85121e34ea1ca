"""Writes that span several models, each in one transaction, version-checked, with one cache invalidation.

Every write an editor makes goes through here: from the public pages' forms and from the admin. Each one
claims the next version of the object it changes with a conditional UPDATE (`_take_version`), so of two
editors saving from the same version exactly one wins and the other gets `Stale` with the object as it is
now; nothing of a refused write is kept.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cache
from .models import (
    Claim,
    ConflictMark,
    Indicator,
    Programme,
    Promise,
    PromiseSource,
    Reading,
    Source,
    SourceReplacement,
    StatusChange,
    StatusChangeSource,
    normalize_url,
)


class Stale(Exception):
    """Someone else saved the object after the editor loaded it; `current` is the object as it is now."""

    def __init__(self, current: models.Model):
        self.current = current
        if isinstance(current, Indicator):
            message = _("Indikator ini sudah diubah orang lain sejak Anda membukanya.")
        else:
            message = _("Janji ini sudah diubah orang lain sejak Anda membukanya.")
        super().__init__(message)


def _take_version(model: type[models.Model], pk: int, expected: int, **updates) -> None:
    """Move the row from version `expected` to the next one (with `updates`), or raise Stale."""
    if not model.objects.filter(pk=pk, version=expected).update(version=F("version") + 1, **updates):
        raise Stale(model.objects.get(pk=pk))
    cache.bump()  # an .update() sends no signal


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
    at=None,
    kind: str = StatusChange.Kind.CHANGE,
) -> StatusChange:
    """Set a promise's status and append the history row, or change nothing.

    Refuses a stale version (Stale) and what `StatusChange.check_rules` refuses (ValidationError).
    `at` (the data loader): when the assessment holds, the date of the evidence it rests on; the history row
    and "last checked" carry it instead of now.
    """
    reason = (reason or "").strip()
    sources = list(sources)
    StatusChange.check_rules(status=status, verification=verification, reason=reason, has_source=bool(sources))
    if status == Promise.Status.BELUM_DINILAI:
        verification = ""
    with cache.batch():
        previous = Promise.objects.values_list("status", flat=True).get(pk=promise.pk)
        now = timezone.now()
        at = at or now
        _take_version(
            Promise,
            promise.pk,
            expected_version,
            status=status,
            verification=verification,
            last_checked=timezone.localdate(at),
            updated_at=now,
        )
        change = StatusChange.objects.create(
            promise=promise,
            from_status=previous,
            to_status=status,
            verification=verification,
            reason=reason,
            editor=editor,
            created_at=at,
            kind=kind,
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
    """A status change from an editor's form: the pasted source (if any) is created and linked in the same
    transaction, so a refused change (stale version) leaves no stray source behind."""
    with cache.batch():
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


@transaction.atomic
def add_reading(
    indicator: Indicator, *, expected_version: int, values: dict, new_source: dict | None, editor
) -> Reading:
    """Append a reading to an indicator's ledger, version-checked like a status change."""
    with cache.batch():
        _take_version(Indicator, indicator.pk, expected_version)
        values = dict(values)
        source = values.pop("source", None)
        if new_source:
            source, _created = get_or_create_source(new_source, editor=editor)
        reading = Reading(indicator=indicator, source=source, created_by=editor, **values)
        # The model's own rules (dates, ranges); the database holds the constraints and the keys.
        reading.full_clean(
            exclude=["indicator", "source", "part_of", "created_by"], validate_unique=False, validate_constraints=False
        )
        reading.save()
    indicator.refresh_from_db()
    return reading


@transaction.atomic
def update_promise(promise: Promise, *, expected_version: int, values: dict, editor) -> Promise:
    """Change a promise's own texts, version-checked like a status change; records who and when."""
    with cache.batch():
        _take_version(Promise, promise.pk, expected_version)
        for name, value in values.items():
            setattr(promise, name, value)
        promise.updated_by = editor
        promise.save(update_fields=[*values, "updated_by", "updated_at"])
    promise.refresh_from_db()
    return promise


@transaction.atomic
def mark_conflict(
    indicator: Indicator,
    *,
    expected_version: int,
    first: Reading,
    second: Reading,
    conflicting: bool,
    reason: str,
    editor,
) -> ConflictMark:
    """Record an editor's judgement on a pair of the indicator's readings (a later one on the same pair replaces
    it), version-checked like a new reading."""
    first, second = sorted((first, second), key=lambda reading: reading.pk)
    with cache.batch():
        _take_version(Indicator, indicator.pk, expected_version)
        mark, _created = ConflictMark.objects.update_or_create(
            first=first,
            second=second,
            defaults={
                "indicator": indicator,
                "conflicting": conflicting,
                "reason": reason.strip(),
                "editor": editor,
                "created_at": timezone.now(),
            },
        )
    indicator.refresh_from_db()
    return mark


def _move_links(model: type[models.Model], owner: str, old: Source, new: Source) -> None:
    """Point `model`'s links from `old` to `new`; where the owner already cites `new`, the old link goes."""
    cites_new = model.objects.filter(source=new).values(owner)
    model.objects.filter(source=old, **{f"{owner}__in": cites_new}).delete()
    model.objects.filter(source=old).update(source=new)


@transaction.atomic
def replace_source(old: Source, new: Source, *, reason: str, editor) -> SourceReplacement:
    """Correct the evidence: everything that cites `old` (history rows, promise links, readings, claims,
    provenance, baselines, targets, programmes) cites `new` instead, and the replacement is logged in public
    with its reason. The old source stays, marked as replaced."""
    reason = (reason or "").strip()
    if old.pk == new.pk:
        raise ValidationError({"new": _("Pilih sumber lain sebagai pengganti.")})
    if not reason:
        raise ValidationError({"reason": _("Alasan penggantian wajib diisi.")})
    with cache.batch():
        _move_links(StatusChangeSource, "statuschange", old, new)
        _move_links(PromiseSource, "promise", old, new)
        _move_links(Programme.sources.through, "programme", old, new)
        Reading.objects.filter(source=old).update(source=new)
        Claim.objects.filter(source=old).update(source=new)
        Promise.objects.filter(made_source=old).update(made_source=new)
        Indicator.objects.filter(baseline_source=old).update(baseline_source=new)
        Indicator.objects.filter(target_source=old).update(target_source=new)
        replacement = SourceReplacement.objects.create(old=old, new=new, reason=reason, editor=editor)
        cache.bump()  # the .update()s send no signal
    return replacement
