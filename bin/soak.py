"""The soak test behind `make soak` (started by bin/soak, which provides .venv and a throwaway PostgreSQL).

It prepares the database (migrate, the Kupang data, SOAK_EDITORS editors) and starts gunicorn as in
production (2 sync workers, DEBUG off, a random secret key: tests/processes.py). Then for SOAK_SECONDS it
runs SOAK_READERS readers over every public page (found by crawling the site) and SOAK_EDITORS editors who
log in and then change statuses and add figures through the same forms a person uses, reading the version
from the page; SOAK_STALE_PERCENT of their saves deliberately send an older
version. Then it reads the database (a `manage.py shell` snippet) and fails unless:

- no response was unexpected (a read is 200; a save is 302, or 200 with the "changed by someone else" note);
- every acknowledged save is in the database exactly once, and nothing else by the soak editors is;
- every deliberately stale save was refused and wrote nothing (no history row, figure or source);
- every promise's status is the one in its last history row;
- every promise's and indicator's version grew by exactly its acknowledged saves (no lost update);
- neither Django nor gunicorn logged an error (worker timeouts included).

Standard library only: it must not need anything the site does not.
"""

import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.processes import HttpsClient, Response, production_env, start_gunicorn  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS", "120"))
READERS = int(os.environ.get("SOAK_READERS", "4"))
EDITORS = int(os.environ.get("SOAK_EDITORS", "4"))
STALE_PERCENT = float(os.environ.get("SOAK_STALE_PERCENT", "15"))
SAME_STATUS_TEXT = "Centang “Diperiksa ulang”"
VERDICTS = {"ditepati", "ditepati_sebagian", "tidak_ditepati", "tidak_dapat_diverifikasi"}
CONFLICT_TEXT = "sudah diubah orang lain"
STALE_MARK = "[basi]"
NEW_SOURCE_PREFIX = "https://soak.example/"
PROMISE_PAGE = re.compile(r"^/janji/(\d+)-[\w-]+/$")
INDICATOR_PAGE = re.compile(r"^/indikator/([\w-]+)/$")
SKIPPED_PREFIXES = ("/admin", "/masuk", "/keluar", "/en/masuk", "/en/keluar")
# Django's and gunicorn's error lines: there must be none.
ERROR_LINE = re.compile(r"\[(ERROR|CRITICAL)\]| (ERROR|CRITICAL) \[")
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'

EDITORS_SNIPPET = """
import os
from django.contrib.auth.models import Group, User
editor = Group.objects.get(name="Editor")
for n in range(1, int(os.environ["SOAK_EDITORS"]) + 1):
    user = User.objects.create_user(f"soak-editor-{n}", password=os.environ["SOAK_PASSWORD"])
    user.groups.add(editor)
print(f"soak: {User.objects.filter(groups=editor).count()} editors in group Editor")
"""

DB_FACTS = r"""
import json
from django.db.models import Max
from promises.models import Indicator, Promise, Reading, Source, StatusChange
soak = {"editor__username__startswith": "soak-editor-"}
last = {p: s for p, s in StatusChange.objects.order_by("promise", "-pk").distinct("promise")
        .values_list("promise", "to_status")}
mismatch = [p.code for p in Promise.objects.all() if p.status != last.get(p.pk, "belum_dinilai")]
by_time = {row["promise"]: row["t"] for row in StatusChange.objects.values("promise").annotate(t=Max("created_at"))}
late = [pk for pk, t in by_time.items() if StatusChange.objects.filter(promise=pk, created_at=t).order_by("-pk")
        .values_list("to_status", flat=True).first() != last[pk]]
print(json.dumps({
    "status_changes": list(StatusChange.objects.filter(**soak).values_list("reason", "promise_id")),
    "readings": list(Reading.objects.filter(created_by__username__startswith="soak-editor-")
                     .values_list("note", "indicator__slug")),
    "soak_sources": list(Source.objects.filter(url__startswith="https://soak.example/").values_list("url", flat=True)),
    "status_mismatch": mismatch,
    "last_by_time_differs": late,
    "promise_versions": {str(pk): v for pk, v in Promise.objects.values_list("pk", "version")},
    "indicator_versions": dict(Indicator.objects.values_list("slug", "version")),
    "history_rows": StatusChange.objects.count(),
    "reading_rows": Reading.objects.count(),
}))
"""


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, check=True
    )
    return result.stdout or ""


def db_facts(env: dict) -> dict:
    return json.loads(manage(env, "shell", "-v", "0", "-c", DB_FACTS, capture=True).strip().splitlines()[-1])


class PageParser(HTMLParser):
    """Internal links, and each form's fields: {action: {"inputs": {name: [values]}, "options": {...}}}."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.forms: dict[str, dict] = {}
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        href = a.get("href")
        if tag in ("a", "link") and href and href.startswith("/") and not href.startswith("//"):
            self.links.add(href.split("#")[0])
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action") or "", {"inputs": defaultdict(list), "options": {}})
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["inputs"][a["name"]].append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = self._form["options"].setdefault(a["name"], [])
        elif tag == "option" and self._select is not None:
            self._select.append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


class Soak:
    def __init__(self, env: dict, port: int, password: str):
        self.env, self.port, self.password = env, port, password
        self.lock = threading.Lock()
        self.deadline = 0.0
        self.pages: list[str] = []
        self.promises: list[str] = []
        self.indicators: list[str] = []
        self.read_hits: Counter = Counter()
        self.counts: Counter = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.unexpected: list[str] = []
        self.acked_status: dict[str, str] = {}  # token -> promise pk
        self.acked_readings: dict[str, str] = {}  # token -> indicator slug
        self.acked_new_sources: set[str] = set()
        self.refused_tokens: set[str] = set()
        self._cursor = -1

    def client(self) -> HttpsClient:
        """One browser of its own (cookies), behind the HTTPS proxy as nginx would pass it on."""
        return HttpsClient(self.port, headers={"User-Agent": "pantau-janji-soak"})

    # ---------------------------------------------------------------- bookkeeping
    def note(self, kind: str, response: Response | None, problem: str | None = None):
        with self.lock:
            self.counts[kind] += 1
            if response is not None:
                self.latency["write" if kind.startswith(("status", "reading", "login")) else "read"].append(
                    response.elapsed
                )
                if "X-Request-ID" not in response.headers:
                    problem = problem or "no X-Request-ID header"
            if problem:
                self.unexpected.append(f"{kind}: {problem}")

    def next_page(self) -> str:
        """Every page in turn until each was read once, then in turn half the time and at random otherwise."""
        with self.lock:
            self._cursor += 1
            if self._cursor <= len(self.pages) or random.random() < 0.5:
                return self.pages[self._cursor % len(self.pages)]
        return random.choice(self.pages)

    # ---------------------------------------------------------------- crawl
    def crawl(self):
        """Every public page linked from the site's main pages, two links deep (query-string variants capped)."""
        client = self.client()
        seen, frontier, variants = set(), ["/", "/janji/", "/sumber/", "/perubahan/", "/data/", "/en/"], 0
        for _depth in range(3):
            found = []
            for path in frontier:
                if path in seen:
                    continue
                seen.add(path)
                response = client.request("GET", path)
                if response.status != 200:
                    self.unexpected.append(f"crawl {path}: {response.status}")
                    continue
                if "html" in response.headers.get("Content-Type", ""):
                    found.extend(parse(response.body).links)
            frontier = []
            for link in sorted(set(found) - seen):
                if link.startswith(SKIPPED_PREFIXES):
                    continue
                if "?" in link:
                    if variants >= 40:
                        continue
                    variants += 1
                frontier.append(link)
        self.pages = sorted(seen | set(frontier) | {"/healthz", "/metodologi/"})
        self.promises = [p for p in self.pages if PROMISE_PAGE.match(p)]
        self.indicators = [p for p in self.pages if INDICATOR_PAGE.match(p)]

    # ---------------------------------------------------------------- readers
    def reader(self):
        client = self.client()
        while time.monotonic() < self.deadline:
            path = self.next_page()
            try:
                response = client.request("GET", path)
            except OSError as error:
                self.note("read", None, f"GET {path}: {error!r}")
                continue
            with self.lock:
                self.read_hits[path] += 1
            self.note("read", response, None if response.status == 200 else f"GET {path}: {response.status}")

    # ---------------------------------------------------------------- editors
    def login(self, client: HttpsClient, username: str) -> bool:
        page = client.request("GET", "/masuk/")  # sets the CSRF cookie
        self.note("read", page, None if page.status == 200 else f"GET /masuk/: {page.status}")
        tokens = [v for form in parse(page.body).forms.values() for v in form["inputs"].get("csrfmiddlewaretoken", [])]
        form = {"csrfmiddlewaretoken": tokens[0], "username": username, "password": self.password}
        response = client.request("POST", "/masuk/", form)
        ok = response.status == 302 and any("sessionid" in name for name in client.cookies)
        self.note("login", response, None if ok else f"login {username}: {response.status}")
        return ok

    def editor(self, number: int):
        username = f"soak-editor-{number}"
        client = self.client()
        if not self.login(client, username):
            return
        hot = self.promises[:3]
        for n in range(1, 10**9):
            if time.monotonic() >= self.deadline:
                return
            token = f"soak-{number}-{n}"
            stale = random.random() * 100 < STALE_PERCENT
            try:
                if random.random() < 0.6:
                    path = random.choice(hot) if random.random() < 0.5 else random.choice(self.promises)
                    self.change_status(client, path, token, stale)
                else:
                    self.add_reading(client, random.choice(self.indicators), token, stale)
            except OSError as error:
                self.note("editor", None, f"{token}: {error!r}")

    def _form(self, client: HttpsClient, page: str, action: str) -> dict | None:
        response = client.request("GET", page)
        self.note("read", response, None if response.status == 200 else f"GET {page} as editor: {response.status}")
        form = parse(response.body).forms.get(action)
        if response.status == 200 and form is None:
            self.note("read", None, f"{page}: no form {action} for an editor")
        return form

    def _new_source(self, token: str) -> dict:
        return {
            "new_url": NEW_SOURCE_PREFIX + token,
            "new_outlet": "Media Uji Ketahanan",
            "new_headline": f"Artikel {token}",
            "new_kind": "media",
            "new_published": "2025-09-01",
        }

    def _post(self, kind: str, client: HttpsClient, action: str, page: str, data: dict, token: str, stale: bool):
        response = client.request("POST", action, data, referer=page)
        kind = f"{kind}-stale" if stale else kind
        if response.status == 302 and not stale:
            return response, True
        if response.status == 200 and CONFLICT_TEXT in response.body:
            with self.lock:
                self.refused_tokens.add(token)
                self.counts[f"{kind}-refused"] += 1
            self.note(kind, response)
            return response, False
        if response.status == 200 and SAME_STATUS_TEXT in response.body:  # a random pick equal to the current one
            with self.lock:
                self.counts[f"{kind}-same-status"] += 1
            self.note(kind, response)
            return response, False
        errors = re.findall(r'class="error"[^>]*>([^<]+)<', response.body)[:3]
        problem = "stale version ACCEPTED" if response.status == 302 else f"{response.status} {errors}"
        self.note(kind, response, f"{token} {action}: {problem}")
        return response, False

    def change_status(self, client: HttpsClient, page: str, token: str, stale: bool):
        pk = PROMISE_PAGE.match(page).group(1)
        action = f"/janji/{pk}/status/"
        form = self._form(client, page, action)
        if form is None:
            return
        # Verdicts wait for a second editor (proposals, not status changes): the soak changes only the other statuses.
        status = random.choice([v for v in form["options"]["status"] if v and v not in VERDICTS])
        verifications = [v for v in form["options"]["verification"] if v]
        version = int(form["inputs"]["version"][0])
        stale = stale and version > 1  # at version 1 there is no older one to send (0 is invalid, not stale)
        data = {
            "csrfmiddlewaretoken": form["inputs"]["csrfmiddlewaretoken"][0],
            "version": version - 1 if stale else version,
            "status": status,
            "verification": "" if status == "belum_dinilai" else random.choice(verifications),
            "reason": f"Uji ketahanan {token}" + (f" {STALE_MARK}" if stale else ""),
        }
        sources = form["inputs"].get("sources", [])
        new_source = not sources or random.random() < 0.15
        if new_source:
            data |= self._new_source(token)
        else:
            data["sources"] = random.sample(sources, min(len(sources), random.randint(1, 2)))
        response, acked = self._post("status", client, action, page, data, token, stale)
        if acked:
            with self.lock:
                self.acked_status[token] = pk
                if new_source:
                    self.acked_new_sources.add(NEW_SOURCE_PREFIX + token)
            self.note("status", response)

    def add_reading(self, client: HttpsClient, page: str, token: str, stale: bool):
        slug = INDICATOR_PAGE.match(page).group(1)
        action = f"/indikator/{slug}/angka/"
        form = self._form(client, page, action)
        if form is None:
            return
        version = int(form["inputs"]["version"][0])
        stale = stale and version > 1  # at version 1 there is no older one to send (0 is invalid, not stale)
        data = {
            "csrfmiddlewaretoken": form["inputs"]["csrfmiddlewaretoken"][0],
            "version": version - 1 if stale else version,
            "value": f"{random.randint(0, 50000)}.{random.randint(0, 99):02d}",
            "unit": form["inputs"]["unit"][0] or "unit",
            "as_of": (date(2025, 3, 1) + timedelta(days=random.randint(0, 180))).isoformat(),
            "counts": random.choice([v for v in form["options"]["counts"] if v]),
            "said_by": random.choice([v for v in form["options"]["said_by"] if v]),
            "note": token + (f" {STALE_MARK}" if stale else ""),
        }
        sources = [v for v in form["options"].get("source", []) if v]
        new_source = not sources or random.random() < 0.15
        if new_source:
            data |= self._new_source(token)
        else:
            data["source"] = random.choice(sources)
        response, acked = self._post("reading", client, action, page, data, token, stale)
        if acked:
            with self.lock:
                self.acked_readings[token] = slug
                if new_source:
                    self.acked_new_sources.add(NEW_SOURCE_PREFIX + token)
            self.note("reading", response)

    # ---------------------------------------------------------------- run and check
    def run(self) -> int:
        self.crawl()
        print(
            f"soak: {len(self.pages)} public pages ({len(self.promises)} promises, {len(self.indicators)} "
            f"indicators); {READERS} readers, {EDITORS} editors, {SECONDS:g} s, {STALE_PERCENT:g}% stale saves"
        )
        before = db_facts(self.env)
        self.deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=self.reader) for _ in range(READERS)]
        threads += [threading.Thread(target=self.editor, args=(n,)) for n in range(1, EDITORS + 1)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = db_facts(self.env)
        return self.report(before, after, elapsed)

    def report(self, before: dict, after: dict, elapsed: float) -> int:
        db_status = Counter(reason.split()[2] for reason, _ in after["status_changes"])
        db_readings = Counter(note.split()[0] for note, _ in after["readings"])
        acked_status, acked_readings = set(self.acked_status), set(self.acked_readings)
        stale_rows = [r for r, _ in after["status_changes"] if STALE_MARK in r] + [
            n for n, _ in after["readings"] if STALE_MARK in n
        ]
        refused_written = (set(db_status) | set(db_readings)) & self.refused_tokens
        refused_sources = {u for u in after["soak_sources"] if u.removeprefix(NEW_SOURCE_PREFIX) in self.refused_tokens}
        version_drift = []
        per_promise = Counter(self.acked_status.values())
        for pk, version in after["promise_versions"].items():
            if version - before["promise_versions"][pk] != per_promise[pk]:
                version_drift.append(f"promise {pk}")
        per_indicator = Counter(self.acked_readings.values())
        for slug, version in after["indicator_versions"].items():
            if version - before["indicator_versions"][slug] != per_indicator[slug]:
                version_drift.append(f"indicator {slug}")
        never_read = [p for p in self.pages if not self.read_hits[p]]
        stale_sent = self.counts["status-stale"] + self.counts["reading-stale"]
        # a stale save refused because its random status was the current one is refused too, and writes nothing
        stale_refused = (
            self.counts["status-stale-refused"]
            + self.counts["reading-stale-refused"]
            + self.counts["status-stale-same-status"]
        )
        natural = self.counts["status-refused"] + self.counts["reading-refused"]

        def pct(kind: str, q: float) -> str:
            values = sorted(self.latency[kind])
            return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:.0f}" if values else "-"

        checks = [
            ("unexpected responses", len(self.unexpected), 0),
            ("pages never read", len(never_read), 0),
            ("status saves acknowledged but not in history", len(acked_status - set(db_status)), 0),
            ("status history rows by soak editors not acknowledged", len(set(db_status) - acked_status), 0),
            ("status saves written more than once", sum(c > 1 for c in db_status.values()), 0),
            ("readings acknowledged but not stored", len(acked_readings - set(db_readings)), 0),
            ("readings by soak editors not acknowledged", len(set(db_readings) - acked_readings), 0),
            ("readings written more than once", sum(c > 1 for c in db_readings.values()), 0),
            ("new sources acknowledged vs stored differ", len(self.acked_new_sources ^ set(after["soak_sources"])), 0),
            ("stale saves accepted", stale_sent - stale_refused, 0),
            ("rows written for refused saves", len(stale_rows) + len(refused_written) + len(refused_sources), 0),
            ("promises whose status is not their last history row", len(after["status_mismatch"]), 0),
            ("promises whose newest-by-time row is not their last row", len(after["last_by_time_differs"]), 0),
            ("versions not grown by exactly the acknowledged saves", len(version_drift), 0),
        ]
        requests = sum(v for k, v in self.counts.items() if not k.endswith("-refused"))
        print(f"\n=== soak summary ({elapsed:.0f} s, {requests} requests, {requests / elapsed:.0f}/s)")
        print(
            f"reads: {self.counts['read']} over {len(self.pages)} pages, p50/p95/p99 {pct('read', 0.5)}/"
            f"{pct('read', 0.95)}/{pct('read', 0.99)} ms"
        )
        print(f"writes: p50/p95/p99 {pct('write', 0.5)}/{pct('write', 0.95)}/{pct('write', 0.99)} ms")
        print(f"logins: {self.counts['login']}")
        print(
            f"status changes: acknowledged {len(acked_status)}, history rows by soak editors "
            f"{len(after['status_changes'])} (history {before['history_rows']} -> {after['history_rows']})"
        )
        print(
            f"readings: acknowledged {len(acked_readings)}, rows by soak editors {len(after['readings'])} "
            f"(all readings {before['reading_rows']} -> {after['reading_rows']})"
        )
        print(
            f"new sources pasted and acknowledged: {len(self.acked_new_sources)}, stored {len(after['soak_sources'])}"
        )
        print(f"stale saves sent {stale_sent}, refused {stale_refused}; concurrent-edit conflicts refused {natural}")
        failed = False
        for label, value, expected in checks:
            mark = "ok  " if value == expected else "FAIL"
            failed |= value != expected
            print(f"  [{mark}] {label}: {value}")
        if not acked_status or not acked_readings or not stale_sent:
            print("  [FAIL] the soak wrote too little to prove anything (no status, reading or stale save)")
            failed = True
        for line in self.unexpected[:20]:
            print(f"    unexpected: {line}")
        for line in (never_read + version_drift + after["status_mismatch"])[:20]:
            print(f"    {line}")
        print("RESULT: " + ("FAIL" if failed else "OK"))
        return 1 if failed else 0


def server_errors(log: Path) -> int:
    """Report the error lines in the server's log; 1 when there are any."""
    lines = log.read_text(errors="replace").splitlines()
    errors = [i for i, line in enumerate(lines) if ERROR_LINE.search(line)]
    print(f"soak: error lines in the server log: {len(errors)}")
    shown = [line for i in errors for line in lines[i : i + 4]]
    for line in shown[:40]:
        print(line)
    return 1 if errors else 0


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("soak.py: DATABASE_URL must point at the throwaway PostgreSQL (run bin/soak).")
    with tempfile.TemporaryDirectory(prefix="kupang-soak-") as tmp_name:
        tmp = Path(tmp_name)
        # static files of our own: staticfiles/ is shared with whoever else runs collectstatic in this checkout
        env = production_env(STATIC_ROOT=str(tmp / "static"))
        password = secrets.token_urlsafe(16)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "load_kupang_data")
        editors = env | {"SOAK_EDITORS": str(EDITORS), "SOAK_PASSWORD": password}
        manage(editors, "shell", "-v", "0", "-c", EDITORS_SNIPPET)
        log = tmp / "gunicorn.log"
        access = ["--access-logfile", str(tmp / "access.log"), "--access-logformat", ACCESS_LOG_FORMAT]
        with start_gunicorn(env, workers=2, options=["--timeout", "30", *access], log=log) as server:
            rc = Soak(env, server.port, password).run()
        rc = server_errors(log) or rc
        if rc:
            print("--- last lines of the gunicorn log")
            print("\n".join(log.read_text(errors="replace").splitlines()[-20:]))
        return rc


if __name__ == "__main__":
    sys.exit(main())
