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
