"""The net under the page cache: any save, delete or many-to-many change of a tracker model bumps the data version.

The services bump explicitly (their `.update()`s send no signal); this catches the admin, the shell and any
other ORM write, so no path can leave a cached page stale (promises/cache.py). Users count too: public pages
name the editor of each change ("oleh …"), so renaming one bumps as well.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache

# What a public page shows of a user: get_full_name(), else the username.
SHOWN_USER_FIELDS = {"first_name", "last_name", "username"}


def _invalidate(sender, action: str = "post_save", **kwargs) -> None:
    if action.startswith("post_"):
        cache.bump()


def _user_saved(sender, created: bool = False, update_fields=None, **kwargs) -> None:
    # A new user is on no page yet. A login saves only `last_login`, which no page shows: bumping there would
    # empty the cache at every login.
    if not created and (update_fields is None or SHOWN_USER_FIELDS & set(update_fields)):
        cache.bump()


def connect() -> None:
    for model in apps.get_app_config("promises").get_models():
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"pjk-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"pjk-delete-{model.__name__}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_invalidate, sender=field.remote_field.through, dispatch_uid=f"pjk-m2m-{field}")
    # (no delete: a user named on a page is the editor of a status change, which protects them from deletion)
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="pjk-save-user")
