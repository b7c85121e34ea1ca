import json
import subprocess
import sys

from django.test import TestCase

from .processes import ROOT, production_env

PROBE = """
import django
django.setup()
from django.test import Client
print(Client().get("/healthz").status_code)
"""


# The pages a reader, an editor and a feed reader ask for while the database is down, as nginx passes them on.
OUTAGE_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
answers = {}
for name, url, cookies in [
    ("cached page", "/", {}),
    ("cached page, English", "/en/metodologi/", {}),
    ("cached page, session cookie", "/janji/", {settings.SESSION_COOKIE_NAME: "x" * 32}),
    ("feed", "/perubahan/feed/", {}),
    ("healthz", "/healthz", {}),
]:
    client = Client(raise_request_exception=False, headers={"X-Forwarded-Proto": "https"})
    for cookie, value in cookies.items():
        client.cookies[cookie] = value
    response = client.get(url)
    answers[name] = {"status": response.status_code, "headers": dict(response.headers), "body": response.text}
print(json.dumps(answers))
"""


class HealthTests(TestCase):
    def test_it_answers_200_when_the_database_answers(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.text == "ok\n"
        assert not response.cookies

    def test_it_answers_503_when_the_database_does_not(self):
        # A real PostgreSQL address where nothing listens (port 1), in a separate process.
        env = production_env(DATABASE_URL="postgresql://nobody:x@127.0.0.1:1/none", ALLOWED_HOSTS="testserver")
        result = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip().splitlines()[-1] == "503", result.stderr


class DatabaseOutageTests(TestCase):
    def test_pages_answer_503_with_the_error_page_and_the_security_headers(self):
        env = production_env(DATABASE_URL="postgresql://nobody:x@127.0.0.1:1/none", ALLOWED_HOSTS="testserver")
        result = subprocess.run(
            [sys.executable, "-c", OUTAGE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        answers = json.loads(result.stdout.strip().splitlines()[-1])
        for name, answer in answers.items():
            assert answer["status"] == 503, name
            if name == "healthz":
                assert answer["body"] == "database unavailable\n"
                continue
            headers = answer["headers"]
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], name
            assert headers["X-Frame-Options"] == "DENY", name
            assert headers["X-Content-Type-Options"] == "nosniff", name
            assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), name
            assert "no-store" in headers["Cache-Control"], name
            assert "Traceback" not in answer["body"] and "127.0.0.1" not in answer["body"], name
        assert '<html lang="id">' in answers["cached page"]["body"]
        assert "Basis data kami sedang tidak menjawab" in answers["cached page"]["body"]
        assert '<html lang="en">' in answers["cached page, English"]["body"]
        assert "Our database is not answering" in answers["cached page, English"]["body"]
        # one ERROR line per request, with the cause and no traceback
        errors = [line for line in result.stderr.splitlines() if " ERROR " in line]
        assert len(errors) == len(answers), result.stderr
        assert all("Service Unavailable" in line for line in errors), errors
        assert sum("(database): /perubahan/feed/: OperationalError: connection failed" in line for line in errors) == 1
        assert "Traceback" not in result.stderr
