"""Writes that span several models, each in one transaction, version-checked, with one cache invalidation.

Every write an editor makes goes through here: from the public pages' forms and from the admin. Each one
claims the next version of the object it changes with a conditional UPDATE (`_take_version`), so of two
editors saving from the same version exactly one wins and the other gets `Stale` with the object as it is
now; nothing of a refused write is kept.
"""

import contextvars
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import cache, signals
from .models import (
    Claim,
    ConflictMark,
    Indicator,
    LogEntry,
    Programme,
    Promise,
    PromiseSource,
    Reading,
    Report,
    Source,
    SourceReplacement,
    StatusChange,
    StatusChangeSource,
    StatusProposal,
    normalize_url,
)
from .onboarding import default_base_url

Kind = LogEntry.Kind
logger = logging.getLogger("promises.services")

# The reader's report an editor is acting on (record_article(report=…)): every log entry written meanwhile
# says it was "berdasarkan laporan pembaca".
_acting_on_report: contextvars.ContextVar[Report | None] = contextvars.ContextVar("acting_on_report", default=None)


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
    updates.setdefault("updated_at", timezone.now())
    if not model.objects.filter(pk=pk, version=expected).update(version=F("version") + 1, **updates):
        raise Stale(model.objects.get(pk=pk))
    # an .update() sends no signal: bump the pages of this promise or indicator (its slug does not change here)
    if model is Promise:
        cache.bump(*signals.promise_scopes(pk))
    elif model is Indicator:
        indicator = Indicator.objects.only("slug", "promise_id").get(pk=pk)
        cache.bump(cache.indicator_scope(indicator.slug), cache.promise_scope(indicator.promise_id))
    else:
        cache.bump()


def _log(kind: str, *, sources: Iterable[Source] = (), **fields) -> LogEntry:
    """One public log entry, written in the transaction of the change it records."""
    entry = LogEntry.objects.create(kind=kind, report=_acting_on_report.get(), **fields)
    if sources := list(sources):
        entry.sources.set(sources)
    return entry


def _link(promise: Promise | None, source: Source | None, note: str = "") -> PromiseSource | None:
    """Make sure the promise cites the source (a new link says `note`); the link, or None without both."""
    if promise is None or source is None:
        return None
    return PromiseSource.objects.get_or_create(promise=promise, source=source, defaults={"note": note})[0]


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
    approved_by=None,
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
            approved_by=approved_by,
        )
        change.sources.set(sources)
        _log(
            Kind.STATUS,
            promise=promise,
            status_change=change,
            sources=sources,
            editor=editor,
            approved_by=approved_by,
            created_at=at,
        )
    promise.refresh_from_db()
    return change


def get_or_create_source(data: dict, *, editor=None) -> tuple[Source, bool]:
    """The source with this (normalised) URL, or a new one: a pasted URL never duplicates a source."""
    url = normalize_url(data["url"])
    existing = Source.objects.for_url(url)
    if existing:
        return existing, False
    source = Source(**{**data, "url": url}, created_by=editor)
    source.full_clean()
    source.save()
    return source, True


def date_source(source: Source, published, precision: str) -> None:
    """Give a recorded source the publication date it lacked (never replace one it has): an editor who records an
    article from it reads the date off the article. Everything citing it then shows the date."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.published is None:
        source.published, source.published_precision, source.published_note = published, precision, ""
        source.full_clean()
        source.save(update_fields=["published", "published_precision", "published_note"])


def needs_second_editor(status: str) -> bool:
    return settings.VERDICTS_NEED_SECOND_EDITOR and status in Promise.Status.verdicts()


@transaction.atomic
def record_status_change(promise: Promise, *, form_data: dict, editor) -> StatusChange | StatusProposal | LogEntry:
    """A status form's save: a recheck ("diperiksa ulang", same status), a proposed verdict (waiting for a
    second editor) or a status change. The pasted source (if any) is created and linked to the promise in the
    same transaction, so a refused save (stale version) leaves no stray source behind."""
    with cache.batch():
        sources = list(form_data.get("sources") or [])
        if form_data.get("new_source"):
            source, _created = get_or_create_source(form_data["new_source"], editor=editor)
            sources.append(source)
        for source in sources:
            _link(promise, source)
        values = {
            "expected_version": form_data["version"],
            "reason": form_data["reason"],
            "sources": sources,
            "editor": editor,
        }
        if form_data.get("recheck"):
            return recheck(promise, **values)
        values |= {"status": form_data["status"], "verification": form_data.get("verification", "")}
        if needs_second_editor(form_data["status"]):
            return propose_status(promise, **values)
        return change_status(promise, **values)


@transaction.atomic
def recheck(promise: Promise, *, expected_version: int, reason: str, sources: Iterable[Source], editor) -> LogEntry:
    """The editor checked the promise again and its status stands: "terakhir diperiksa" moves to today and the
    log says so, with what was checked; no status change is written."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tulis apa yang diperiksa ulang.")})
    with cache.batch():
        _take_version(Promise, promise.pk, expected_version, last_checked=timezone.localdate())
        entry = _log(Kind.RECHECK, promise=promise, note=reason, sources=sources, editor=editor)
    promise.refresh_from_db()
    return entry


@transaction.atomic
def propose_status(
    promise: Promise, *, expected_version: int, status: str, verification: str, reason: str, sources, editor
) -> StatusProposal:
    """A verdict saved as a proposal: nothing public changes until another editor approves it."""
    reason = (reason or "").strip()
    sources = list(sources)
    StatusChange.check_rules(status=status, verification=verification, reason=reason, has_source=bool(sources))
    current = Promise.objects.get(pk=promise.pk)
    if current.version != expected_version:
        raise Stale(current)
    proposal = StatusProposal.objects.create(
        promise=promise, status=status, verification=verification, reason=reason, proposed_by=editor
    )
    proposal.sources.set(sources)
    return proposal


@transaction.atomic
def decide_proposal(
    proposal: StatusProposal, *, approve: bool, expected_version: int, editor, note: str = ""
) -> StatusProposal:
    """Another editor approves (the status change is written, with both names) or rejects (with a reason)."""
    note = (note or "").strip()
    if editor is None or editor.pk == proposal.proposed_by_id:
        raise ValidationError(_("Usulan ini harus diputuskan oleh editor lain, bukan pengusulnya."))
    if not approve and not note:
        raise ValidationError({"note": _("Tulis alasan penolakan.")})
    now = timezone.now()
    decided = StatusProposal.objects.filter(pk=proposal.pk, state=StatusProposal.State.WAITING).update(
        state=StatusProposal.State.APPROVED if approve else StatusProposal.State.REJECTED,
        decided_by=editor,
        decided_at=now,
        decision_note=note,
    )
    if not decided:
        raise ValidationError(_("Usulan ini sudah diputuskan."))
    if approve:
        with cache.batch():
            change = change_status(
                proposal.promise,
                expected_version=expected_version,
                status=proposal.status,
                verification=proposal.verification,
                reason=proposal.reason,
                sources=proposal.sources.all(),
                editor=proposal.proposed_by,
                approved_by=editor,
            )
            StatusProposal.objects.filter(pk=proposal.pk).update(status_change=change)
    proposal.refresh_from_db()
    return proposal


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
        reading = _new_reading(indicator, source=source, editor=editor, values=values)
        _link(indicator.promise, source)
        _log(
            Kind.READING,
            promise=indicator.promise,
            indicator=indicator,
            reading=reading,
            sources=[source],
            editor=editor,
        )
    indicator.refresh_from_db()
    return reading


def _new_reading(indicator: Indicator, *, source: Source, editor, values: dict) -> Reading:
    reading = Reading(indicator=indicator, source=source, created_by=editor, **values)
    # The model's own rules (dates, ranges); the database holds the constraints and the keys.
    reading.full_clean(
        exclude=["indicator", "source", "part_of", "created_by"], validate_unique=False, validate_constraints=False
    )
    reading.save()
    return reading


@transaction.atomic
def withdraw_reading(
    reading: Reading, *, expected_version: int, reason: str, editor, correction: dict | None = None
) -> Reading:
    """Withdraw a figure with a reason, or correct it: `correction` holds the fields that change, and a new
    figure (the old one with those fields) takes its place. The old figure stays on the page, struck through."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tulis alasan koreksi atau penarikan.")})
    if reading.withdrawn_at is not None:
        raise ValidationError(_("Angka ini sudah ditarik atau dikoreksi."))
    indicator = reading.indicator
    with cache.batch():
        _take_version(Indicator, indicator.pk, expected_version)
        new = None
        if correction:
            fields = {
                name: getattr(reading, name)
                for name in ("value", "value_max", "qualifier", "unit", "as_of", "as_of_precision", "period_start")
                + ("measure", "counts", "said_by", "said_by_name", "verification", "note")
            }
            new = _new_reading(indicator, source=reading.source, editor=editor, values=fields | correction)
        updated = Reading.objects.filter(pk=reading.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=editor, withdrawal_reason=reason, corrected_by=new
        )
        if not updated:
            raise ValidationError(_("Angka ini sudah ditarik atau dikoreksi."))
        _log(
            Kind.READING_CORRECTED if new else Kind.READING_WITHDRAWN,
            promise=indicator.promise,
            indicator=indicator,
            reading=new or reading,
            note=reason,
            sources=[reading.source],
            editor=editor,
        )
    reading.refresh_from_db()
    return new or reading


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


@transaction.atomic
def link_source(promise: Promise, source: Source, *, note: str, editor) -> PromiseSource:
    """An article about a promise that changes no status: the link, with what it says, and a log entry."""
    note = (note or "").strip()
    with cache.batch():
        link, created = PromiseSource.objects.get_or_create(promise=promise, source=source, defaults={"note": note})
        if not created:
            # Already linked (another row, another editor, an earlier save): a note it has is never overwritten,
            # and a second "new source" entry is never logged. Only a link without a note may be given one.
            if link.note:
                raise ValidationError(
                    _(
                        "Belum disimpan: %(promise)s sudah ditautkan ke sumber ini dengan catatan “%(note)s”. "
                        "Hapus baris janji itu."
                    )
                    % {"promise": promise.code, "note": link.note}
                )
            if not note:
                raise ValidationError(
                    _("Belum disimpan: %(promise)s sudah ditautkan ke sumber ini. Hapus baris janji itu.")
                    % {"promise": promise.code}
                )
            link.note = note
            link.save(update_fields=["note"])
        _log(Kind.SOURCE_LINKED, promise=promise, note=note, sources=[source], editor=editor)
    return link


def next_code(administration, origin: str) -> str:
    """The next free tracker code: CP-n for campaign promises, PG-n for pledges in office."""
    prefix = "CP-" if origin == Promise.Origin.KAMPANYE else "PG-"
    codes = Promise.objects.filter(administration=administration, code__startswith=prefix).values_list(
        "code", flat=True
    )
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


@transaction.atomic
def create_promise(administration, *, values: dict, new_source: dict | None, editor) -> Promise:
    """A promise an article needs, with where and when it was made and its source; logged as new."""
    with cache.batch():
        values = dict(values)
        if new_source:
            values["made_source"], _created = get_or_create_source(new_source, editor=editor)
        promise = Promise(administration=administration, updated_by=editor, **values)
        promise.code = next_code(administration, promise.origin)
        promise.full_clean(exclude=["administration", "sector", "made_source", "programme"])
        promise.save()
        _link(promise, promise.made_source)
        sources = [promise.made_source] if promise.made_source else []
        _log(Kind.PROMISE_NEW, promise=promise, sources=sources, editor=editor)
    return promise


def unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "indikator"
    slug, n = base, 1
    while Indicator.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_indicator(promise: Promise, *, values: dict, editor) -> Indicator:
    """A new indicator on a promise (target and baseline each with its source); logged as new."""
    with cache.batch():
        indicator = Indicator(promise=promise, sector=promise.sector, **values)
        indicator.slug = unique_slug(indicator.name)
        indicator.order = (Indicator.objects.filter(promise=promise).aggregate(m=models.Max("order"))["m"] or 0) + 1
        indicator.full_clean(exclude=["promise", "sector", "baseline_source", "target_source"])
        indicator.save()
        sources = list(dict.fromkeys(filter(None, [indicator.target_source, indicator.baseline_source])))
        for source in sources:
            _link(promise, source)
        _log(Kind.INDICATOR_NEW, promise=promise, indicator=indicator, sources=sources, editor=editor)
    return indicator


@dataclass
class Article:
    """What the desk's one save records from one article (views/desk.py builds it from the forms)."""

    source: Source | None  # a known source, or
    new_source: dict | None  # the fields of a new one
    links: list[dict] = field(default_factory=list)  # {"promise", "note"}
    readings: list[dict] = field(default_factory=list)  # {"indicator", reading fields...}
    statuses: list[dict] = field(default_factory=list)  # {"promise", "status", "verification", "reason", "recheck"}
    source_date: tuple | None = None  # (date, precision) for a known source that had none


class ArticleStale(Exception):
    """Something the article's rows touch was changed by someone else after the desk was loaded."""

    def __init__(self, changed: list[models.Model]):
        self.changed = changed
        super().__init__(", ".join(str(obj) for obj in changed))


@transaction.atomic
def record_article(article: Article, *, loaded_at, editor, report: Report | None = None) -> dict:
    """Everything one article says, in one transaction: its source, the promise links, the figures and the
    status changes (or rechecks, or proposed verdicts). A promise or indicator changed by someone else since
    `loaded_at` refuses the whole save (ArticleStale), so nothing is recorded over a change the editor has
    not seen; a refused row refuses everything.

    With a reader's `report` (still open), every log entry written points to it and the report is closed as
    accepted."""
    if report is not None:
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.state != Report.State.OPEN:
            raise ValidationError(_("Laporan pembaca ini sudah ditangani; simpan tanpa laporan itu."))
        token = _acting_on_report.set(report)
        try:
            done = _record_article(article, loaded_at=loaded_at, editor=editor)
        finally:
            _acting_on_report.reset(token)
        _close_report(report, Report.State.ACCEPTED, editor=editor)
        return done
    return _record_article(article, loaded_at=loaded_at, editor=editor)


def _record_article(article: Article, *, loaded_at, editor) -> dict:
    promises = {row["promise"].pk: row["promise"] for row in [*article.links, *article.statuses]}
    indicators = {row["indicator"].pk: row["indicator"] for row in article.readings}
    changed = [
        *Promise.objects.filter(pk__in=promises, updated_at__gt=loaded_at),
        *Indicator.objects.filter(pk__in=indicators, updated_at__gt=loaded_at),
    ]
    if changed:
        raise ArticleStale(changed)
    with cache.batch():
        source = article.source
        if source is None:
            source, _created = get_or_create_source(article.new_source, editor=editor)
        elif article.source_date is not None:
            date_source(source, *article.source_date)
        done = {"source": source, "links": [], "readings": [], "statuses": []}
        for row in article.links:
            done["links"].append(link_source(row["promise"], source, note=row.get("note", ""), editor=editor))
        for row in article.readings:
            indicator = Indicator.objects.get(pk=row["indicator"].pk)
            values = {name: value for name, value in row.items() if name != "indicator"}
            reading = add_reading(
                indicator,
                expected_version=indicator.version,
                values=values | {"source": source},
                new_source=None,
                editor=editor,
            )
            done["readings"].append(reading)
        for row in article.statuses:
            promise = Promise.objects.get(pk=row["promise"].pk)
            done["statuses"].append(
                record_status_change(
                    promise,
                    form_data={
                        "version": promise.version,
                        "status": row["status"],
                        "verification": row.get("verification", ""),
                        "reason": row["reason"],
                        "recheck": row.get("recheck", False),
                        "sources": [source],
                    },
                    editor=editor,
                )
            )
    return done


@transaction.atomic
def update_indicator_note(indicator: Indicator, *, expected_version: int, note: str, editor) -> Indicator:
    """The indicator's reconciliation note (what its conflicting figures mean), version-checked and logged."""
    note = (note or "").strip()
    with cache.batch():
        _take_version(Indicator, indicator.pk, expected_version, note=note)
        _log(Kind.INDICATOR_NOTE, promise=indicator.promise, indicator=indicator, note=note, editor=editor)
    indicator.refresh_from_db()
    return indicator


# Readers' reports (issue 13)


@transaction.atomic
def submit_report(values: dict) -> Report:
    """A reader's report, stored as sent; editors are told by e-mail when settings.REPORT_EMAILS is on."""
    report = Report.objects.create(**values)  # its promise's page shows how many reports are waiting (signals)
    if settings.REPORT_EMAILS:
        transaction.on_commit(lambda: _tell_editors(report))
    return report


def report_editors():
    """Active users who may work the queue and have an e-mail address."""
    perm = Q(user_permissions__codename="change_report") | Q(groups__permissions__codename="change_report")
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(perm | Q(is_superuser=True)).distinct()


def _tell_editors(report: Report) -> None:
    """One e-mail to the editors: what the report is about and where the queue is, never the reader's contact."""
    about = report.about()
    subject = _("Laporan pembaca baru %(receipt)s") % {"receipt": report.receipt}
    lines = [
        _("Tentang: %(about)s") % {"about": about if about else _("seluruh situs")},
        "",
        report.text,
        "",
        _("Tinjau di antrean laporan: %(url)s") % {"url": default_base_url() + report.get_absolute_url()},
    ]
    recipients = list(report_editors().values_list("email", flat=True))
    if not recipients:
        return
    try:
        send_mail(subject, "\n".join(lines), None, recipients)
    except Exception:  # the report is stored; a mail server that is down must not lose it or fail the reader
        logger.exception("could not e-mail the editors about report %s", report.receipt)


def _close_report(report: Report, state: str, *, editor, reason: str = "", duplicate_of: Report | None = None):
    report.state = state
    report.close_reason = reason
    report.duplicate_of = duplicate_of
    report.closed_at = timezone.now()
    report.closed_by = editor
    report.save(update_fields=["state", "close_reason", "duplicate_of", "closed_at", "closed_by"])  # bumps (signals)


@transaction.atomic
def close_report(report: Report, *, reason: str, editor) -> Report:
    """Close an open report with the editor's reason (not public)."""
    report = _open_report(report)
    _close_report(report, Report.State.CLOSED, editor=editor, reason=reason.strip())
    return report


@transaction.atomic
def mark_duplicate(report: Report, *, of: Report, editor) -> Report:
    report = _open_report(report)
    if of.pk == report.pk:
        raise ValidationError(_("Laporan tidak dapat menjadi duplikat dirinya sendiri."))
    _close_report(report, Report.State.DUPLICATE, editor=editor, duplicate_of=of)
    return report


def _open_report(report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != Report.State.OPEN:
        raise ValidationError(_("Laporan ini sudah ditangani editor lain."))
    return report


def purge_report_contacts(*, days: int, now=None) -> int:
    """Erase the contact of every report closed more than `days` days ago; how many were erased."""
    now = now or timezone.now()
    return (
        Report.objects.closed_before(now - timedelta(days=days))
        .exclude(contact="")
        .update(contact="", contact_erased_at=now)
    )
