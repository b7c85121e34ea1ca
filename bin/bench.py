"""The load benchmark behind `make bench` (started by bin/bench, which provides .venv, wrk and PostgreSQL).

What it measures, per data size (1x = the Kupang data; Nx = N copies of the DEFAULT administration's data,
bin/bench_data.py, so the pages really hold N× the rows), with gunicorn (one sync worker per core) and nginx
(deploy/nginx.conf without TLS, with its 1-s micro-cache and access log) on loopback:

1. hits: every public cached page, the feeds and /data/ with wrk, interleaved in each round with the two
   ceilings, the same bytes as a static file from whitenoise (a) and from nginx (b); req/s and server CPU ms
   per request (ticks of gunicorn's workers + PostgreSQL's backends + nginx's workers, divided by requests);
2. cold: each cached page right after a write (X-Page-Cache: miss), wall ms and CPU ms: after a new global
   version (nothing kept reused: the final line's figure, as in earlier runs), and after what one editor's save
   invalidates (printed beside it);
3. editor: a logged-in editor's promise, indicator, dashboard and desk pages, wall ms;
4. save: one htmx status change on an idle server, p50/p99;
5. reads under writes: wrk over a mix of public pages while an editor saves 0, 1 and 5 times a second
   (open loop), direct to gunicorn and through nginx, as a share of the no-write baseline of the same round;
6. once, on a copy of the 1x database: +5.000 status changes on one promise and +1.000 figures on one
   indicator, and the raw size of the public pages that show them.

All rounds are interleaved (round 1 of everything, then round 2...) and figures are min/median/max over
rounds. It prints one table per family, writes bench-results/bench.json and ends with one `bench:` line.

Environment (defaults): DATABASE_URL (required), BENCH_SIZES ("1,100"), BENCH_ROUNDS (3), BENCH_SECONDS (3,
per wrk run of a page), BENCH_WRITE_SECONDS (5, per reads-under-writes run), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_WORKERS (nproc), BENCH_COLD (9 cold renders of each page), BENCH_EDITOR (5 fetches
of each editor page), BENCH_SAVES (20 saves), BENCH_RATES ("1,5" saves/s). bin/bench reads BENCH_FSYNC (1).
"""

import gzip
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bin"))
from tests.processes import Gunicorn, HttpsClient, free_port, production_env, start_gunicorn  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "bench-results"
STATIC_NAME = "bench-static.html"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1,100").split(",") if s.strip()]
ROUNDS = env_int("BENCH_ROUNDS", 3)
SECONDS = env_int("BENCH_SECONDS", 3)
WRITE_SECONDS = env_int("BENCH_WRITE_SECONDS", 5)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 16)
THREADS = env_int("BENCH_THREADS", 2)
WORKERS = env_int("BENCH_WORKERS", os.cpu_count() or 1)
COLD = env_int("BENCH_COLD", 9)
EDITOR = env_int("BENCH_EDITOR", 5)
SAVES = env_int("BENCH_SAVES", 20)
RATES = [float(r) for r in os.environ.get("BENCH_RATES", "1,5").split(",") if r.strip()]
GZIP = {"Accept-Encoding": "gzip"}
EDITOR_USER, EDITOR_PASSWORD = "bench-redaktur", "kata-sandi-bench-1"

TARGETS = {"hit_vs_static": 0.80, "cold_ms_max": 30, "reads_1": 0.80, "reads_5": 0.60, "page_kb": 200, "editor_ms": 100}

# Production-like (DEBUG off, a random key, only the loopback host, no HTTPS redirect: no TLS here), for this
# process (it sets data versions and reads the database) and the ones it starts.
os.environ.update(production_env(LOG_LEVEL="WARNING"))

# wrk's done() hook prints one JSON line; the mix variant also cycles through a list of paths.
WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def log(message: str) -> None:
    # UTC: django.setup() switches this process's local time to Kupang's
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
    """One GET on a new connection: status, body as sent, headers, wall ms."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, dict(response.getheaders()), (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"min": None, "median": None, "max": None}
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def mmm(s: dict, fmt: str = "{:.0f}") -> str:
    if s["median"] is None:
        return "-"
    return "/".join(fmt.format(s[k]) for k in ("min", "median", "max"))


# --- processes and their CPU ---------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, utime + stime ticks) for every process."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


def postmaster_pid() -> int | None:
    pid_file = Path(os.environ.get("BENCH_PGDATA", "/nonexistent")) / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


class Servers:
    """The server side whose CPU counts: gunicorn's workers, PostgreSQL's backends, nginx's workers."""

    def __init__(self):
        self.parents: set[int] = set()
        pg = postmaster_pid()
        if pg:
            self.parents.add(pg)

    def ticks(self) -> dict[int, int]:
        return {pid: ticks for pid, (parent, ticks) in process_table().items() if parent in self.parents}

    def wait_idle(self, timeout: float = 60) -> None:
        """Until the servers stop using CPU: sync workers still answer requests wrk left behind."""
        deadline = time.monotonic() + timeout
        before, quiet = sum(self.ticks().values()), 0
        while time.monotonic() < deadline and quiet < 2:
            time.sleep(0.2)
            now = sum(self.ticks().values())
            quiet = quiet + 1 if now - before <= 1 else 0
            before = now


def cpu_delta(before: dict[int, int], after: dict[int, int]) -> int:
    # per process, so one that exited meanwhile (a closed database connection) does not count negative
    return sum(t - before.get(pid, 0) for pid, t in after.items())


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


class Nginx:
    """deploy/nginx.conf's HTTPS server without TLS (same proxy, buffers, micro-cache and access log) in front of
    gunicorn on `upstream`, plus a server of its own that serves the static ceiling file with keep-alive."""

    def __init__(self, tmp: Path, upstream: int, static_dir: Path):
        self.dir = tmp / "nginx"
        self.dir.mkdir(exist_ok=True)
        os.chmod(tmp, 0o755)  # nginx's workers (nobody, when it starts as root) keep the micro-cache there
        os.chmod(self.dir, 0o755)
        self.port, self.static_port = free_port(), free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        head, https = self.split(conf)
        d = str(self.dir)
        site = head.replace("/var/cache/nginx/", f"{d}/cache-").replace("/var/log/nginx/", f"{d}/")
        lines = []
        for line in https.splitlines():
            stripped = line.strip()
            if stripped.startswith(("ssl_", "listen")):
                continue
            lines.append(line)
        block = "\n".join(lines).replace("server {", f"server {{\n    listen 127.0.0.1:{self.port};", 1)
        block = block.replace("proxy_pass http://127.0.0.1:8000", f"proxy_pass http://127.0.0.1:{upstream}")
        # TLS ends here in production, so the app hears https
        block = block.replace("X-Forwarded-Proto $scheme", "X-Forwarded-Proto https")
        block = block.replace("/var/log/nginx/", f"{d}/")
        static = (
            f"server {{\n    listen 127.0.0.1:{self.static_port};\n    access_log off;\n    gzip_static on;\n"
            f"    location = /{STATIC_NAME} {{ root {static_dir}; }}\n}}\n"
        )
        (self.dir / "site.conf").write_text(site + "\n" + block + "\n" + static)
        temp_paths = "".join(
            f"  {k}_temp_path {d}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\nworker_processes auto;\nevents {{}}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n{temp_paths}  include {d}/site.conf;\n}}\n"
        )

    @staticmethod
    def split(conf: str) -> tuple[str, str]:
        """(what is outside the server blocks, the text of the server block that proxies)."""
        outside, blocks, current, depth = [], [], None, 0
        for raw in conf.splitlines():
            line = raw.split("#", 1)[0]
            if depth == 0 and line.strip().startswith("server") and line.strip().endswith("{"):
                current = []
            (current if current is not None else outside).append(line)
            depth += line.count("{") - line.count("}")
            if depth == 0 and current is not None:
                blocks.append("\n".join(current))
                current = None
        return "\n".join(outside), next(b for b in blocks if "proxy_pass" in b)

    def __enter__(self):
        conf = str(self.dir / "nginx.conf")
        test = subprocess.run([NGINX, "-t", "-p", str(self.dir), "-c", conf], capture_output=True, text=True)
        if test.returncode:
            raise SystemExit(f"nginx -t failed:\n{test.stderr}")
        self.process = subprocess.Popen([NGINX, "-p", str(self.dir), "-c", conf, "-g", "daemon off;"])
        deadline = time.monotonic() + 10
        while True:
            try:
                fetch(self.static_port, f"/{STATIC_NAME}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


# --- wrk ---------------------------------------------------------------------------------------------------


def wrk(port: int, path: str, headers: dict, seconds: int, script: Path) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return json.loads(line.removeprefix("BENCH "))


def measured_wrk(servers: Servers, port: int, path: str, headers: dict, seconds: int, script: Path) -> dict:
    before, (busy0, total0) = servers.ticks(), machine_ticks()
    own0 = os.times()
    result = wrk(port, path, headers, seconds, script)
    after, (busy1, total1) = servers.ticks(), machine_ticks()
    own1 = os.times()
    server_ticks = cpu_delta(before, after)
    wrk_ticks = (own1.children_user + own1.children_system - own0.children_user - own0.children_system) * (
        1000 / TICK_MS
    )
    seconds_run = result["duration_us"] / 1e6
    requests = max(1, result["requests"])
    others = max(0, busy1 - busy0 - server_ticks - wrk_ticks) / max(1, total1 - total0)
    return {
        "requests": result["requests"],
        "req_s": round(result["requests"] / seconds_run, 1),
        "cpu_ms_per_req": round(server_ticks * TICK_MS / requests, 3),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "non_2xx": result["non2xx"],
        "socket_errors": result["connect"] + result["read"] + result["write"] + result["timeout"],
        "other_cpu_pct": round(100 * others, 1),
    }


# --- what is measured ----------------------------------------------------------------------------------------


def pick(size_one: bool = True) -> dict:
    """The pages, chosen at 1x: the real promise and indicator with the most rows, and a mix for the reads."""
    from django.db.models import Count
    from django.urls import reverse

    from promises.models import Administration, Indicator, Promise

    administration = Administration.objects.default()
    if administration is None:
        raise SystemExit("no administration: did load_kupang_data run?")
    promises = Promise.objects.filter(administration=administration)
    promise = (
        promises.annotate(n=Count("source_links", distinct=True) + Count("changes", distinct=True))
        .order_by("-n", "code")
        .first()
    )
    indicators = Indicator.objects.filter(promise__administration=administration).annotate(n=Count("readings"))
    indicator = indicators.order_by("-n", "slug").first()
    list_url = reverse("promises:list")
    pages = [
        ("dashboard", reverse("promises:home"), {}),
        ("dashboard /en/", "/en/", {}),
        ("promise list", list_url, {}),
        ("list, htmx filter", list_url + "?status=dalam_proses", {"HX-Request": "true"}),
        ("list search ?q=sampah", list_url + "?q=sampah", {}),
        (f"promise {promise.code}", promise.get_absolute_url(), {}),
        (f"indicator {indicator.slug}"[:28], indicator.get_absolute_url(), {}),
        ("indicators /angka/", reverse("promises:indicators"), {}),
        ("sources /sumber/", reverse("promises:sources"), {}),
        ("changes /perubahan/", reverse("promises:changes"), {}),
        ("claims /klaim/", reverse("promises:claims"), {}),
        ("methodology", reverse("promises:methodology"), {}),
        ("about /tentang/", reverse("promises:about"), {}),
        ("open data /data/", reverse("promises:data"), {}),
        ("feed /perubahan/feed/", reverse("promises:changes_feed"), {}),
        (
            f"feed promise {promise.code}",
            reverse("promises:detail_feed", kwargs={"pk": promise.pk, "slug": promise.slug}),
            {},
        ),
        ("feed indicator", reverse("promises:indicator_feed", kwargs={"slug": indicator.slug}), {}),
    ]
    others = list(promises.exclude(pk=promise.pk).order_by("code")[:7])
    more = list(indicators.exclude(pk=indicator.pk).order_by("-n", "slug")[:2])
    mix = (
        [reverse("promises:home")] * 4
        + [list_url] * 2
        + [list_url + "?q=sampah", promise.get_absolute_url(), *(p.get_absolute_url() for p in others)]
        + [indicator.get_absolute_url(), *(i.get_absolute_url() for i in more)]
        + [reverse("promises:sources"), reverse("promises:changes"), reverse("promises:changes_feed")]
    )
    savers = list(promises.filter(source_links__isnull=False).distinct().order_by("code").values_list("pk", flat=True))
    return {
        "pages": [{"page": name, "path": path, "headers": headers} for name, path, headers in pages],
        "mix": mix,
        "promise": {"pk": promise.pk, "code": promise.code, "path": promise.get_absolute_url()},
        "indicator": {"slug": indicator.slug, "path": indicator.get_absolute_url()},
        "savers": savers,
    }


def make_editor() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=EDITOR_USER)
    user.set_password(EDITOR_PASSWORD)
    user.first_name = "Redaktur Bench"
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))


def login(port: int, headers: dict | None = None) -> HttpsClient:
    client = HttpsClient(port, headers=headers, timeout=60)
    client.request("GET", "/masuk/")
    response = client.request(
        "POST",
        "/masuk/",
        {
            "username": EDITOR_USER,
            "password": EDITOR_PASSWORD,
            "csrfmiddlewaretoken": client.cookies["__Host-csrftoken"],
        },
    )
    if response.status != 302:
        raise SystemExit(f"editor login answered {response.status}")
    return client


class Saver:
    """One editor's status changes (htmx POSTs straight to gunicorn): alternating "Dalam proses" and
    "Tersendat" on each promise, with the version the editor last saw, as the status form sends them."""

    def __init__(self, port: int, promise_pks: list[int]):
        from promises.models import Promise, PromiseSource

        self.client = login(port)
        self.port = port
        self.lock = threading.Lock()
        self.state = {p.pk: [p.version, p.status] for p in Promise.objects.filter(pk__in=promise_pks)}
        self.source = {}
        for link in PromiseSource.objects.filter(promise_id__in=promise_pks).order_by("pk"):
            self.source.setdefault(link.promise_id, link.source_id)
        self.order = [pk for pk in promise_pks if pk in self.source]
        self.next = 0
        self.in_flight: set[int] = set()

    def refresh(self, pk: int) -> None:
        from django.db import connection

        from promises.models import Promise

        promise = Promise.objects.get(pk=pk)
        self.state[pk] = [promise.version, promise.status]
        connection.close()

    def take(self) -> int | None:
        with self.lock:
            for _ in range(len(self.order)):
                pk = self.order[self.next % len(self.order)]
                self.next += 1
                if pk not in self.in_flight:
                    self.in_flight.add(pk)
                    return pk
        return None

    def save(self, pk: int) -> tuple[bool, float]:
        version, status = self.state[pk]
        new = "tersendat" if status == "dalam_proses" else "dalam_proses"
        client = HttpsClient(self.port, headers={"HX-Request": "true"}, timeout=60)
        client.cookies = dict(self.client.cookies)
        try:
            response = client.request(
                "POST",
                f"/janji/{pk}/status/",
                {
                    "csrfmiddlewaretoken": client.cookies["__Host-csrftoken"],
                    "version": version,
                    "status": new,
                    "verification": "dikonfirmasi_media",
                    "reason": "Uji beban: status diperbarui menurut berita terbaru.",
                    "sources": self.source[pk],
                },
            )
            ok = response.status == 200 and "Status disimpan" in response.body
            if ok:
                self.state[pk] = [version + 1, new]
            else:
                self.refresh(pk)
            return ok, response.elapsed * 1000
        finally:
            with self.lock:
                self.in_flight.discard(pk)


def open_loop(saver: Saver, rate: float, seconds: float, results: list) -> threading.Thread:
    """Saves sent at t0 + i/rate whatever the answers, each in its own thread; skipped when every promise has
    one in flight."""

    def one(pk):
        results.append(saver.save(pk))

    def run():
        started = time.monotonic()
        threads, i = [], 0
        while True:
            due = started + i / rate
            if due > started + seconds:
                break
            time.sleep(max(0, due - time.monotonic()))
            pk = saver.take()
            if pk is None:
                results.append((False, None))
            else:
                t = threading.Thread(target=one, args=(pk,))
                t.start()
                threads.append(t)
            i += 1
        for t in threads:
            t.join()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def history_run(plan: dict) -> list[dict]:
    """+5.000 changes on the promise and +1.000 figures on the indicator, in a copy of the 1x database."""
    import psycopg
    from django.db import connections

    db = connections["default"].settings_dict
    connections.close_all()
    copy = f"{db['NAME']}_history"
    admin = f"host={db['HOST']} port={db['PORT']} user={db['USER']} password={db['PASSWORD']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{db["NAME"]}"')
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{copy}"
    try:
        return bench_data(
            "history", str(plan["promise"]["pk"]), plan["indicator"]["slug"], env=os.environ | {"DATABASE_URL": url}
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')


def nothing_kept_run(plan: dict) -> list[dict]:
    """Every page rendered in a process of its own with nothing kept (bench_data.py nothing-kept), BENCH_COLD times,
    against this size's database while the servers idle."""
    pages = bench_data("nothing-kept", str(COLD), env=os.environ, stdin=json.dumps(plan["pages"]))
    return [r | {"wall_ms": spread(r["ms"])} for r in pages]


def bench_data(mode: str, *args: str, env: dict, stdin: str | None = None):
    """What `bin/bench_data.py MODE ARGS` prints on its line that starts with MODE in capitals (JSON)."""
    output = subprocess.run(
        [PYTHON, str(ROOT / "bin" / "bench_data.py"), mode, *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    tag = mode.upper() + " "
    line = next((x for x in output.stdout.splitlines() if x.startswith(tag)), None)
    if line is None:
        raise SystemExit(f"bench_data.py {mode} failed:\n{output.stdout[-2000:]}\n{output.stderr[-3000:]}")
    return json.loads(line.removeprefix(tag))


def write_static(static_root: Path, body: bytes) -> None:
    """The ceiling file: the dashboard's bytes, with the .gz whitenoise and nginx's gzip_static send."""
    for folder in (static_root, static_root / "nginx-root"):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
        (folder / STATIC_NAME).write_bytes(body)
        (folder / (STATIC_NAME + ".gz")).write_bytes(gzip.compress(body, 9))


def new_version() -> None:
    from django.db import connection

    from promises import cache

    cache.set_new_version()
    connection.close()


def measure_size(size: int, plan: dict, tmp: Path, scripts: dict, static_root: Path) -> dict:
    from django.db import connections

    from promises.models import Indicator, LogEntry, Promise, Reading, Source, StatusChange

    counts = {
        m._meta.model_name: m.objects.count() for m in (Promise, Source, Indicator, Reading, StatusChange, LogEntry)
    }
    log(f"{size}x: {counts}")
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()
    servers = Servers()
    out = {"size": size, "data": counts}
    with start_gunicorn(os.environ, workers=WORKERS, log=tmp / f"gunicorn-{size}x.log") as gunicorn:
        servers.parents.add(gunicorn.process.pid)
        with Nginx(tmp, gunicorn.port, static_root / "nginx-root") as nginx:
            servers.parents.add(nginx.process.pid)
            deadline = time.monotonic() + 30
            while (
                len([1 for _pid, (parent, _t) in process_table().items() if parent == gunicorn.process.pid]) < WORKERS
            ):
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn started too few workers")
                time.sleep(0.2)
            out["hits"] = measure_hits(servers, gunicorn, nginx, plan, scripts)
            out["cold"] = measure_cold(servers, gunicorn, plan)
            servers.wait_idle()
            out["nothing_kept"] = nothing_kept_run(plan)
            log("in-process renders with nothing kept done")
            out["editor"] = measure_editor(gunicorn, plan)
            out["save"] = measure_saves(servers, gunicorn, plan)
            out["reads_under_writes"] = measure_writes(servers, gunicorn, nginx, plan, scripts)
    return out


def measure_hits(servers: Servers, gunicorn: Gunicorn, nginx: Nginx, plan: dict, scripts: dict) -> list[dict]:
    static_a = {
        "page": "(a) static, whitenoise",
        "port": gunicorn.port,
        "path": f"/static/{STATIC_NAME}",
        "headers": {},
    }
    static_b = {"page": "(b) static, nginx", "port": nginx.static_port, "path": f"/{STATIC_NAME}", "headers": {}}
    via = {"page": "dashboard via nginx", "port": nginx.port, "path": "/", "headers": {}}
    pages = [{**p, "port": gunicorn.port} for p in plan["pages"]] + [via]
    rows = {t["page"]: {**t, "rounds": []} for t in [static_a, static_b, *pages]}
    for target in rows.values():
        status, raw, headers, _ms = fetch(target["port"], target["path"], target["headers"])
        _s, packed, packed_headers, _ms = fetch(target["port"], target["path"], target["headers"] | GZIP)
        target.update(
            status=status, bytes_raw=len(raw), bytes_gzip=len(packed), cache=packed_headers.get("X-Page-Cache")
        )
    for number in range(1, ROUNDS + 1):
        a_runs = []
        order = [static_a, static_b]
        for i, page in enumerate(pages):
            if i and i % 6 == 0:
                order.append(static_a)
            order.append(page)
        order.append(static_a)
        for target in order:
            row = rows[target["page"]]
            # a hit, as readers get it between writes: warm it, then check it says so
            _s, _b, headers, _ms = fetch(target["port"], target["path"], target["headers"] | GZIP)
            result = measured_wrk(
                servers, target["port"], target["path"], target["headers"] | GZIP, SECONDS, scripts["one"]
            )
            result["round"] = number
            result["x_page_cache"] = headers.get("X-Page-Cache")
            if target is static_a:
                a_runs.append(result)
                row["rounds"].append(result)
            else:
                result["a_index"] = len(a_runs) - 1
                row["rounds"].append(result)
            servers.wait_idle()
        # each page against the mean of the (a) runs just before and after it, same round
        for row in rows.values():
            if row is rows[static_a["page"]]:
                continue
            result = row["rounds"][-1]
            near = a_runs[result["a_index"] : result["a_index"] + 2]
            a_cpu = statistics.mean(r["cpu_ms_per_req"] for r in near)
            a_rps = statistics.mean(r["req_s"] for r in near)
            result["x_static_req_s"] = round(result["req_s"] / a_rps, 3)
            result["static_cpu_over_page_cpu"] = round(a_cpu / max(result["cpu_ms_per_req"], 1e-6), 3)
        log(f"hits round {number}/{ROUNDS} done")
    for row in rows.values():
        for key in ("req_s", "cpu_ms_per_req", "p99_ms", "x_static_req_s", "static_cpu_over_page_cpu", "other_cpu_pct"):
            row[key] = spread([r.get(key) for r in row["rounds"]])
        row["non_2xx"] = sum(r["non_2xx"] for r in row["rounds"])
        row["socket_errors"] = sum(r["socket_errors"] for r in row["rounds"])
        # through nginx the header is the one stored with nginx's copy; the micro-cache answers those
        row["hit"] = (
            None if row["port"] == nginx.port else all(r["x_page_cache"] in (None, "hit") for r in row["rounds"])
        )
    return list(rows.values())


def measure_cold(servers: Servers, gunicorn: Gunicorn, plan: dict) -> dict[str, list[dict]]:
    """Each page right after a write, COLD times, for two kinds of write (the render a reader waits for):

    - "save": what one editor's save invalidates (promises/signals.py): a status change of the page's own
      promise (a promise page and its feed), a figure of the page's own indicator (an indicator page and its
      feed: its scope and its promise's), else a status change of one of the promises of the latest log entries,
      taken in turn (their rows are at the top of the dashboard and /perubahan/, so those are redrawn too);
    - "version": a write of unknown reach (a source's or a user's edit, an import): a new global version. Every
      page is cold; the cards and rows the workers keep (promises/fragments.py) are reused where the rows they
      are drawn from did not change (their fingerprints), which is all of them here: the write changed no row.
      The renders with nothing kept at all are measured in process (nothing_kept_run).
    """
    from promises import cache
    from promises.middleware import _page_spec
    from promises.models import Indicator, LogEntry

    latest = []
    for pk in (
        LogEntry.objects.exclude(promise=None).order_by("-created_at", "-pk").values_list("promise_id", flat=True)[:200]
    ):
        if pk not in latest:
            latest.append(pk)
    latest = latest[:9]
    promise_of = dict(Indicator.objects.values_list("slug", "promise_id"))

    def after_a_save(path: str, turn: int) -> None:
        _params, scope = _page_spec(path.split("?")[0])
        kind, _, key = scope.partition(":")
        if kind == "promise":
            scopes = [scope]
        elif kind == "indicator":
            scopes = [scope] + ([cache.promise_scope(promise_of[key])] if promise_of.get(key) else [])
        else:
            scopes = [cache.promise_scope(latest[turn % len(latest)])]
        cache.set_new_scopes(scopes)

    writes = {"save": after_a_save, "version": lambda _path, _turn: cache.set_new_version()}
    # One kind after the other, not interleaved: a new global version between two saves would throw away what
    # the workers keep, which a save alone never does. Each kind starts with one unmeasured pass over the pages.
    runs = {(kind, p["path"]): [] for kind in writes for p in plan["pages"]}
    for kind, write in writes.items():
        servers.wait_idle()
        for turn in range(-1, COLD):
            for page in plan["pages"]:
                # The connection stays open, as a worker's does (CONN_MAX_AGE): closed here, PostgreSQL tore its
                # backend down while the page rendered, which added 4–11 ms to the render measured.
                write(page["path"], turn)
                before = servers.ticks()
                status, body, headers, ms = fetch(gunicorn.port, page["path"], page["headers"] | GZIP)
                time.sleep(0.02)  # the worker has answered; its ticks are in /proc a moment later
                if turn >= 0:
                    runs[kind, page["path"]].append(
                        {
                            "ms": round(ms, 2),
                            "cpu_ticks": cpu_delta(before, servers.ticks()),
                            "cache": headers.get("X-Page-Cache"),
                        }
                    )
    out = {}
    for kind in writes:
        out[kind] = [
            {
                "page": page["page"],
                "path": page["path"],
                "wall_ms": spread([x["ms"] for x in r]),
                "cpu_ms_mean": round(sum(x["cpu_ticks"] for x in r) * TICK_MS / len(r), 1),
                "misses": sum(x["cache"] == "miss" for x in r),
                "runs": r,
            }
            for page in plan["pages"]
            if (r := runs[kind, page["path"]])
        ]
    log("cold renders done")
    return out


def measure_editor(gunicorn: Gunicorn, plan: dict) -> list[dict]:
    client = login(gunicorn.port, headers=GZIP)
    pages = [
        ("promise page", plan["promise"]["path"]),
        ("indicator page", plan["indicator"]["path"]),
        ("dashboard", "/"),
        ("desk /meja/artikel/", "/meja/artikel/"),
    ]
    times = {path: [] for _n, path in pages}
    statuses = {}
    for _ in range(EDITOR):
        for _name, path in pages:
            response = client.request("GET", path)
            statuses[path] = response.status
            times[path].append(round(response.elapsed * 1000, 2))
    log("editor pages done")
    return [
        {"page": name, "path": path, "status": statuses[path], "ms": spread(times[path]), "runs": times[path]}
        for name, path in pages
    ]


def measure_saves(servers: Servers, gunicorn: Gunicorn, plan: dict) -> dict:
    saver = Saver(gunicorn.port, plan["savers"])
    results = []
    for _ in range(SAVES):
        pk = saver.take()
        results.append(saver.save(pk))
        servers.wait_idle(5)
    ms = sorted(t for ok, t in results if ok)
    log("saves done")
    return {
        "n": len(results),
        "ok": len(ms),
        "p50_ms": statistics.median(ms) if ms else None,
        "p99_ms": ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))] if ms else None,
        "min_ms": ms[0] if ms else None,
        "max_ms": ms[-1] if ms else None,
    }


def measure_writes(servers: Servers, gunicorn: Gunicorn, nginx: Nginx, plan: dict, scripts: dict) -> list[dict]:
    saver = Saver(gunicorn.port, plan["savers"])
    paths = {"direct": gunicorn.port, "nginx": nginx.port}
    rows = {(p, r): {"path": p, "rate": r, "rounds": []} for p in paths for r in [0.0, *RATES]}
    for number in range(1, ROUNDS + 1):
        for path, port in paths.items():
            baseline = None
            wrk(port, "/", GZIP, 1, scripts["mix"])  # warm (nginx's micro-cache starts empty)
            servers.wait_idle()
            for rate in [0.0, *RATES]:
                saves: list = []
                writer = open_loop(saver, rate, WRITE_SECONDS, saves) if rate else None
                result = measured_wrk(servers, port, "/", GZIP, WRITE_SECONDS, scripts["mix"])
                if writer:
                    writer.join()
                servers.wait_idle()
                if rate == 0:
                    baseline = result["req_s"]
                ok = sorted(t for good, t in saves if good)
                result.update(
                    round=number,
                    ratio=round(result["req_s"] / max(baseline, 1e-6), 3),
                    saves_scheduled=len(saves),
                    saves_ok=len(ok),
                    save_p50_ms=statistics.median(ok) if ok else None,
                )
                rows[(path, rate)]["rounds"].append(result)
        log(f"reads under writes round {number}/{ROUNDS} done")
    for row in rows.values():
        for key in ("req_s", "ratio", "p50_ms", "p99_ms", "save_p50_ms"):
            row[key] = spread([r.get(key) for r in row["rounds"]])
        row["saves_ok"] = sum(r["saves_ok"] for r in row["rounds"])
        row["saves_scheduled"] = sum(r["saves_scheduled"] for r in row["rounds"])
        row["errors"] = sum(r["non_2xx"] + r["socket_errors"] for r in row["rounds"])
    return list(rows.values())


# --- report --------------------------------------------------------------------------------------------------


def table(head: list[str], lines: list[list[str]], left: int = 2) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(head, *lines, strict=True)]

    def fmt(cells):
        return "  ".join(
            str(c).ljust(w) if i < left else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *(fmt(line) for line in lines)])


def pct(s: dict) -> str:
    return "-" if s["median"] is None else "/".join(f"{100 * s[k]:.0f}" for k in ("min", "median", "max")) + "%"


def report(results: list[dict], history: list[dict]) -> tuple[str, dict, list[str]]:
    parts = []
    lines = []
    for m in results:
        for row in m["hits"]:
            lines.append(
                [
                    f"{m['size']}x",
                    row["page"],
                    mmm(row["req_s"]),
                    mmm(row["cpu_ms_per_req"], "{:.2f}"),
                    "100%" if row["page"].startswith("(a)") else pct(row["x_static_req_s"]),
                    "100%" if row["page"].startswith("(a)") else pct(row["static_cpu_over_page_cpu"]),
                    f"{row['p99_ms']['median']:.1f}",
                    f"{row['bytes_raw']:,}",
                    f"{row['bytes_gzip']:,}",
                    "-" if row["hit"] is None else "yes" if row["hit"] else "NO",
                    str(row["non_2xx"] + row["socket_errors"]),
                    f"{row['other_cpu_pct']['median']:.0f}%",
                ]
            )
    parts.append(
        "HITS (wrk, gzip; min/med/max over rounds; ×(a) same round)\n"
        + table(
            [
                "size",
                "target",
                "req/s",
                "CPU ms/req",
                "req/s ×(a)",
                "(a) CPU ÷ CPU",
                "p99 ms",
                "bytes",
                "gzip",
                "hit",
                "err",
                "other CPU",
            ],
            lines,
        )
    )
    titles = {
        "save": "COLD RENDERS AFTER A SAVE (before each request, the invalidation of one editor's save: the page's own "
        "promise or indicator, else a promise of the latest changes; kept cards and rows reused; wall ms; "
        "CPU = workers + PostgreSQL, mean)",
        "version": "COLD RENDERS AFTER A NEW GLOBAL VERSION (a write of unknown reach before each request: every page "
        "cold, cards and rows whose rows did not change reused; wall ms; CPU = workers + PostgreSQL, mean)",
    }
    for kind, title in titles.items():
        lines = [
            [
                f"{m['size']}x",
                r["page"],
                mmm(r["wall_ms"], "{:.1f}"),
                f"{r['cpu_ms_mean']:.1f}",
                f"{r['misses']}/{len(r['runs'])}",
            ]
            for m in results
            for r in m["cold"][kind]
        ]
        parts.append(title + "\n" + table(["size", "page", "wall ms min/med/max", "CPU ms", "misses"], lines))
    lines = [[f"{m['size']}x", r["page"], mmm(r["wall_ms"], "{:.1f}")] for m in results for r in m["nothing_kept"]]
    parts.append(
        "COLD RENDERS WITH NOTHING KEPT (in process, not through HTTP: a new global version and no kept cards or "
        "rows before each render, as after a write that changed every card and row; page cache and middleware "
        "included; wall ms)\n" + table(["size", "page", "wall ms min/med/max"], lines)
    )
    lines = [
        [f"{m['size']}x", r["page"], mmm(r["ms"], "{:.1f}"), str(r["status"])] for m in results for r in m["editor"]
    ]
    lines += [
        [
            f"{m['size']}x",
            f"save (htmx status change, n={m['save']['n']}, ok {m['save']['ok']})",
            f"p50 {m['save']['p50_ms']:.1f} / p99 {m['save']['p99_ms']:.1f}" if m["save"]["ok"] else "-",
            "",
        ]
        for m in results
    ]
    parts.append(
        "EDITOR (logged in, idle server, wall ms)\n" + table(["size", "page", "ms min/med/max", "status"], lines)
    )
    lines = [
        [
            f"{m['size']}x",
            r["path"],
            f"{r['rate']:g}",
            mmm(r["req_s"]),
            pct(r["ratio"]),
            f"{r['p50_ms']['median']:.1f}",
            f"{r['p99_ms']['median']:.0f}",
            f"{r['saves_ok']}/{r['saves_scheduled']}" if r["rate"] else "-",
            "-" if r["save_p50_ms"]["median"] is None else f"{r['save_p50_ms']['median']:.0f}",
            str(r["errors"]),
        ]
        for m in results
        for r in m["reads_under_writes"]
    ]
    parts.append(
        f"READS UNDER WRITES ({len(results[0]['reads_under_writes'][0]['rounds'])} rounds × {WRITE_SECONDS} s, "
        f"{len(PLAN['mix'])}-URL mix, {CONNECTIONS} connections)\n"
        + table(
            [
                "size",
                "path",
                "saves/s",
                "read req/s",
                "× baseline",
                "p50 ms",
                "p99 ms",
                "saves ok",
                "save p50 ms",
                "err",
            ],
            lines,
        )
    )
    lines = [
        [h["page"], h["path"][:50], str(h["status"]), f"{h['bytes_raw']:,}", f"{h['cold_ms']:.0f}"] for h in history
    ]
    parts.append(
        "LONG HISTORY (1x copy, +5.000 changes on one promise, +1.000 figures on one indicator; "
        "in-process cold render)\n" + table(["page", "path", "status", "raw bytes", "cold ms"], lines)
    )

    top = max(results, key=lambda m: m["size"])
    cached = [r for m in results for r in m["hits"] if not r["page"].startswith("(")]
    worst_hit = min(cached, key=lambda r: r["static_cpu_over_page_cpu"]["median"])
    # The final line keeps the measure of earlier runs (after a new global version); since fragments are kept by
    # fingerprint (6 December 2026) the cards and rows whose rows did not change are reused there. The cold render
    # after a save and the in-process render with nothing kept are printed beside it.
    worst_cold = max(top["cold"]["version"], key=lambda r: r["wall_ms"]["median"])
    worst_after_save = max(top["cold"]["save"], key=lambda r: r["wall_ms"]["median"])
    worst_nothing_kept = max(top["nothing_kept"], key=lambda r: r["wall_ms"]["median"])
    ruw = {(r["path"], r["rate"]): r for r in top["reads_under_writes"]}
    worst_editor = max(top["editor"], key=lambda r: r["ms"]["median"])
    largest = max(history, key=lambda h: h["bytes_raw"])
    figures = {
        "hit_vs_static": worst_hit["static_cpu_over_page_cpu"]["median"],
        "cold_ms_max_100x": worst_cold["wall_ms"]["median"],
        "cold_ms_max_100x_after_save": worst_after_save["wall_ms"]["median"],  # printed, not in the final line
        "cold_ms_max_100x_nothing_kept": worst_nothing_kept["wall_ms"]["median"],  # printed, not in the final line
        "reads_under_1ws": ruw[("nginx", 1.0)]["ratio"]["median"] if ("nginx", 1.0) in ruw else None,
        "reads_under_5ws": ruw[("nginx", 5.0)]["ratio"]["median"] if ("nginx", 5.0) in ruw else None,
        "largest_page_kb": largest["bytes_raw"] / 1000,
        "editor_ms_max_100x": worst_editor["ms"]["median"],
    }
    direct = {k: ruw[("direct", r)]["ratio"]["median"] for k, r in (("1", 1.0), ("5", 5.0)) if ("direct", r) in ruw}

    def mark(ok):
        return "OK  " if ok else "MISS"

    def ge(v, t):
        return v is not None and v >= t

    def le(v, t):
        return v is not None and v <= t

    note = "" if top["size"] == 100 else f" (largest size measured: {top['size']}x, not 100x)"
    verdicts = [
        f"{mark(ge(figures['hit_vs_static'], TARGETS['hit_vs_static']))} hit_vs_static >= 0.80 (CPU per request, worst "
        f"cached page): {figures['hit_vs_static']:.2f}, {worst_hit['page']}",
        f"{mark(le(figures['cold_ms_max_100x'], TARGETS['cold_ms_max']))} cold_ms_max_100x <= 30 (wall ms, "
        f"slowest page's median, after a new global version){note}: {figures['cold_ms_max_100x']:.0f} ms, "
        f"{worst_cold['page']}",
        f"{mark(le(figures['cold_ms_max_100x_after_save'], TARGETS['cold_ms_max']))} (not in the final line) the "
        f"same after one editor's save, kept cards and rows reused{note}: "
        f"{figures['cold_ms_max_100x_after_save']:.0f} ms, {worst_after_save['page']}",
        f"{mark(le(figures['cold_ms_max_100x_nothing_kept'], TARGETS['cold_ms_max']))} (not in the final line) the "
        f"same with nothing kept, in process, without HTTP{note}: {figures['cold_ms_max_100x_nothing_kept']:.0f} ms, "
        f"{worst_nothing_kept['page']}",
        f"{mark(ge(figures['reads_under_1ws'], TARGETS['reads_1']))} reads_under_1ws >= 0.80 (through nginx): "
        f"{figures['reads_under_1ws']:.2f} (direct to gunicorn: {direct.get('1', float('nan')):.2f})",
        f"{mark(ge(figures['reads_under_5ws'], TARGETS['reads_5']))} reads_under_5ws >= 0.60 (through nginx): "
        f"{figures['reads_under_5ws']:.2f} (direct to gunicorn: {direct.get('5', float('nan')):.2f})",
        f"{mark(le(figures['largest_page_kb'], TARGETS['page_kb']))} largest_page_kb <= 200 (+1.000 figures, +5.000 "
        f"changes): {figures['largest_page_kb']:.0f} KB, {largest['page']}",
        f"{mark(le(figures['editor_ms_max_100x'], TARGETS['editor_ms']))} editor_ms_max_100x <= 100 (median){note}: "
        f"{figures['editor_ms_max_100x']:.0f} ms, {worst_editor['page']}",
    ]
    return "\n\n".join(parts), figures, verdicts


def final_line(f: dict) -> str:
    def r(v):  # a share of a same-round reference: noise can put it above 1, the line says at most 1
        return "nan" if v is None else f"{min(v, 1.0):.2f}"

    return (
        f"bench: hit_vs_static={r(f['hit_vs_static'])} cold_ms_max_100x={f['cold_ms_max_100x']:.0f} "
        f"reads_under_1ws={r(f['reads_under_1ws'])} reads_under_5ws={r(f['reads_under_5ws'])} "
        f"largest_page_kb={f['largest_page_kb']:.0f} editor_ms_max_100x={f['editor_ms_max_100x']:.0f}"
    )


PLAN: dict = {}


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench.py: DATABASE_URL must point at the throwaway PostgreSQL (run bin/bench).")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()
    load_at_start = float(Path("/proc/loadavg").read_text().split()[0])
    if load_at_start > 0.5:
        log(f"NOTE: load average {load_at_start} before the run: other processes compete for the CPUs")
    with tempfile.TemporaryDirectory(prefix="kupang-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # our own STATIC_ROOT: staticfiles/ is shared with whoever else runs collectstatic in this checkout
        static_root = tmp / "static"
        os.environ["STATIC_ROOT"] = str(static_root)
        # as deploy/pantau-janji.env.example: the processes reuse the data versions they read until a new one
        # touches this file (promises/cache.py); this process's new versions touch it too
        os.environ["VERSION_STAMP_FILE"] = str(tmp / "data-version")
        # the open-data files of this run, not the checkout's downloads/
        os.environ["DOWNLOADS_DIR"] = str(tmp / "downloads")
        scripts = {"one": tmp / "one.lua", "mix": tmp / "mix.lua"}
        scripts["one"].write_text(WRK_DONE)
        log("migrate, collectstatic, load_kupang_data")
        manage("migrate", "--noinput", "-v", "0")
        manage("collectstatic", "--noinput", "-v", "0")
        manage("load_kupang_data", "-v", "0")
        import django

        django.setup()
        import bench_data
        from django.test import Client

        make_editor()
        PLAN.update(pick())
        paths = ", ".join(json.dumps(p) for p in PLAN["mix"])
        scripts["mix"].write_text(
            f"local paths = {{{paths}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n" + WRK_DONE
        )
        dashboard = Client(HTTP_HOST="127.0.0.1").get("/")
        if dashboard.status_code != 200:
            raise SystemExit(f"dashboard answered {dashboard.status_code}")
        write_static(static_root, dashboard.content)
        log("long history on a copy of the 1x database")
        history = history_run(PLAN)
        originals = bench_data.originals()
        copies = 1
        results = []
        for size in SIZES:
            if size > copies:
                log(f"growing the default administration to {size}x")
                t0 = time.monotonic()
                written = bench_data.grow(originals, copies + 1, size)
                new_version()
                log(f"{written} rows in {time.monotonic() - t0:.0f} s")
                copies = size
            results.append(measure_size(size, PLAN, tmp, scripts, static_root))

    text, figures, verdicts = report(results, history)
    line = final_line(figures)
    print()
    print(text)
    print()
    print("\n".join(verdicts))
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "sizes": SIZES,
            "rounds": ROUNDS,
            "seconds": SECONDS,
            "write_seconds": WRITE_SECONDS,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "workers": WORKERS,
            "cold": COLD,
            "editor": EDITOR,
            "saves": SAVES,
            "rates": RATES,
            "fsync": os.environ.get("BENCH_FSYNC", "1"),
        },
        "loadavg_1m_at_start": load_at_start,
        "plan": PLAN,
        "duration_s": round(time.monotonic() - started),
    }
    (RESULTS / "bench.json").write_text(
        json.dumps(
            {"meta": meta, "sizes": results, "history": history, "figures": figures, "targets": verdicts, "line": line},
            indent=1,
            ensure_ascii=False,
            default=str,
        )
        + "\n"
    )
    (RESULTS / "bench.txt").write_text(text + "\n\n" + "\n".join(verdicts) + "\n" + line + "\n")
    print(f"\n{RESULTS / 'bench.json'} ({meta['duration_s']} s)")
    print(line)


if __name__ == "__main__":
    main()
