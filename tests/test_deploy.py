"""The deployment examples in deploy/ are valid and say what docs/deploy.md promises.

nginx checks its own config (`nginx -t`); systemd's `systemd-analyze verify` is not on every machine, so the
unit file is parsed here and its key lines asserted; and gunicorn is started with the unit's own arguments.
"""

import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

from .processes import ROOT, production_env, start_gunicorn

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


class NginxConfigTests(SimpleTestCase):
    def setUp(self):
        self.conf = (DEPLOY / "nginx.conf").read_text()

    def test_nginx_accepts_the_config_inside_an_http_block(self):
        nginx = require_tool(self, "nginx", "/usr/sbin/nginx")
        openssl = require_tool(self, "openssl", "/usr/bin/openssl")
        with tempfile.TemporaryDirectory() as tmp:
            # The certificate certbot would make, and logs nginx can write: the rest of the file as shipped.
            subprocess.run(
                [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=janji"]
                + ["-keyout", f"{tmp}/privkey.pem", "-out", f"{tmp}/fullchain.pem"],
                check=True,
                capture_output=True,
            )
            site = self.conf.replace(CERT_DIR, f"{tmp}/").replace("/var/log/nginx/", f"{tmp}/")
            Path(tmp, "site.conf").write_text(site)
            Path(tmp, "wrapper.conf").write_text(
                f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
                f"http {{\n  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
                f"  access_log {tmp}/access.log;\n  include {tmp}/site.conf;\n}}\n"
            )
            result = subprocess.run(
                [nginx, "-t", "-p", tmp, "-c", f"{tmp}/wrapper.conf"], capture_output=True, text=True, timeout=60
            )
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
        # It serves nothing itself (whitenoise serves /static/) and leaves HSTS and other headers to Django.
        assert not re.search(r"^\s*(root|alias|try_files|add_header)\b", self.conf, re.MULTILINE)
        assert self.conf.count("location ") == 2  # the redirect on :80 and the proxy on :443


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

    def test_the_only_writable_path_is_where_gunicorn_needs_to_write(self):
        writable = self.one("ReadWritePaths").split()
        runtime = "/run/" + self.one("RuntimeDirectory")
        assert writable == [runtime]
        assert option(self.argv, "--worker-tmp-dir") == runtime

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
