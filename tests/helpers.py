"""Small makers for test data: defaults that pass validation, overridable per test."""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from promises import services
from promises.models import Administration, Indicator, Promise, Reading, Sector, Source

_seq = itertools.count(1)


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
        overrides["administration"] = Administration.objects.filter(is_default=True).first() or make_administration()
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
    """Add `factor` × a handful of promises, sources, indicators and readings, for flat-query tests."""
    administration = Administration.objects.filter(is_default=True).first() or make_administration()
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
    administration = Administration.objects.filter(is_default=True).first() or make_administration()
    values = {
        "administration": administration,
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


def streamed(response) -> list[str]:
    """The chunks of a streaming response, read the way a server sends them."""
    assert response.streaming, "expected a streaming response"
    return [chunk.decode() for chunk in response.streaming_content]
