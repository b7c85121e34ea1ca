import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_the_live_server():
    # The live server's middleware is built once per session, before any per-test settings: tests speak
    # plain HTTP on localhost, so no redirect to HTTPS (production keeps it on).
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.DOWNLOADS_DIR = tmp_path / "downloads"  # the open-data files (promises/downloads.py), per test


@pytest.fixture(autouse=True)
def _versions_read_every_time(settings):
    """Every request reads the data versions: no stamp file (promises/cache.py), so query counts do not depend
    on it, and nothing remembered from an earlier test. VersionStampTests and the tests that start app
    processes turn it on. No cards or log rows kept from an earlier test either (promises/fragments.py)."""
    from promises import cache as data_version
    from promises import fragments

    settings.VERSION_STAMP_FILE = ""
    data_version._memo.clear()
    fragments.forget()


@pytest.fixture(autouse=True)
def _after_commit_at_once_in_testcase(request, monkeypatch):
    """A Django TestCase wraps each test in a transaction that never commits, so on-commit work (the page
    cache's new data version) would never run: there, run it at once. Tests with real commits
    (TransactionTestCase, the live server) keep Django's own on_commit."""
    from django.db import transaction
    from django.test import TestCase

    names = set(request.fixturenames)
    committing = {"transactional_db", "live_server"} & names
    in_testcase = isinstance(request.instance, TestCase) or ("db" in names and not committing)
    if in_testcase:
        monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _indonesian_first():
    # A request to /en/ leaves English active in the thread; every test starts in Indonesian.
    from django.utils import translation

    with translation.override("id"):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.exit(f"Chromium not found at {CHROMIUM} and CI=true: failing instead of skipping.", returncode=1)
        pytest.skip(f"Chromium not found at {CHROMIUM} (install 'chromium'); CI fails instead of skipping.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def kupang(live_server):
    """The live server with the real Kupang data loaded; its base URL (the browser tests' starting point)."""
    call_command("load_kupang_data", stdout=StringIO())
    return live_server.url
