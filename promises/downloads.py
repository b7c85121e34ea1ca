"""The open-data files (`/data/<table>.<csv|json>`), written once per data version and then served as files.

Building a whole table at 100x took a sync worker 0,2–0,9 s per request (docs/benchmark.md). Now the first
request after a write builds the file, and every later request until the next write is answered from it:

- **Where.** `settings.DOWNLOADS_DIR` (env `DOWNLOADS_DIR`; default `downloads/` in the checkout, git-ignored),
  one folder per data version (the global and list versions of promises/cache.py and the code's build id, hashed),
  one file per table, format, language and site address (the files name the /data/ page's absolute URL).
- **One writer.** An exclusive `flock` on the folder's lock file: a request that finds the file missing waits for
  the one building it and then serves its file. The file is written to a temporary name in the same folder and
  renamed into place (`os.replace`), the gzip copy first, so a file that exists is complete and so is its copy.
- **Serving.** `FileResponse` (gunicorn sends it with sendfile), the `.gz` copy when the client accepts gzip;
  or, with `settings.DOWNLOADS_X_ACCEL` (env `DOWNLOADS_X_ACCEL=/_unduhan/`, nginx in front), an empty answer
  whose `X-Accel-Redirect` names the file under that internal location (deploy/nginx.conf, docs/deploy.md).
- **Clean-up.** After a build, the folders of other versions untouched for `KEEP_SECONDS` are removed (a reader
  may still be receiving a file of the version just replaced; an open file survives its removal anyway).

A filtered file (the promise list's filters, one indicator's figures) is still built for each request and
streamed: there are too many of them to keep, and they are small.
"""

import fcntl
import gzip
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import get_language

from . import cache as data_version

KEEP_SECONDS = 60
LOCK_NAME = ".lock"


def folder_for_version() -> Path:
    """This data version's folder (reads the version: one query with the database cache)."""
    version, _found = data_version.read(data_version.LISTS)
    name = hashlib.sha256(f"{data_version.build_id()}|{version}".encode()).hexdigest()[:20]
    return Path(settings.DOWNLOADS_DIR) / name


def file_name(request: HttpRequest, table: str, fmt: str) -> str:
    site = slugify(request.build_absolute_uri("/"))
    return f"{table}-{get_language()}-{site}.{fmt}"


def serve(request: HttpRequest, table: str, fmt: str, content_type: str, build) -> HttpResponse:
    """The file of `table` in `fmt` for the current data version, built first (`build()` gives its text in
    pieces) when it does not exist yet."""
    folder = folder_for_version()
    path = folder / file_name(request, table, fmt)
    ensure(path, build)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    if settings.DOWNLOADS_X_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.DOWNLOADS_X_ACCEL.rstrip('/')}/{folder.name}/{path.name}"
    else:
        served = path.with_name(path.name + ".gz") if gzipped else path
        try:
            opened = served.open("rb")
        except FileNotFoundError:  # removed just now with its old version's folder (_clean_up): build it again
            ensure(path, build)
            opened = served.open("rb")
        response = FileResponse(opened, content_type=content_type)
        del response["Content-Disposition"]  # FileResponse names the file inline; the caller says how
        if gzipped:
            response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = f'"{folder.name}-{path.name}"'
    return response


def ensure(path: Path, build) -> None:
    """Build the file at `path` unless it exists, one writer at a time: a request that finds it missing while
    another builds it waits for that one and then finds it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in (path.parent.parent, path.parent):
        os.chmod(folder, 0o755)  # nginx reads them; the service runs with UMask=0077 (deploy/pantau-janji.service)
    with _locked(path.parent):
        if not path.exists():  # another request may have built it while this one waited
            write(path, build())
            _clean_up(keep=path.parent)


def write(path: Path, pieces: Iterable[str]) -> None:
    """Write the text to `path` and its gzip copy to `path.gz`, each under a temporary name in the same folder
    renamed into place, the copy first. Readable by nginx (0644), whatever the process's umask."""
    plain_fd, plain_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    packed_fd, packed_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.gz.")
    try:
        with (
            os.fdopen(plain_fd, "wb") as plain,
            os.fdopen(packed_fd, "wb") as packed,
            gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=6, mtime=0) as compressed,
        ):
            for piece in pieces:
                data = piece.encode()
                plain.write(data)
                compressed.write(data)
        for temporary in (plain_name, packed_name):
            os.chmod(temporary, 0o644)
        os.replace(packed_name, path.with_name(path.name + ".gz"))
        os.replace(plain_name, path)
    except BaseException:
        for temporary in (plain_name, packed_name):
            Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def _locked(folder: Path):
    with open(folder / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clean_up(keep: Path) -> None:
    """Remove the other versions' folders that nobody has written to for KEEP_SECONDS."""
    now = time.time()
    for folder in Path(settings.DOWNLOADS_DIR).iterdir():
        if folder != keep and folder.is_dir() and now - folder.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
