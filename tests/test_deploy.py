"""The deployment examples in deploy/ are valid and say what docs/deploy.md promises.

nginx checks its own config (`nginx -t`); systemd's `systemd-analyze verify` is not on every machine, so the
unit file is parsed here and its key lines asserted; and gunicorn is started with the unit's own arguments.
"""

import gzip
import http.client
import http.server
import os
import re
import secrets
import shlex
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

from .processes import ROOT, free_port, production_env, start_gunicorn

DEPLOY = ROOT / "deploy"
CERT_DIR = "/etc/letsencrypt/live/janji.example.org/"


def require_tool(test: SimpleTestCase, name: str, *extra_paths: str) -> str:
    """The tool's path; skipped locally when missing, a failure under CI=true (never a silent skip there)."""
    found = shutil.which(name) or next((p for p in extra_paths if os.access(p, os.X_OK)), None)
    if found:
        return found
    message = f"{name} is not installed (apt-get install --no-install-recommends {name})"
    if os.environ.get("CI") == "true":
        test.fail(f"{message}; CI=true: failing instead of skipping.")
    test.skipTest(message)


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}}: continuation lines joined, comments dropped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    logical = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not logical and (not line or line.startswith(("#", ";"))):
            continue
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        line, logical = logical + line, ""
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def exec_start_argv(service: dict[str, list[str]]) -> list[str]:
    """ExecStart split as systemd does it for these lines: shell-like quoting, `%%` is a literal `%`."""
    [command] = service["ExecStart"]
    return [arg.replace("%%", "%") for arg in shlex.split(command)]


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def clean_env() -> dict[str, str]:
    """What a server's environment has besides the env file (not this test run's settings)."""
    return {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}


def nginx_wrapper(openssl: str, tmp: str, conf: str) -> str:
    """An nginx main config in `tmp` that includes the site file inside an http block, with the certificate
    certbot would make and logs and temporary files nginx can write: the rest of the file as shipped."""
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=janji"]
        + ["-keyout", f"{tmp}/privkey.pem", "-out", f"{tmp}/fullchain.pem"],
        check=True,
        capture_output=True,
    )
    site = conf.replace(CERT_DIR, f"{tmp}/").replace("/var/log/nginx/", f"{tmp}/")
    site = site.replace("/var/cache/nginx/", f"{tmp}/cache-")
    os.chmod(tmp, 0o755)  # nginx's workers (an unprivileged user when it starts as root) keep the micro-cache there
    Path(tmp, "site.conf").write_text(site)
    temp_paths = "".join(
        f"  {kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    Path(tmp, "wrapper.conf").write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n{temp_paths}  access_log {tmp}/access.log;\n  include {tmp}/site.conf;\n}}\n"
    )
    return f"{tmp}/wrapper.conf"


def server_blocks(conf: str) -> list[str]:
    """The text of each top-level `server { ... }` block, comments dropped."""
    blocks, depth, current = [], 0, None
    for raw in conf.splitlines():
        line = raw.split("#", 1)[0].strip()
        if depth == 0 and line.startswith("server") and line.endswith("{"):
            current = []
        if current is not None:
            current.append(line)
        depth += line.count("{") - line.count("}")
        if depth == 0 and current is not None:
            blocks.append("\n".join(current))
            current = None
    return blocks


def wait_for(connect, timeout: float = 10) -> http.client.HTTPResponse:
    """GET / on a new connection from `connect()`, retried until the server answers; the body read as `.body`."""
    deadline = time.monotonic() + timeout
    while True:
        connection = connect()
        try:
            connection.request("GET", "/", headers={"Host": "janji.example.org"})
            response = connection.getresponse()
            response.body = response.read()
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
        finally:
            connection.close()


def listen_on_loopback(tmp, *, upstream_port: int, https_port: int, http_port: int | None = None, **paths) -> None:
    """Rewrite the site file nginx_wrapper() put in `tmp`: listen on loopback ports, send to `upstream_port`, and
    move the shipped paths given as {old: new}."""
    site = Path(tmp, "site.conf").read_text()
    site = site.replace("proxy_pass http://127.0.0.1:8000", f"proxy_pass http://127.0.0.1:{upstream_port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port or free_port()};").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = site.replace("listen [::]:443 ssl http2;", "")
    for old, new in paths.get("moved", {}).items():
        site = site.replace(old, new)
    Path(tmp, "site.conf").write_text(site)


class NginxInFront(SimpleTestCase):
    """deploy/nginx.conf run for real on a loopback port in front of an upstream of the test's own."""

    def start_nginx(self, handler, *, moved: dict | None = None) -> str:
        """Start `handler`'s upstream and nginx in front of it; the temporary folder nginx runs in."""
        nginx = require_tool(self, "nginx", "/usr/sbin/nginx")
        openssl = require_tool(self, "openssl", "/usr/bin/openssl")
        handler.seen = []
        upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=upstream.serve_forever, daemon=True).start()
        self.addCleanup(upstream.shutdown)
        self.port = free_port()
        tmp = self.enterContext(tempfile.TemporaryDirectory())
        wrapper = nginx_wrapper(openssl, tmp, (DEPLOY / "nginx.conf").read_text())
        moved = {old: new.format(tmp=tmp) for old, new in (moved or {}).items()}  # "{tmp}": the folder nginx runs in
        listen_on_loopback(tmp, upstream_port=upstream.server_port, https_port=self.port, moved=moved)
        server = subprocess.Popen([nginx, "-p", tmp, "-c", wrapper, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        self.addCleanup(server.wait, 10)
        self.addCleanup(server.terminate)
        self.tls = ssl.create_default_context()
        self.tls.check_hostname, self.tls.verify_mode = False, ssl.CERT_NONE  # our test certificate
        wait_for(lambda: http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=self.tls))
        handler.seen = []
        return tmp


class NginxConfigTests(SimpleTestCase):
    def setUp(self):
        self.conf = (DEPLOY / "nginx.conf").read_text()

    def test_nginx_accepts_the_config_inside_an_http_block(self):
        nginx = require_tool(self, "nginx", "/usr/sbin/nginx")
        openssl = require_tool(self, "openssl", "/usr/bin/openssl")
        with tempfile.TemporaryDirectory() as tmp:
            wrapper = nginx_wrapper(openssl, tmp, self.conf)
            result = subprocess.run([nginx, "-t", "-p", tmp, "-c", wrapper], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr

    def test_it_buffers_slow_clients_and_passes_everything_to_gunicorn(self):
        directives = {line.strip().rstrip(";") for line in self.conf.splitlines() if not line.strip().startswith("#")}
        for expected in [
            "proxy_pass http://127.0.0.1:8000",
            "proxy_buffering on",
            "proxy_request_buffering on",
            "proxy_set_header X-Forwarded-Proto $scheme",
            "proxy_set_header X-Request-ID $request_id",
            "proxy_set_header Host $host",
            "client_header_timeout 15s",
            "client_body_timeout 15s",
        ]:
            assert expected in directives, expected
        # It serves nothing itself (whitenoise serves /static/) but the open-data files the app names with
        # X-Accel-Redirect, from one internal location, and leaves HSTS and other headers to Django.
        assert not re.search(r"^\s*(root|try_files)\b", self.conf, re.MULTILINE)
        assert self.conf.count("location ") == 3  # the redirect on :80, the proxy and the files on :443
        files = self.conf[self.conf.index("location /_unduhan/ {") :]
        files = files[: files.index("}")]
        assert "internal;" in files and "alias /var/lib/pantau-janji/unduhan/;" in files
        assert len(re.findall(r"^\s*alias\b", self.conf, re.MULTILINE)) == 1
        assert re.findall(r"^\s*add_header\b", self.conf, re.MULTILINE) == re.findall(
            r"^\s*add_header\b", files, re.MULTILINE
        )

    def test_no_server_block_names_the_nginx_version(self):
        blocks = server_blocks(self.conf)
        assert len(blocks) == 2  # :80 and :443
        for block in blocks:
            # per server block: a second one at http level (nginx.conf may have it) would fail `nginx -t`
            assert "server_tokens off" in block, block[:80]

    def test_nginx_sends_no_version_on_either_port(self):
        """nginx run with the file as shipped, on free ports and with nothing behind it: its redirect (:80) and
        its own 502 page (:443) show no version."""
        nginx = require_tool(self, "nginx", "/usr/sbin/nginx")
        openssl = require_tool(self, "openssl", "/usr/bin/openssl")
        http_port, https_port = free_port(), free_port()
        with tempfile.TemporaryDirectory() as tmp:
            wrapper = nginx_wrapper(openssl, tmp, self.conf)
            listen_on_loopback(tmp, upstream_port=free_port(), https_port=https_port, http_port=http_port)
            # our test certificate: not verified
            tls = ssl.create_default_context()
            tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
            server = subprocess.Popen([nginx, "-p", tmp, "-c", wrapper, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
            try:
                answers = [
                    wait_for(lambda: http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)),
                    wait_for(lambda: http.client.HTTPSConnection("127.0.0.1", https_port, timeout=5, context=tls)),
                ]
            finally:
                server.terminate()
                server.wait(timeout=10)
        redirect, bad_gateway = answers
        assert redirect.status == 301 and bad_gateway.status == 502
        for answer in answers:
            assert answer.getheader("Server") == "nginx", answer.getheader("Server")
            assert not re.search(rb"nginx/\d", answer.body)


class _Upstream(http.server.BaseHTTPRequestHandler):
    """A stand-in for gunicorn that counts what reaches it: "/cookie" sets a cookie, "/private" is an editor's."""

    seen: list[str] = []

    def do_GET(self):
        type(self).seen.append(self.path)
        body = f"render {len(self.seen)}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if self.path == "/cookie":
            self.send_header("Set-Cookie", "__Host-csrftoken=x; Path=/; Secure")
        if self.path == "/private":
            self.send_header("Cache-Control", "private, no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _FileUpstream(http.server.BaseHTTPRequestHandler):
    """A stand-in for the app behind nginx with DOWNLOADS_X_ACCEL=/_unduhan/: it names the file, nginx sends it."""

    seen: list[str] = []

    def do_GET(self):
        type(self).seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Disposition", 'attachment; filename="pantau-janji-kupang-claims.csv"')
        self.send_header("Content-Length", "0")
        self.send_header("X-Accel-Redirect", "/_unduhan/versi/claims.csv")
        self.end_headers()

    def log_message(self, *args):
        pass


class NginxDownloadTests(NginxInFront):
    """deploy/nginx.conf run for real: the app answers a download with X-Accel-Redirect and nginx sends the file."""

    BODY = "key,title\r\nklaim-1,22 dari 72\r\n" * 50

    def setUp(self):
        tmp = self.start_nginx(_FileUpstream, moved={"/var/lib/pantau-janji/unduhan/": "{tmp}/unduhan/"})
        files = Path(tmp, "unduhan", "versi")
        files.mkdir(parents=True)
        Path(files, "claims.csv").write_text(self.BODY)
        Path(files, "claims.csv.gz").write_bytes(gzip.compress(self.BODY.encode()))
        for path in [files.parent, files, *files.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=self.tls)
        try:
            connection.request("GET", path, headers={"Host": "janji.example.org", **headers})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def test_nginx_sends_the_file_the_app_names_with_the_apps_headers(self):
        status, headers, body = self.get("/data/claims.csv")
        assert (status, body.decode()) == (200, self.BODY)
        assert _FileUpstream.seen == ["/data/claims.csv"]
        assert headers["Content-Type"] == "text/csv; charset=utf-8"
        assert headers["Content-Disposition"] == 'attachment; filename="pantau-janji-kupang-claims.csv"'
        assert headers["Access-Control-Allow-Origin"] == "*" and headers["X-Content-Type-Options"] == "nosniff"

    def test_a_client_that_accepts_gzip_gets_the_compressed_copy(self):
        status, headers, body = self.get("/data/claims.csv", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
        assert gzip.decompress(body).decode() == self.BODY

    def test_the_files_cannot_be_fetched_directly(self):
        status, _headers, _body = self.get("/_unduhan/versi/claims.csv")
        assert status == 404  # internal: only the app's X-Accel-Redirect reaches it ...
        assert _FileUpstream.seen == []  # ... and the request did not go to the app either


class NginxMicroCacheTests(NginxInFront):
    """deploy/nginx.conf run for real in front of a counting upstream: the one-second micro-cache."""

    def setUp(self):
        self.start_nginx(_Upstream)

    def get(self, path: str, **headers) -> str:
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=self.tls)
        try:
            connection.request("GET", path, headers={"Host": "janji.example.org", **headers})
            response = connection.getresponse()
            assert response.status == 200, response.status
            return response.read().decode()
        finally:
            connection.close()

    def test_a_burst_of_readers_within_a_second_reaches_the_app_once(self):
        bodies = {self.get("/janji/") for _ in range(20)}
        assert _Upstream.seen == ["/janji/"] and len(bodies) == 1

    def test_compressed_and_plain_copies_are_kept_apart(self):
        self.get("/sumber/", **{"Accept-Encoding": "gzip"})
        self.get("/sumber/")
        self.get("/sumber/", **{"Accept-Encoding": "gzip, br"})
        assert _Upstream.seen == ["/sumber/", "/sumber/"]

    def test_after_a_second_the_page_is_fetched_again(self):
        self.get("/perubahan/")
        time.sleep(2.1)  # nginx counts validity in whole seconds: "1s" lasts one to two seconds
        self.get("/perubahan/")  # may still be the old copy while it refreshes in the background ...
        deadline = time.monotonic() + 2
        while len(_Upstream.seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _Upstream.seen == ["/perubahan/", "/perubahan/"]  # ... but the app was asked again

    def test_editors_and_responses_that_set_a_cookie_or_are_private_are_never_cached(self):
        for _ in range(3):
            self.get("/janji/", Cookie="__Host-csrftoken=a; __Host-sessionid=editor")
            self.get("/cookie")
            self.get("/private")
        assert _Upstream.seen.count("/janji/") == 3
        assert _Upstream.seen.count("/cookie") == 3 and _Upstream.seen.count("/private") == 3
        self.get("/janji/", Cookie="__Host-csrftoken=a")  # a reader with only the CSRF cookie: cached
        self.get("/janji/", Cookie="__Host-csrftoken=a")
        assert _Upstream.seen.count("/janji/") == 4


class SystemdUnitTests(SimpleTestCase):
    def setUp(self):
        self.unit = parse_unit((DEPLOY / "pantau-janji.service").read_text())
        self.service = self.unit["Service"]
        self.argv = exec_start_argv(self.service)

    def one(self, key: str) -> str:
        [value] = self.service[key]
        return value

    def test_it_runs_gunicorn_with_two_workers_and_no_control_socket_from_the_env_file(self):
        assert self.one("EnvironmentFile") == "/etc/pantau-janji.env"
        assert self.argv[0].endswith("/.venv/bin/gunicorn")
        assert "kupang.wsgi:application" in self.argv
        assert option(self.argv, "--workers") == "2"
        assert "--no-control-socket" in self.argv
        # the address nginx proxies to, and nowhere else
        assert option(self.argv, "--bind") == "127.0.0.1:8000"
        assert "proxy_pass http://127.0.0.1:8000;" in (DEPLOY / "nginx.conf").read_text()
        assert self.unit["Install"]["WantedBy"] == ["multi-user.target"]

    def test_it_runs_hardened_as_an_unprivileged_user(self):
        assert self.one("User") not in ("", "root")
        for key, value in {
            "NoNewPrivileges": "true",
            "ProtectSystem": "strict",
            "ProtectHome": "true",
            "PrivateTmp": "true",
            "PrivateDevices": "true",
            "CapabilityBoundingSet": "",
        }.items():
            assert self.one(key) == value, key

    def test_the_only_writable_paths_are_gunicorns_heartbeats_and_the_open_data_files(self):
        writable = self.one("ReadWritePaths").split()
        runtime, state = "/run/" + self.one("RuntimeDirectory"), "/var/lib/" + self.one("StateDirectory")
        assert writable == [runtime, state]
        assert option(self.argv, "--worker-tmp-dir") == runtime
        env = (DEPLOY / "pantau-janji.env.example").read_text()
        assert f"DOWNLOADS_DIR={state}/unduhan\n" in env and "DOWNLOADS_X_ACCEL=/_unduhan/\n" in env
        assert f"alias {state}/unduhan/;" in (DEPLOY / "nginx.conf").read_text()

    def test_gunicorn_starts_with_the_units_arguments_and_logs_the_request_id(self):
        """The unit's ExecStart (systemd unescaping applied), pointed at this checkout and a free port."""
        with tempfile.TemporaryDirectory() as tmp:
            argv = self.argv[1:]
            argv[argv.index("--worker-tmp-dir") + 1] = tmp
            # /healthz only needs a database that answers
            env = production_env(clean_env(), DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3")
            log_path = Path(tmp, "gunicorn.log")
            with start_gunicorn(env, argv=argv, log=log_path) as server:
                response = urllib.request.urlopen(server.url + "/healthz", timeout=5)
                assert response.status == 200
                request_id = response.headers["X-Request-ID"]
            log_text = log_path.read_text()
        assert re.search(rf'"GET /healthz HTTP/1.1" 200 \d+ \d+ms id={request_id}\b', log_text), log_text


class EnvironmentExampleTests(SimpleTestCase):
    def setUp(self):
        self.values = {}
        for line in (DEPLOY / "pantau-janji.env.example").read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                name, _, value = line.partition("=")
                self.values[name] = value

    def test_every_variable_is_one_the_settings_read(self):
        settings_text = (ROOT / "kupang" / "settings.py").read_text()
        for name in self.values:
            assert name == "DATABASE_URL" or f'"{name}"' in settings_text, name
        assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"} <= set(self.values)

    def test_check_deploy_is_clean_with_the_example_and_a_real_secret_key(self):
        env = clean_env() | self.values | {"SECRET_KEY": secrets.token_urlsafe(50)}
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
