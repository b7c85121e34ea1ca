"""The data version: one random value in the shared cache that changes after every write to the tracker.

Cached pages (`middleware.PageCacheMiddleware`) are stored with the version they were rendered at and served
only while it is still current, so a page is never stale. Where the version changes:

- the services (`services.py`) call `bump()` for every write they make, including `.update()`s that send no
  signal, inside one `batch()`;
- `signals.py` bumps on every save, delete and many-to-many change of a tracker model, and when a user's name
  changes (editors are named on public pages): the net for the admin and any other ORM write;
- the data loader, the official-list import and `import_all` wrap their many writes in one `batch()`.

A new version is set only after the write commits: taking the shared version row inside a writer's
transaction would order its locks differently from other writers (deadlocks), and is not needed, because a
page cached under the old version, with old or new data, is obsolete as soon as the new version is set.

The version is stored without expiry and must outlive every page: Redis does not evict a key that has no
expiry under a `volatile-*` maxmemory policy; the database cache makes room by deleting the keys that sort
first, the version's among them, so `DatabaseCache` below keeps it (a flood of unique URLs would otherwise
invalidate every stored page at once).
"""

import hashlib
import threading
import time
import uuid
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.core.cache.backends import db as database_cache
from django.db import connections, router, transaction

VERSION_KEY = "pjk:data-version"
ROOT = Path(__file__).resolve().parent.parent

_batch = threading.local()


def bump() -> None:
    """Invalidate every cached page once the current transaction commits (at once outside a transaction)."""
    if getattr(_batch, "depth", 0):
        _batch.dirty = True
        return
    transaction.on_commit(set_new_version)


def new_version() -> str:
    """A version carries the time it was set ("1764740000.123-<random>"), so a reader can tell how old it is."""
    return f"{time.time():.3f}-{uuid.uuid4().hex}"


def set_new_version() -> str:
    version = new_version()
    cache.set(VERSION_KEY, version, None)
    return version


def age(version: str) -> float:
    """Seconds since `version` was set; infinite for a version that carries no time."""
    try:
        return time.time() - float(version.split("-", 1)[0])
    except (AttributeError, ValueError):
        return float("inf")


@contextmanager
def batch():
    """Many writes, one invalidation at the end (a service's writes, the data loader, imports)."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if not _batch.depth and getattr(_batch, "dirty", False):
            _batch.dirty = False
            bump()


def first_version() -> str:
    """A version when the cache has none (new or flushed), without overwriting one another process set meanwhile."""
    cache.add(VERSION_KEY, new_version(), None)
    return cache.get(VERSION_KEY)


@lru_cache(maxsize=1)
def build_id() -> str:
    """A fingerprint of the code and templates, so a deploy never serves pages rendered by the old code."""
    digest = hashlib.sha256()
    for folder in ("promises", "templates", "static", "kupang", "locale"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".mo"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class DatabaseCache(database_cache.DatabaseCache):
    """Django's database cache, except that making room when it is full never deletes the data version, and
    `incr` is atomic (the rate limit of readers' reports counts with it: django-ratelimit needs that).

    Django's own culling (the same, version aside): expired rows go first, then, when still more than
    MAX_ENTRIES, the first 1/CULL_FREQUENCY of the keys in sort order.
    """

    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        version = self.make_and_validate_key(VERSION_KEY)
        if not self._cull_frequency:
            cursor.execute(f"DELETE FROM {table} WHERE cache_key <> %s", [version])
            return
        now = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s AND cache_key <> %s", [now, version])
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"SELECT cache_key FROM {table} WHERE cache_key <> %s ORDER BY cache_key LIMIT 1 OFFSET %s",
                [version, remaining // self._cull_frequency],
            )
            if first_kept := cursor.fetchone():
                cursor.execute(
                    f"DELETE FROM {table} WHERE cache_key < %s AND cache_key <> %s", [first_kept[0], version]
                )

    def incr(self, key, delta=1, version=None):
        """Django's get-then-set, with the key's row locked meanwhile, so two requests at once both count."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                key_in_table = self.make_and_validate_key(key, version=version)
                cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s{lock}", [key_in_table])
            return super().incr(key, delta, version)
