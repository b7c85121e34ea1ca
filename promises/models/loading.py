"""Model instances built from a database row without `Model.__init__`.

A cold /angka/ at 100x loads ~660 figures, /perubahan/ ~550 log entries, changes and sources: `Model.__init__`
(its signals, a loop over every field through `setattr` and the descriptors) was half of loading them, more than
the query. `from_db` is Django's documented hook for how a row becomes an instance; this one puts the row's
values straight into the instance's `__dict__`, which is where `Model.__init__` puts them too, and marks the
instance as loaded. The result is the same instance: the same loaded and deferred fields, the same `_state`.

It only does so while that holds: when nobody listens to `pre_init` / `post_init` for the model, and every field
is stored through Django's own plain descriptors (a field with a descriptor of its own, such as a file field,
would be skipped). Otherwise Django's `from_db` builds it.
"""

from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

PLAIN_DESCRIPTORS = {DeferredAttribute, ForeignKeyDeferredAttribute}


class QuickLoad:
    """A model mixin: instances loaded from the database are built without `Model.__init__`."""

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if not _plain(cls) or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        new = cls.__new__(cls)
        new.__dict__.update(zip(field_names, values, strict=True))
        state = new._state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return new


def _plain(cls) -> bool:
    """Whether every concrete field of `cls` is set by `Model.__init__` as a plain `__dict__` entry: its attribute
    is Django's DeferredAttribute, or a foreign key's (which on a change also forgets a cached related object,
    and a new instance has none)."""
    plain = cls.__dict__.get("_quick_load_plain")
    if plain is None:
        plain = cls._quick_load_plain = all(
            type(getattr(cls, field.attname, None)) in PLAIN_DESCRIPTORS for field in cls._meta.concrete_fields
        )
    return plain
