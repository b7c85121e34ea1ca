"""Small makers for test data (defaults that pass validation, overridable per test), and the checks that
several test modules share: `snapshot()` (nothing changed) and `queries_per_url()` (what each page costs)."""

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from promises import services
from promises.models import Administration, Indicator, Promise, Reading, Sector, Source

_seq = itertools.count(1)

# 10 September 2025, half past midnight in Kupang (WITA, UTC+8), while it is still 9 September in UTC: the
# moment a "not in the future" rule that took the date in UTC (`timezone.now().date()`) would get wrong.
# Tests of date rules freeze time there, `time_machine.travel(JUST_AFTER_MIDNIGHT_IN_KUPANG, tick=False)`,
# so they cannot flake around midnight; "today" is then TODAY_IN_KUPANG.
JUST_AFTER_MIDNIGHT_IN_KUPANG = datetime(2025, 9, 9, 16, 30, tzinfo=UTC)
TODAY_IN_KUPANG = date(2025, 9, 10)

# What storing one value in the database cache costs (promises.cache.DatabaseCache.set): a new data version after
# a write, or a page after a cache miss.
# * the number of rows in the cache table (the cull check)
# * a savepoint (the tests run in a transaction; outside one there is none)
# * the insert of the key's row, or the update of the row already there
# * the savepoint's release
CACHE_SET_QUERIES = 4
# A page that is not in the cache is rendered under a lock: cache.add() of one key, as many queries as a set.
RENDER_LOCK_QUERIES = CACHE_SET_QUERIES


def make_administration(**overrides) -> Administration:
    n = next(_seq)
    values = {
        "slug": f"pemerintahan-{n}",
        "name": f"Pemerintahan uji {n}",
        "region": "Kota Uji",
        "head": "Kepala Uji",
        "declared_promises": 72,
        "term_start": date(2025, 2, 20),
        "is_default": not Administration.objects.filter(is_default=True).exists(),
    }
    return Administration.objects.create(**(values | overrides))


def default_administration() -> Administration:
    """The default administration, made when there is none yet."""
    return Administration.objects.filter(is_default=True).first() or make_administration()


def make_sector(**overrides) -> Sector:
    n = next(_seq)
    return Sector.objects.create(**({"slug": f"bidang-{n}", "name": f"Bidang {n}"} | overrides))


def make_source(**overrides) -> Source:
    n = next(_seq)
    values = {
        "url": f"https://berita.example/artikel-{n}",
        "outlet": "Media Uji",
        "headline": f"Judul berita {n}",
        "published": date(2025, 8, 14),
    }
    return Source.objects.create(**(values | overrides))


def make_promise(**overrides) -> Promise:
    n = next(_seq)
    if "administration" not in overrides:
        overrides["administration"] = default_administration()
    if "sector" not in overrides:
        overrides["sector"] = make_sector()
    values = {"code": f"T-{n}", "title": f"Janji uji {n}", "description": "Uraian janji uji."}
    return Promise.objects.create(**(values | overrides))


def make_indicator(**overrides) -> Indicator:
    n = next(_seq)
    values = {"slug": f"indikator-{n}", "name": f"Indikator {n}", "unit": "unit"}
    return Indicator.objects.create(**(values | overrides))


def make_reading(indicator: Indicator, **overrides) -> Reading:
    values = {
        "value": Decimal(100),
        "unit": indicator.unit,
        "as_of": date(2025, 8, 14),
        "counts": Reading.Counts.DELIVERED,
        "said_by": Reading.SaidBy.MEDIA,
    }
    if "source" not in overrides:
        overrides["source"] = make_source()
    return Reading.objects.create(indicator=indicator, **(values | overrides))


def rate(promise: Promise, status=Promise.Status.DALAM_PROSES, **overrides):
    """Change the promise's status through the service, with a reason and a new source (a valid change by
    default: "dalam proses", confirmed by the media, from the version the promise object holds)."""
    values = {
        "expected_version": promise.version,
        "status": status,
        "verification": Promise.Verification.DIKONFIRMASI_MEDIA,
        "reason": "Ada langkah resmi yang bersumber.",
        "sources": [make_source()],
    }
    return services.change_status(promise, **(values | overrides))


def make_user(username="editor", *, staff=False, superuser=False):
    user = get_user_model().objects.create_user(
        username=username, password="kata-sandi-uji", is_staff=staff or superuser, is_superuser=superuser
    )
    return user


def grow(factor: int) -> None:
    """Add `factor` rated promises to the default administration, each with a linked source and an indicator
    with a target and three readings: more data of every kind a page shows, for flat-query tests."""
    administration = default_administration()
    sector = make_sector()
    for _ in range(factor):
        promise = make_promise(administration=administration, sector=sector)
        rate(promise)
        promise.refresh_from_db()
        promise.source_links.create(source=make_source(), note="catatan")
        indicator = make_indicator(
            promise=promise, sector=sector, target_value=Decimal(1000), target_source=make_source()
        )
        for day in (1, 5, 9):
            make_reading(indicator, as_of=date(2025, 8, day), value=Decimal(100 * day))


def group(name: str):
    """The group the migration made; recreated the same way when a transactional test flushed it."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    found = Group.objects.filter(name=name).first()
    if found is None:
        import_module("promises.migrations.0003_editor_and_admin_groups").make_groups(Group, Permission)
        found = Group.objects.get(name=name)
    return found


def make_editor(username="editor"):
    user = make_user(username)
    user.groups.add(group("Editor"))
    return user


def make_admin_user(username="pengelola"):
    user = make_user(username, staff=True)
    user.groups.add(group("Admin"))
    return user


def make_claim(promises=(), **overrides):
    """A government claim ("22 dari 72 ditepati") presenting `promises` as achievements."""
    from promises.models import Claim

    n = next(_seq)
    values = {
        "administration": default_administration(),
        "key": f"klaim-{n}",
        "title": f"{n} dari 72 janji ditepati",
        "kept": 22,
        "total": 72,
        "percent": Decimal("30.5"),
        "date": date(2025, 8, 14),
        "said_by": Reading.SaidBy.WALI_KOTA,
    }
    if "source" not in overrides:
        overrides["source"] = make_source()
    claim = Claim.objects.create(**(values | overrides))
    for promise in promises:
        claim.items.create(promise=promise, note="disebut dalam klaim")
    return claim


def admin_change_data(promise: Promise, **extra) -> dict:
    """The admin change form of `promise` as the browser posts it (no inline rows), with `extra` on top."""
    data = {
        "administration": promise.administration_id,
        "code": promise.code,
        "title": promise.title,
        "slug": promise.slug,
        "description": promise.description,
        "sector": promise.sector_id,
        "origin": promise.origin,
        "version": promise.version,
        "source_links-TOTAL_FORMS": 0,
        "source_links-INITIAL_FORMS": 0,
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }
    return data | extra


def snapshot() -> dict[str, list[dict]]:
    """Every row of every tracker table, field by field, to prove that something changed nothing: promises
    (status, verification, version, texts), status changes and their sources, promise-source links,
    sources, indicators (version), readings, claims and their items, administrations, programmes, sectors."""
    models = apps.get_app_config("promises").get_models(include_auto_created=True)
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in models}


def queries_per_url(client, urls) -> dict[str, int]:
    """{url: the number of queries its GET cost}, a streamed body read to the end; every answer must be 200."""
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def streamed(response) -> list[str]:
    """The chunks of a streaming response, read the way a server sends them."""
    assert response.streaming, "expected a streaming response"
    return [chunk.decode() for chunk in response.streaming_content]
