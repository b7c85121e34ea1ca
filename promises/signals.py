"""The net under the page cache: any save, delete or many-to-many change of a tracker model bumps a data version.

The services bump explicitly (their `.update()`s send no signal); this catches the admin, the shell and any
other ORM write, so no path can leave a cached page stale (promises/cache.py). Users count too: public pages
name the editor of each change ("oleh …"), so renaming one bumps as well.

`page_scopes()` says which pages a row is on, where that is known for sure (a row an edit moves to another
promise or indicator is on both: every page is renewed then): a status change, a figure or a
log entry is on its promise's and its indicator's pages (and the list pages); a new source only on the list
pages until something links it (and that link bumps its own pages); anything else (a source's edit, a claim, a
sector, an indicator's own edit, which may rename its page) changes every page.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import cache

# What a public page shows of a user: get_full_name(), else the username.
SHOWN_USER_FIELDS = {"first_name", "last_name", "username"}


def promise_scopes(promise_id) -> tuple[str, ...]:
    """A promise's page and its indicators' pages (they show the promise's code and title)."""
    from .models import Indicator

    slugs = Indicator.objects.filter(promise_id=promise_id).values_list("slug", flat=True)
    return (cache.promise_scope(promise_id), *(cache.indicator_scope(slug) for slug in slugs))


def _indicator_scopes(indicator) -> tuple[str, ...]:
    return (cache.indicator_scope(indicator.slug), cache.promise_scope(indicator.promise_id))


def page_scopes(instance, created: bool = False) -> tuple[str, ...] | None:
    """The scopes of the pages that show `instance`, besides the list pages; None when every page may."""
    from .models import (
        ConflictMark,
        Indicator,
        LogEntry,
        Promise,
        PromiseSource,
        Reading,
        Report,
        Source,
        StatusChange,
        StatusProposal,
    )

    match instance:
        case Promise():  # its URL is its pk: a new title or slug leaves no other page of it behind
            return promise_scopes(instance.pk)
        case Reading() | ConflictMark():
            return _indicator_scopes(instance.indicator)
        case Indicator() if created:
            return _indicator_scopes(instance)
        case StatusChange() | StatusProposal() | PromiseSource():
            return (cache.promise_scope(instance.promise_id),)
        case Source() if created:  # on no page yet but the lists (/sumber/, search, downloads) until linked
            return (cache.LISTS,)
        case LogEntry():
            scopes = (cache.promise_scope(instance.promise_id),) if instance.promise_id else ()
            return scopes + ((cache.indicator_scope(instance.indicator.slug),) if instance.indicator_id else ())
        case Report():  # a promise's page counts the reports about it and about its indicators
            scopes = (cache.promise_scope(instance.promise_id),) if instance.promise_id else ()
            return scopes + (_indicator_scopes(instance.indicator) if instance.indicator_id else ())
    return None


def _parents(instance) -> tuple[str, ...]:
    """The foreign keys that say which promise's or indicator's pages a row is on (page_scopes), for the rows an
    edit can move to another one (the admin's forms): moved, it leaves the old pages too."""
    from .models import ConflictMark, PromiseSource, Reading, Report, StatusChange, StatusProposal

    match instance:
        case Reading() | ConflictMark():
            return ("indicator_id",)
        case StatusChange() | StatusProposal() | PromiseSource():
            return ("promise_id",)
        case Report():
            return ("promise_id", "indicator_id")
    return ()


def _remember_parents(sender, instance=None, raw=False, update_fields=None, **kwargs) -> None:
    """Before an edit saves a row that could move: whether it moves (one query), so that post_save renews every page
    (the old promise's or indicator's as well as the new one's; moving is rare)."""
    fields = _parents(instance)
    if (
        raw
        or instance._state.adding
        or not fields
        or (update_fields is not None and not {*fields, *(f.removesuffix("_id") for f in fields)} & set(update_fields))
    ):
        return
    before = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    if before is not None and before != tuple(getattr(instance, field) for field in fields):
        instance._pjk_moved = True


def _invalidate(
    sender, instance=None, action: str = "post_save", created: bool = False, reverse=False, raw=False, **kwargs
):
    if not action.startswith("post_"):
        return
    # A fixture or backup being loaded (raw) may not have the related rows yet: every page, without looking. A row
    # moved to another promise or indicator: every page (_remember_parents).
    moved = instance is not None and instance.__dict__.pop("_pjk_moved", False)
    scopes = None if raw or reverse or instance is None or moved else page_scopes(instance, created)
    if scopes is None:
        cache.bump()
    else:
        cache.bump(*scopes)


def _user_saved(sender, created: bool = False, update_fields=None, **kwargs) -> None:
    # A new user is on no page yet. A login saves only `last_login`, which no page shows: bumping there would
    # empty the cache at every login.
    if not created and (update_fields is None or SHOWN_USER_FIELDS & set(update_fields)):
        cache.bump()


def connect() -> None:
    for model in apps.get_app_config("promises").get_models():
        pre_save.connect(_remember_parents, sender=model, dispatch_uid=f"pjk-before-save-{model.__name__}")
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"pjk-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"pjk-delete-{model.__name__}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_invalidate, sender=field.remote_field.through, dispatch_uid=f"pjk-m2m-{field}")
    # (no delete: a user named on a page is the editor of a status change, which protects them from deletion)
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="pjk-save-user")
