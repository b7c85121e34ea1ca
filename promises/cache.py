"""The data versions: values in the shared cache that change after the writes to the tracker.

Cached pages (`middleware.PageCacheMiddleware`) are stored with the version they were rendered at and served
only while it is still current (or, for a moment while it is re-rendered, the one before). A page's version
has two parts: the global version, which every write of unknown reach changes, and the version of its scope:
`promise:<pk>` for a promise's page and feed, `indicator:<slug>` for an indicator's page and feed, `lists`
for every other page. A write whose reach is known (`bump(*scopes)`: a promise's status, a figure, a log
entry, a report) changes the versions of those scopes and of `lists` only, so the other promise and
indicator pages stay cached; `signals.py` works out the scopes from the saved row. Where versions change:

- the services (`services.py`) call `bump()` for every write they make, including `.update()`s that send no
  signal, inside one `batch()`;
- `signals.py` bumps on every save, delete and many-to-many change of a tracker model, and when a user's name
  changes (editors are named on public pages): the net for the admin and any other ORM write;
- the data loader, the official-list import and `import_all` wrap their many writes in one `batch()`.

A new version is set only after the write commits: taking the shared version row inside a writer's
transaction would order its locks differently from other writers (deadlocks), and is not needed, because a
page cached under the old version, with old or new data, is obsolete as soon as the new version is set.

The versions are stored without expiry and must outlive every page: Redis does not evict a key that has no
expiry under a `volatile-*` maxmemory policy; the database cache makes room by deleting the keys that sort
first, the version's among them, so `DatabaseCache` below keeps them (a flood of unique URLs would otherwise
invalidate every stored page at once, or bring back a scope's earlier version).
"""

import base64
import hashlib
import logging
import os
import pickle
import threading
import time
import uuid
from contextlib import contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends import db as database_cache
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "pjk:data-version"
ROOT = Path(__file__).resolve().parent.parent

_batch = threading.local()


SCOPE_PREFIX = "pjk:scope:"
LISTS = "lists"  # every page that is not one promise's or one indicator's: the dashboard, the lists, the log


def promise_scope(pk) -> str:
    return f"promise:{pk}"


def indicator_scope(slug) -> str:
    return f"indicator:{slug}"


def bump(*scopes: str) -> None:
    """Invalidate cached pages once the current transaction commits (at once outside a transaction): with
    `scopes`, the pages of those promises and indicators and the list pages; without, every page."""
    if getattr(_batch, "depth", 0):
        _batch.dirty = True
        if scopes and not getattr(_batch, "everything", False):
            _batch.scopes = getattr(_batch, "scopes", set()) | set(scopes)
        else:
            _batch.everything = True
        return
    if scopes:
        transaction.on_commit(lambda: set_new_scopes(scopes))
    else:
        transaction.on_commit(set_new_version)


def set_new_scopes(scopes) -> None:
    """New versions for the pages of these scopes and for the list pages; the rest stays cached."""
    version = new_version()
    cache.set_many({SCOPE_PREFIX + scope: version for scope in {*scopes, LISTS}}, None)
    forget()


def new_version() -> str:
    """A version carries the time it was set ("1764740000.123-<random>"), so a reader can tell how old it is."""
    return f"{time.time():.3f}-{uuid.uuid4().hex}"


def set_new_version() -> str:
    version = new_version()
    cache.set(VERSION_KEY, version, None)
    forget()
    return version


def age(version: str) -> float:
    """Seconds since `version` was set (for a page's "global|scope" version, since the newer part was);
    infinite for a version that carries no time."""
    try:
        return min(time.time() - float(part.split("-", 1)[0]) for part in version.split("|"))
    except (AttributeError, ValueError):
        return float("inf")


# The versions a process read last, reused while nothing has set a new one: with `settings.VERSION_STAMP_FILE`
# (a file every app process on this machine can write, e.g. /run/pantau-janji/data-version), whoever sets a new
# version touches the file after the version is stored, and a process reuses its versions only while the file's
# modification time is the one it saw when it read them. A hit on a page the process keeps
# (promises/middleware.py) then costs a stat() instead of a query, and the next request after a write, in any
# process, still reads the new version. MEMO_SECONDS bounds the reuse for a writer that could not touch the
# file (another machine sharing the cache; the file missing). Without the setting, versions are read every time.
MEMO_SECONDS = 1.0
_memo: dict[str, tuple[int, float, str]] = {}


def _stamp() -> int | None:
    """The stamp file's modification time in ns; None when there is none (then nothing is reused)."""
    if not settings.VERSION_STAMP_FILE:
        return None
    try:
        return os.stat(settings.VERSION_STAMP_FILE).st_mtime_ns
    except FileNotFoundError:
        # a new runtime directory: start it (reused from the next request); quietly, as this runs on every
        # request while it cannot be made (a missing folder is warned about by the writers, once per write)
        with suppress(OSError), open(settings.VERSION_STAMP_FILE, "a"):
            pass
        return None
    except OSError:
        return None


def _touch_stamp() -> None:
    """Tell every process on this machine that a version changed (after it is stored)."""
    if not settings.VERSION_STAMP_FILE:
        return
    now = time.time_ns()
    try:
        with open(settings.VERSION_STAMP_FILE, "a"):
            os.utime(settings.VERSION_STAMP_FILE, ns=(now, now))
    except OSError as error:
        logger.warning("could not touch VERSION_STAMP_FILE %s: %s", settings.VERSION_STAMP_FILE, error)


def read(scope: str, *keys: str) -> tuple[str, dict]:
    """The current version of a page of `scope` ("<global>|<scope's>") and the cached values of `keys`, read
    together (one query with the database cache, unless a version is not there yet); with no `keys`, the
    versions this process read last while no new one has been set since (see VERSION_STAMP_FILE; no query)."""
    stamp, now = _stamp(), time.monotonic()
    if not keys and stamp is not None and (memo := _memo.get(scope)):
        seen, when, version = memo
        if seen == stamp and now - when < MEMO_SECONDS:
            return version, {}
    scope_key = SCOPE_PREFIX + scope
    found = cache.get_many([VERSION_KEY, scope_key, *keys])
    everything = found.get(VERSION_KEY) or first_version()
    this_scope = found.get(scope_key) or first_scope_version(scope)
    version = f"{everything}|{this_scope}"
    if stamp is not None:
        _memo[scope] = (stamp, now, version)  # the stamp seen before the read: a write meanwhile changes it
    return version, found


def forget() -> None:
    """A new version was set: drop the versions this process remembers, and tell the others (the stamp)."""
    _memo.clear()
    _touch_stamp()


def first_scope_version(scope: str) -> str:
    """A scope's version when the cache has none yet, never a value it had before (like first_version)."""
    if cache.add(SCOPE_PREFIX + scope, new_version(), None):
        forget()
    return cache.get(SCOPE_PREFIX + scope)


@contextmanager
def batch():
    """Many writes, one invalidation at the end (a service's writes, the data loader, imports)."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if not _batch.depth and getattr(_batch, "dirty", False):
            scopes = () if getattr(_batch, "everything", False) else tuple(getattr(_batch, "scopes", ()))
            _batch.dirty, _batch.everything, _batch.scopes = False, False, set()
            bump(*scopes)


def first_version() -> str:
    """A version when the cache has none (new or flushed), without overwriting one another process set meanwhile."""
    if cache.add(VERSION_KEY, new_version(), None):
        forget()
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
    """Django's database cache, except that making room when it is full never deletes the data version, `incr` is
    atomic (the rate limit of readers' reports counts with it: django-ratelimit needs that), and `set` and `add`
    write their row in one statement.

    Django's own culling (the same, version aside): expired rows go first, then, when still more than
    MAX_ENTRIES, the first 1/CULL_FREQUENCY of the keys in sort order.
    """

    def _base_set(self, mode, key, value, timeout=database_cache.DEFAULT_TIMEOUT):
        """`set` and `add` as one INSERT … ON CONFLICT (PostgreSQL and SQLite), where Django reads the key's row
        first and then updates or inserts it in a transaction of its own: a cold page render stores its render lock
        and the page, so that was two transactions of three statements each. `add` replaces only a row that has
        expired, as Django's does. Within a transaction the statement gets a savepoint, so a failed write (Django
        lets them fail quietly) leaves that transaction usable. The count for making room is Django's."""
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = database_cache.tz_now().replace(microsecond=0)
        expires = (
            datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        )
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = quote("cache_key"), quote("value"), quote("expires")
        sql = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = excluded.{value_column}, "
            f"{expires_column} = excluded.{expires_column}"
        )
        params = [key, stored, expires]
        if mode == "add":
            sql += f" WHERE {table}.{expires_column} < %s"
            params.append(connection.ops.adapt_datetimefield_value(now))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            if (rows := cursor.fetchone()[0]) > self._max_entries:
                self._cull(db, cursor, now, rows)
            try:
                with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                    cursor.execute(sql, params)
            except DatabaseError:
                return False
            return mode == "set" or cursor.rowcount == 1

    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        version = self.make_and_validate_key(VERSION_KEY)
        # the versions of the scopes are kept too (pjk:scope:..., no expiry)
        scopes = self.make_and_validate_key(SCOPE_PREFIX) + "%"  # the prefix has no % or _ to escape
        kept = "cache_key <> %s AND cache_key NOT LIKE %s"
        if not self._cull_frequency:
            cursor.execute(f"DELETE FROM {table} WHERE {kept}", [version, scopes])
            return
        now = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s AND {kept}", [now, version, scopes])
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"SELECT cache_key FROM {table} WHERE {kept} ORDER BY cache_key LIMIT 1 OFFSET %s",
                [version, scopes, remaining // self._cull_frequency],
            )
            if first_kept := cursor.fetchone():
                cursor.execute(f"DELETE FROM {table} WHERE cache_key < %s AND {kept}", [first_kept[0], version, scopes])

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
