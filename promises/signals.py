"""The net under the page cache: any save, delete or many-to-many change of a tracker model bumps the data version.

The services bump explicitly (their `.update()`s send no signal); this catches the admin, the shell and any
other ORM write, so no path can leave a cached page stale (promises/cache.py).
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache


def _invalidate(sender, action: str = "post_save", **kwargs) -> None:
    if action.startswith("post_"):
        cache.bump()


def connect() -> None:
    for model in apps.get_app_config("promises").get_models():
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"pjk-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"pjk-delete-{model.__name__}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_invalidate, sender=field.remote_field.through, dispatch_uid=f"pjk-m2m-{field}")
