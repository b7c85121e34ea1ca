"""The app as separate processes, for the tests and for bin/bench and bin/soak (standard library only).

- `production_env()`: the environment of an app process run as in production;
- `start_gunicorn()`: gunicorn on a free loopback port, returned once `/healthz` answers;
- `HttpsClient`: a browser behind the HTTPS proxy, talking to one such process.

Run from the repository root (`python -c 'from tests.processes import free_port; print(free_port())'`), or
with the root on sys.path.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "kupang.wsgi:application"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(base: Mapping[str, str] | None = None, **overrides: str | None) -> dict[str, str]:
    """`base` (default: this process's environment) with the production settings: DEBUG off, a new random
    SECRET_KEY, only 127.0.0.1 as host, and no redirect to HTTPS, because the process serves plain HTTP on
    loopback (clients send `X-Forwarded-Proto: https` as nginx does, so secure cookies and CSRF run as live).

    The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is left out; an override of None leaves that variable out.
    """
    env = dict(os.environ if base is None else base)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "kupang.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: str, elapsed: float):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed


class HttpsClient:
    """One browser behind the HTTPS proxy, talking to the app process on `port`: it keeps its own cookies
    (and drops those the server expires), says `X-Forwarded-Proto: https` as nginx would, and sends a form
    with the Origin and Referer a browser sends, so Django's CSRF checks run as in production."""

    def __init__(self, port: int, *, headers: Mapping[str, str] | None = None, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.origin = f"https://127.0.0.1:{port}"
        self.headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, referer: str | None = None) -> Response:
        """`form` is sent urlencoded (lists as repeated fields); `referer` is the page it was on (`path`)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + (referer or path),
            }
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, text, elapsed)


class Gunicorn:
    """A running gunicorn (see `start_gunicorn`); stopped on leaving a `with` block, or by `stop()`."""

    def __init__(self, process: subprocess.Popen, port: int, output):
        self.process, self.port, self._output = process, port, output
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        """What gunicorn wrote to stdout and stderr so far."""
        self._output.flush()
        self._output.seek(0)
        return self._output.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()

    def __enter__(self) -> "Gunicorn":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def shared_postgres_env(test, **overrides: str) -> dict[str, str]:
    """For a TransactionTestCase whose app processes share its PostgreSQL test database: the production
    environment pointing at it (database cache, a version stamp file this process touches too, as in production)
    with hashed static files collected. Skips on SQLite, fails under CI=true: CI runs it on PostgreSQL."""
    import pytest
    from django.db import connection
    from django.test import override_settings

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs this on PostgreSQL")
        pytest.skip("needs PostgreSQL shared by two processes (make test starts one)")
    db = connection.settings_dict
    env = production_env(
        DATABASE_URL=f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CACHE_URL="db",
        STATIC_ROOT=test.enterContext(tempfile.TemporaryDirectory()),
        # the processes reuse the versions they read until a write touches this file (promises/cache.py)
        VERSION_STAMP_FILE=str(Path(test.enterContext(tempfile.TemporaryDirectory()), "data-version")),
        **overrides,
    )
    test.enterContext(override_settings(VERSION_STAMP_FILE=env["VERSION_STAMP_FILE"]))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def start_gunicorn(
    env: Mapping[str, str],
    *,
    workers: int = 1,
    options: Sequence[str] = (),
    argv: Sequence[str] | None = None,
    log: Path | None = None,
    timeout: float = 30,
) -> Gunicorn:
    """gunicorn serving the app from this checkout with `env`, returned once `/healthz` answers 200.

    By default `kupang.wsgi:application` with `workers` sync workers, no control socket and `options`;
    `argv` instead gives all of gunicorn's arguments (say, a systemd unit's ExecStart). Either way --bind
    is pointed at a free port on 127.0.0.1. stdout and stderr go to `log` (default: a temporary file, read
    by `output()`). Raises RuntimeError with gunicorn's output when it does not answer within `timeout` s.
    """
    port = free_port()
    arguments = list(argv) if argv is not None else [APP, "--workers", str(workers), "--no-control-socket", *options]
    bind = f"127.0.0.1:{port}"
    if "--bind" in arguments:
        arguments[arguments.index("--bind") + 1] = bind
    else:
        arguments += ["--bind", bind]
    # closed by Gunicorn.stop()
    output = open(log, "w+b") if log else tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *arguments],
        cwd=ROOT,
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a Ctrl-C reaches the caller, which stops gunicorn in order
    )
    server = Gunicorn(process, port, output)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if HttpsClient(port, timeout=5).request("GET", "/healthz").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    text = server.output()
    server.stop()
    raise RuntimeError(f"gunicorn did not answer /healthz on {bind}:\n{text[-3000:]}")
