"""The load benchmark behind `make bench` (started by bin/bench, which provides .venv, wrk and PostgreSQL).

For each data size (1x = the Kupang data; 10x and 100x add synthetic administrations with
`generate_synthetic_data`), it starts gunicorn (one sync worker per core) on loopback, runs wrk against
each public page and a static file of the dashboard's size (the ceiling), counts SQL queries per request
in-process, reads the workers' peak memory, then prints one table and writes bench-results/bench.json.

Environment: DATABASE_URL (required), BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
BENCH_SIZES ("1,10,100"), BENCH_ROUNDS (1; per page the round least disturbed by other processes is
reported), BENCH_WARMUP seconds (1), BENCH_WORKERS (nproc), BENCH_GZIP (1: send Accept-Encoding: gzip
like a browser).
"""

import gzip
import http.client
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.processes import Gunicorn, production_env, start_gunicorn  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "bench-results"
CEILING_NAME = "bench-ceiling.html"

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1,10,100").split(",") if s.strip()]
GZIP = os.environ.get("BENCH_GZIP", "1") != "0"

# Production-like (DEBUG off, a random key, only the loopback host, no HTTPS redirect: no TLS proxy here),
# for this process (it counts queries in-process) and the ones it starts.
os.environ.update(production_env(LOG_LEVEL="WARNING"))

# Reported by wrk's done() hook as one JSON line; no per-response hook, so wrk stays fast.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def fetch(url: str, headers: dict) -> tuple[int, bytes, dict]:
    """One GET, redirects not followed, body as sent (not decompressed)."""
    host, _, path = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=60)
    try:
        connection.request("GET", "/" + path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


class Server:
    """gunicorn with one sync worker per core, like the README's production command, and what its workers use."""

    def __init__(self, tmp: Path):
        self.log = tmp / "gunicorn.log"
        self.gunicorn: Gunicorn | None = None

    def __enter__(self):
        self.gunicorn = start_gunicorn(os.environ, workers=WORKERS, log=self.log)
        self.process, self.base = self.gunicorn.process, self.gunicorn.url
        deadline = time.monotonic() + 30
        while len(self.workers()) < WORKERS:  # /healthz answers once the first worker is up
            if time.monotonic() > deadline:
                self.gunicorn.stop()
                raise SystemExit(f"gunicorn started too few workers; see {self.log}:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.gunicorn.stop()

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def wait_idle(self, timeout: float = 120) -> None:
        """Wait until the workers stop using CPU: wrk closes its connections at the end of a run, but sync
        workers still answer the requests already accepted, which would slow the next page's run."""
        deadline = time.monotonic() + timeout
        before = self.cpu_ticks()
        quiet = 0
        while time.monotonic() < deadline and quiet < 2:
            time.sleep(0.2)
            now = self.cpu_ticks()
            quiet = quiet + 1 if now - before <= 1 else 0
            before = now

    def cpu_ticks(self) -> int:
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total

    def peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident set) among the workers, in MB."""
        peaks = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return round(max(peaks, default=0.0), 1)


def wrk(url: str, headers: dict, seconds: int, script: Path) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return json.loads(line.removeprefix("BENCH "))


def use_private_static_root(tmp: Path) -> None:
    """STATIC_ROOT in our temp dir (settings read it from the environment): staticfiles/ is shared with
    whoever else runs collectstatic in this checkout, and the ceiling file must not vanish mid-run."""
    os.environ["STATIC_ROOT"] = str(tmp / "static")


def setup_django():
    import django

    django.setup()


def pick_pages() -> list[dict]:
    """The pages to measure, chosen once at 1x: the real promise and indicator with the most rows."""
    from django.db.models import Count
    from django.urls import reverse

    from promises.models import Administration, Indicator, Promise

    administration = Administration.objects.default()
    if administration is None:
        raise SystemExit("no administration: did load_kupang_data run?")
    promise = (
        Promise.objects.filter(administration=administration)
        .annotate(n=Count("source_links", distinct=True) + Count("changes", distinct=True))
        .order_by("-n", "code")
        .first()
    )
    indicator = (
        Indicator.objects.filter(promise__administration=administration)
        .annotate(n=Count("readings"))
        .order_by("-n", "slug")
        .first()
    )
    list_url = reverse("promises:list")
    return [
        {"page": "dashboard", "path": reverse("promises:home"), "headers": {}},
        {"page": "promise list", "path": list_url, "headers": {}},
        {"page": "list, htmx filter", "path": list_url + "?status=dalam_proses", "headers": {"HX-Request": "true"}},
        {"page": f"promise {promise.code}", "path": promise.get_absolute_url(), "headers": {}},
        {"page": f"indicator {indicator.slug}"[:30], "path": indicator.get_absolute_url(), "headers": {}},
        {"page": "sources", "path": reverse("promises:sources"), "headers": {}},
    ]


def count_queries(path: str, headers: dict) -> tuple[int, int, int]:
    """(status, queries on the first request after the cache is emptied, queries on the next one)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        counts.append(len(queries))
    return response.status_code, counts[0], counts[1]


def data_counts() -> dict:
    from promises.models import Administration, Indicator, Promise, Reading, Source, StatusChange

    return {
        model._meta.model_name: model.objects.count()
        for model in (Administration, Promise, Source, Indicator, Reading, StatusChange)
    }


def write_ceiling(static_root: Path, body: bytes) -> Path:
    """A static file with the dashboard's bytes (same size, same compressibility), plus the .gz whitenoise serves."""
    path = static_root / CEILING_NAME
    path.write_bytes(body)
    path.with_name(CEILING_NAME + ".gz").write_bytes(gzip.compress(body, 9))
    return path


def process_ticks() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks used so far) for every process."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


def our_ticks() -> dict[int, int]:
    """CPU ticks per process of this benchmark: this script with gunicorn, and our PostgreSQL."""
    roots = {os.getpid()}
    pid_file = Path(os.environ.get("BENCH_PGDATA", "/nonexistent")) / "postmaster.pid"
    if pid_file.exists():
        roots.add(int(pid_file.read_text().split()[0]))
    table = process_ticks()
    children: dict[int, list[int]] = {}
    for pid, (parent, _ticks) in table.items():
        children.setdefault(parent, []).append(pid)
    ours, todo = {}, list(roots)
    while todo:
        pid = todo.pop()
        if pid in table:
            ours[pid] = table[pid][1]
            todo.extend(children.get(pid, []))
    return ours


def children_ticks() -> int:
    """CPU ticks of child processes that have exited (each wrk run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK"))


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)  # minus idle and iowait


def run_wrk(url: str, headers: dict, script: Path) -> dict:
    ours_before, exited_before, (busy_before, total_before) = our_ticks(), children_ticks(), machine_ticks()
    result = wrk(url, headers, SECONDS, script)
    ours_after, (busy, total) = our_ticks(), machine_ticks()
    # per process, so one that exits meanwhile (a database connection closed) does not count as negative
    ours = sum(t - ours_before.get(pid, 0) for pid, t in ours_after.items()) + children_ticks() - exited_before
    others = max(0, busy - busy_before - ours) / max(1, total - total_before)
    seconds = result["duration_us"] / 1e6
    return {
        "requests": result["requests"],
        "requests_per_s": round(result["requests"] / seconds, 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "max_ms": round(result["max_us"] / 1000, 2),
        "non_2xx": result["non2xx"],
        "socket_errors": result["connect"] + result["read"] + result["write"] + result["timeout"],
        "timeouts": result["timeout"],
        "loadavg_1m": load_average(),
        # share of the machine's CPU used by processes that are not this benchmark's during the run
        "other_cpu_pct": round(100 * others, 1),
    }


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure_size(size: int, pages: list[dict], tmp: Path, script: Path) -> dict:
    """Every page once per round, rounds interleaved so a busy moment on the machine hits all pages alike."""
    from django.db import connections

    counts = data_counts()
    log(f"{size}x: {counts}")
    # steady state, as a production database would be: fresh statistics, no autovacuum running meanwhile
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sql = {page["path"]: count_queries(page["path"], page["headers"]) for page in pages}
    connections.close_all()
    accept = {"Accept-Encoding": "gzip"} if GZIP else {}
    targets = [*pages, {"page": "static ceiling", "path": "/static/" + CEILING_NAME, "headers": {}}]
    rows = []
    with Server(tmp) as server:
        for page in targets:
            url = server.base + page["path"]
            status, raw, _headers = fetch(url, page["headers"])
            _status, packed, packed_headers = fetch(url, page["headers"] | {"Accept-Encoding": "gzip"})
            _query_status, sql_cold, sql_warm = sql.get(page["path"], (status, None, None))
            rows.append(
                {
                    "size": size,
                    "page": page["page"],
                    "path": page["path"],
                    "htmx": "HX-Request" in page["headers"],
                    "status": status,
                    "sql_cold": sql_cold,
                    "sql_warm": sql_warm,
                    "bytes_raw": len(raw),
                    "bytes_gzip": len(packed) if packed_headers.get("Content-Encoding") == "gzip" else None,
                    "rounds": [],
                }
            )
            if WARMUP:
                wrk(url, page["headers"] | accept, WARMUP, script)
                server.wait_idle()
        for round_number in range(1, ROUNDS + 1):
            for page, row in zip(targets, rows, strict=True):
                result = run_wrk(server.base + page["path"], page["headers"] | accept, script)
                row["rounds"].append(result)
                server.wait_idle()
                log(
                    f"{size}x round {round_number}/{ROUNDS} {page['page']}: {result['requests_per_s']} req/s, "
                    f"p99 {result['p99_ms']} ms, status {row['status']}, sql {row['sql_cold']}/{row['sql_warm']}, "
                    f"other CPU {result['other_cpu_pct']}%"
                )
        peak = server.peak_rss_mb()
    for row in rows:
        # the round least disturbed by other processes stands for the page (with equal disturbance, the
        # median req/s); errors count over all rounds
        ranked = sorted(row["rounds"], key=lambda r: r["requests_per_s"])
        chosen = min(ranked, key=lambda r: (round(r["other_cpu_pct"] / 5), abs(ranked.index(r) - len(ranked) // 2)))
        row.update({key: chosen[key] for key in ("requests_per_s", "p50_ms", "p99_ms", "max_ms", "other_cpu_pct")})
        # wrk counts statuses >= 400; a page that answered 3xx before the run counts as all non-2xx
        good = 200 <= row["status"] < 300
        row["non_2xx"] = sum(r["non_2xx"] if good else r["requests"] for r in row["rounds"])
        row["socket_errors"] = sum(r["socket_errors"] for r in row["rounds"])
    ceiling = rows[-1]["requests_per_s"] or 1
    for row in rows:
        row["ratio_to_static"] = round(row["requests_per_s"] / ceiling, 3)
    return {"size": size, "data": counts, "worker_peak_rss_mb": peak, "rows": rows}


def table(sizes: list[dict]) -> str:
    head = (
        "size",
        "page",
        "req/s",
        "p50 ms",
        "p99 ms",
        "×static",
        "SQL",
        "SQL cold",
        "bytes",
        "gzip",
        "non-2xx",
        "errors",
        "worker MB",
        "other CPU",
    )
    lines = []
    for measured in sizes:
        for i, row in enumerate(measured["rows"]):
            lines.append(
                (
                    f"{row['size']}x",
                    row["page"],
                    f"{row['requests_per_s']:.0f}",
                    f"{row['p50_ms']:.1f}",
                    f"{row['p99_ms']:.1f}",
                    f"{row['ratio_to_static']:.1%}",
                    "-" if row["sql_warm"] is None else str(row["sql_warm"]),
                    "-" if row["sql_cold"] is None else str(row["sql_cold"]),
                    f"{row['bytes_raw']:,}",
                    "-" if row["bytes_gzip"] is None else f"{row['bytes_gzip']:,}",
                    str(row["non_2xx"]),
                    str(row["socket_errors"]),
                    f"{measured['worker_peak_rss_mb']:.0f}" if i == 0 else "",
                    f"{row['other_cpu_pct']:.0f}%",
                )
            )
    widths = [max(len(cell) for cell in column) for column in zip(head, *lines, strict=True)]
    left = {0, 1}

    def fmt(cells):
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(head), rule, *(fmt(line) for line in lines)])


def targets(sizes: list[dict]) -> list[str]:
    """The issue's targets, read from this run (never asserted in tests)."""
    by_size = {m["size"]: m for m in sizes}
    pages = [r for r in sizes[0]["rows"] if r["page"] != "static ceiling"]
    out = []

    def mark(ok: bool) -> str:
        return "OK  " if ok else "MISS"

    base = by_size.get(1)
    if base:
        slow = [f"{r['page']} {r['ratio_to_static']:.1%}" for r in base["rows"][:-1] if r["ratio_to_static"] < 0.5]
        out.append(
            f"{mark(not slow)} every page >= 50% of the static ceiling at 1x"
            + (f" ({', '.join(slow)})" if slow else "")
        )
    top = by_size.get(max(by_size))
    if base and top and top is not base:
        drops = []
        for first, last in zip(base["rows"][:-1], top["rows"][:-1], strict=True):
            if last["requests_per_s"] < 0.8 * first["requests_per_s"]:
                drops.append(f"{first['page']} {first['requests_per_s']:.0f}→{last['requests_per_s']:.0f}")
        out.append(
            f"{mark(not drops)} req/s at {top['size']}x within 20% of 1x" + (f" ({'; '.join(drops)})" if drops else "")
        )
    changed = [
        page["page"]
        for page in pages
        if len({(r["sql_warm"], r["sql_cold"]) for m in sizes for r in m["rows"] if r["path"] == page["path"]}) > 1
    ]
    out.append(
        f"{mark(not changed)} same SQL count at every size" + (f" (differs: {', '.join(changed)})" if changed else "")
    )
    slow = [f"{r['size']}x {r['page']} {r['p99_ms']:.0f} ms" for m in sizes for r in m["rows"] if r["p99_ms"] >= 100]
    out.append(
        f"{mark(not slow)} p99 < 100 ms at {CONNECTIONS} connections" + (f" ({'; '.join(slow)})" if slow else "")
    )
    bad = [f"{r['size']}x {r['page']}" for m in sizes for r in m["rows"] if r["non_2xx"] or r["socket_errors"]]
    out.append(f"{mark(not bad)} zero non-2xx responses and socket errors" + (f" ({', '.join(bad)})" if bad else ""))
    noisy = [
        f"{r['size']}x {r['page']} {r['other_cpu_pct']:.0f}%"
        for m in sizes
        for r in m["rows"]
        if r["other_cpu_pct"] > 10
    ]
    if noisy:
        out.append(
            f"NOTE other processes used >10% of the CPU during: {', '.join(noisy)}; rerun when the machine is quiet"
        )
    if top:
        rss = top["worker_peak_rss_mb"]
        out.append(f"{mark(rss < 200)} worker memory at {top['size']}x below 200 MB ({rss:.0f} MB)")
    return out


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench.py: DATABASE_URL must point at the throwaway PostgreSQL (run bin/bench).")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()
    load_at_start = load_average()
    if load_at_start > 0.5:
        log(f"NOTE: load average {load_at_start} before the run: other processes compete for the CPUs")
    with tempfile.TemporaryDirectory(prefix="kupang-bench-") as tmp_name:
        tmp = Path(tmp_name)
        use_private_static_root(tmp)
        script = tmp / "report.lua"
        script.write_text(WRK_SCRIPT)
        log("migrate, collectstatic, load_kupang_data")
        manage("migrate", "--noinput", "-v", "0")
        manage("collectstatic", "--noinput", "-v", "0")
        manage("load_kupang_data", "-v", "0")
        setup_django()
        from django.conf import settings
        from django.test import Client

        pages = pick_pages()
        dashboard = Client(HTTP_HOST="127.0.0.1").get(pages[0]["path"])
        if dashboard.status_code != 200:
            raise SystemExit(f"dashboard answered {dashboard.status_code}")
        write_ceiling(Path(settings.STATIC_ROOT), dashboard.content)
        results = []
        synthetic = 0
        for size in SIZES:
            wanted = size - 1  # the Kupang data is one copy
            if wanted > synthetic:
                log(f"generate_synthetic_data --factor {wanted - synthetic}")
                t0 = time.monotonic()
                manage("generate_synthetic_data", "--factor", str(wanted - synthetic), "--allow-real-data")
                log(f"generated in {time.monotonic() - t0:.1f} s")
                synthetic = wanted
            results.append(measure_size(size, pages, tmp, script))

    report = table(results)
    verdicts = targets(results)
    print()
    print(report)
    print()
    print("\n".join(verdicts))
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")
                ),
                platform.processor(),
            ),
            "python": platform.python_version(),
        },
        "settings": {
            "seconds": SECONDS,
            "warmup_seconds": WARMUP,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "workers": WORKERS,
            "gzip": GZIP,
            "sizes": SIZES,
            "rounds": ROUNDS,
        },
        "loadavg_1m_at_start": load_at_start,
        "dashboard_bytes": len(dashboard.content),
        "duration_s": round(time.monotonic() - started),
    }
    (RESULTS / "bench.json").write_text(
        json.dumps({"meta": meta, "sizes": results, "targets": verdicts}, indent=2, ensure_ascii=False) + "\n"
    )
    (RESULTS / "bench.txt").write_text(report + "\n\n" + "\n".join(verdicts) + "\n")
    print(f"\n{RESULTS / 'bench.json'} ({meta['duration_s']} s)")


if __name__ == "__main__":
    main()
