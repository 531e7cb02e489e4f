#!/usr/bin/env python3
"""Runs the blog benchmark (bench/blog_bench.hpp) and reports it.

Three implementations of the same workloads on SQLite:
  raw-sqlite  build/release/bench/raw-sqlite-bench  (hand-written sqlite3 C API, the floor)
  relate      build/release/bench/relate-bench      (Relate)
  sqlalchemy  bench/sqlalchemy_bench.py             (SQLAlchemy's ORM, the peer)
and, with --servers, a floor per database server, hand-written on the driver under
Relate's backend for it:
  raw-postgres  build/release/bench/raw-postgres-bench  (SOCI's PostgreSQL backend)
  raw-mysql     build/release/bench/raw-mysql-bench     (MySQL Connector/C++, on MariaDB)

Every (implementation, workload, run) is a process of its own, so the peak memory
each one reports is that workload's. Runs alternate implementations:
for run in 1..R, for workload, for impl in (raw-sqlite, relate, sqlalchemy).
Progress goes to stderr.

All lines of a workload must carry the same checksum (implementations, runs and
backends alike); otherwise the differing lines are printed, nothing is written
and the exit status is 1.

Then, unless disabled:
  scaling  relate and raw-sqlite again at 10 x N users; per workload the ratio
           median(10N) / median(N)
  servers  (--servers or BENCH_SERVERS=1) relate-bench and that server's floor on the
           PostgreSQL and MySQL servers in RELATE_TEST_POSTGRESQL_URL /
           RELATE_TEST_MYSQL_URL, as exported by tests/servers/with-databases (`make bench
           BENCH_SERVERS=1`); for run in 1..R, for workload, for server, for impl in
           (floor, relate). Same checksums as on SQLite; the report gives relate / floor
           per workload on every backend

Writes bench/results/latest.json (every result line and the machine),
bench/results/latest.md, the chart bench/results/blog.png (gnuplot; skipped with a
note when gnuplot is missing) and the part of README.md between
<!-- bench:start --> and <!-- bench:end --> (not with --no-readme).

Settings (a flag beats --quick, which beats the environment, which beats the default):
  --users N            BENCH_USERS       users N                      (10000)
  --posts-per-user M   BENCH_POSTS       posts per user M             (10)
  --tags T             BENCH_TAGS        tags T                       (50)
  --runs R             BENCH_RUNS        runs per workload            (5)
  --scale-runs S       BENCH_SCALE_RUNS  runs at 10 x N, 0 = none     (3)
  --servers            BENCH_SERVERS=1   also PostgreSQL / MySQL      (off)
  --build DIR                            the CMake build tree         (build/release)
  --quick                                N=1000, 2 runs, no scaling: for trying it out
  --no-readme                            leave README.md alone
  BENCH_PYTHON                           the python for sqlalchemy_bench.py (default:
                                         the first of this python, /usr/bin/python3,
                                         python3 that imports sqlalchemy)
"""

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
README = os.path.join(ROOT, "README.md")
START_MARK = "<!-- bench:start -->"
END_MARK = "<!-- bench:end -->"

# As in blog_bench.hpp's workload_names(), with what each one's "n" counts.
WORKLOADS = [
    "insert", "load_lazy", "load_joined", "load_selectin", "m2m_selectin", "cascade_delete"]
N_MEANS = {
    "insert": "rows written",
    "load_lazy": "users + posts loaded",
    "load_joined": "users + posts loaded",
    "load_selectin": "users + posts loaded",
    "m2m_selectin": "posts + links loaded",
    "cascade_delete": "users deleted",
}
IMPLS = ["raw-sqlite", "relate", "sqlalchemy"]
SCALE_IMPLS = ["raw-sqlite", "relate"]
# (name, the URL's variable, the floor): the name is also the backend the programs report.
SERVERS = [("postgresql", "RELATE_TEST_POSTGRESQL_URL", "raw-postgres"),
           ("mysql", "RELATE_TEST_MYSQL_URL", "raw-mysql")]
SERVER_TITLES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB"}

# The performance targets (issue 17): relate / floor times on SQLite and on each
# server's own driver, memory, SQLAlchemy / relate, and the cost of ten times the data.
TIME_TARGETS = [
    ("load_lazy", 1.3), ("load_joined", 1.3), ("load_selectin", 1.3), ("m2m_selectin", 1.3),
    ("insert", 1.5), ("cascade_delete", 1.2)]
SERVER_TARGET = 1.3
SQLALCHEMY_TARGET = 30.0  # at least, on every load workload
LOAD_WORKLOADS = ["load_lazy", "load_joined", "load_selectin", "m2m_selectin"]
SCALE_TARGET = 10.5
MEMORY_TARGETS = [("load_selectin", 2.0)]


def runs_text(k):
    return f"{k} run" if k == 1 else f"{k} runs"


def note(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    note("run_bench: " + message)
    sys.exit(1)


# ---- Settings ----


def env_int(name, default):
    text = os.environ.get(name, "")
    if text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        fail(f"{name} must be a whole number, not {text!r}")
    if value < 0:
        fail(f"{name} must not be negative")
    return value


def parse_args():
    parser = argparse.ArgumentParser(
        description="Runs the blog benchmark (raw-sqlite, relate, sqlalchemy; with --servers "
        "also relate and the floors raw-postgres, raw-mysql on the servers) and reports it.")
    parser.add_argument("--build", default=None, help="CMake build tree (default build/release)")
    parser.add_argument("--runs", type=int, help="runs per workload (BENCH_RUNS, default 5)")
    parser.add_argument("--users", type=int, help="users N (BENCH_USERS, default 10000)")
    parser.add_argument("--posts-per-user", type=int,
                        help="posts per user (BENCH_POSTS, default 10)")
    parser.add_argument("--tags", type=int, help="tags (BENCH_TAGS, default 50)")
    parser.add_argument("--scale-runs", type=int,
                        help="runs at 10 x N users, 0 = no scaling (BENCH_SCALE_RUNS, default 3)")
    parser.add_argument("--servers", action="store_true",
                        help="also relate-bench and the floors on RELATE_TEST_POSTGRESQL_URL / "
                        "RELATE_TEST_MYSQL_URL (BENCH_SERVERS=1)")
    parser.add_argument("--quick", action="store_true", help="N=1000, 2 runs, no scaling")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    args = parser.parse_args()

    def pick(flag, quick, env_name, default):
        if flag is not None:
            return flag
        if args.quick and quick is not None:
            return quick
        return env_int(env_name, default)

    cfg = {
        "users": pick(args.users, 1000, "BENCH_USERS", 10000),
        "posts_per_user": pick(args.posts_per_user, None, "BENCH_POSTS", 10),
        "tags": pick(args.tags, None, "BENCH_TAGS", 50),
        "runs": pick(args.runs, 2, "BENCH_RUNS", 5),
        "scale_runs": pick(args.scale_runs, 0, "BENCH_SCALE_RUNS", 3),
        "servers": args.servers or os.environ.get("BENCH_SERVERS", "") == "1",
        "quick": args.quick,
        "readme": not args.no_readme,
    }
    for key in ("users", "posts_per_user", "tags", "runs"):
        if cfg[key] < 1:
            fail(f"{key.replace('_', '-')} must be at least 1")
    if cfg["scale_runs"] < 0:
        fail("scale-runs must not be negative")
    build = args.build if args.build is not None else os.path.join(ROOT, "build", "release")
    cfg["build"] = os.path.abspath(build)
    return cfg


def command_line():
    """The command as the reader would retype it."""
    env = " ".join(f"{k}={shlex.quote(os.environ[k])}"
                   for k in ("BENCH_USERS", "BENCH_POSTS", "BENCH_TAGS", "BENCH_RUNS",
                             "BENCH_SCALE_RUNS", "BENCH_SERVERS")
                   if os.environ.get(k))
    if os.environ.get("MAKELEVEL") and len(sys.argv) <= 2:
        text = "make bench"
    else:
        text = " ".join(["bench/run_bench.py"] + [shlex.quote(a) for a in sys.argv[1:]])
    return f"{env} {text}" if env else text


# ---- The programs ----


def python_for_sqlalchemy():
    """An interpreter that imports sqlalchemy, and SQLAlchemy's version."""
    candidates = [os.environ["BENCH_PYTHON"]] if os.environ.get("BENCH_PYTHON") else [
        sys.executable, "/usr/bin/python3", shutil.which("python3") or "python3"]
    tried = []
    for python in candidates:
        if not python or python in tried:
            continue
        tried.append(python)
        try:
            out = subprocess.run(
                [python, "-c", "import sqlalchemy, platform; "
                 "print(sqlalchemy.__version__, platform.python_version())"],
                capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.split():
            sqlalchemy_version, python_version = out.stdout.split()[:2]
            return python, sqlalchemy_version, python_version
    fail("no python that imports sqlalchemy (tried " + ", ".join(tried) +
         "): install python3-sqlalchemy (make deps) or set BENCH_PYTHON")


def programs(cfg, servers):
    """servers: the (name, url, floor) that will run; their floors must be built too."""
    bench_dir = os.path.join(cfg["build"], "bench")
    relate = os.path.join(bench_dir, "relate-bench")
    raw = os.path.join(bench_dir, "raw-sqlite-bench")
    floors = {floor: os.path.join(bench_dir, floor + "-bench") for _, _, floor in servers}
    script = os.path.join(ROOT, "bench", "sqlalchemy_bench.py")
    for path in [relate, raw] + list(floors.values()):
        if not os.access(path, os.X_OK):
            targets = " ".join(os.path.basename(p) for p in [relate, raw] + list(floors.values()))
            fail(f"{path} is missing: build it first (cmake --build "
                 f"{os.path.relpath(cfg['build'])} --target {targets}, or make bench"
                 + (" BENCH_SERVERS=1)" if floors else ")"))
    if not os.path.isfile(script):
        fail(f"{script} is missing")
    python, sqlalchemy_version, python_version = python_for_sqlalchemy()
    cfg["python"] = python
    cfg["sqlalchemy_version"] = sqlalchemy_version
    cfg["python_version"] = python_version
    progs = {"raw-sqlite": [raw], "relate": [relate], "sqlalchemy": [python, script]}
    progs.update({floor: [path] for floor, path in floors.items()})
    return progs


# The programs report getrusage's ru_maxrss, which Linux carries across fork and exec: a
# program started straight from this script would report at least this script's own peak
# RSS (some 17 MiB of Python). A small shell forks it instead (the command is not the
# shell's last, so the shell does not exec it in place), and the floor is the shell's ~1 MiB.
SPAWN = ["/bin/sh", "-c", '"$@"; exit $?', "run_bench"]


class Runner:
    def __init__(self, cfg, progs, total_steps):
        self.cfg = cfg
        self.progs = progs
        # {"phase", "run", "users", "label", "wall_seconds", "line", "result"}
        self.results = []
        self.step = 0
        self.total = total_steps
        self.started = time.monotonic()

    def run(self, phase, run, impl, workload, users, url=None, backend="sqlite", label=None):
        """One process: one workload of one implementation on `backend` (at `url`, a
        server's, or SQLite without). Returns the parsed result."""
        self.step += 1
        cmd = self.progs[impl] + [
            "--users", str(users), "--posts-per-user", str(self.cfg["posts_per_user"]),
            "--tags", str(self.cfg["tags"]), "--workload", workload]
        if url:
            cmd += ["--url", url]
        shown = label or impl
        # A private temp dir per process, on the same file system as usual: the SQLite
        # file each program creates there goes away with it.
        with tempfile.TemporaryDirectory(prefix="relate-bench-") as tmp:
            env = dict(os.environ, TMPDIR=tmp)
            begun = time.monotonic()
            proc = subprocess.run(SPAWN + cmd, capture_output=True, text=True, env=env, cwd=ROOT)
            wall = time.monotonic() - begun
        printable = " ".join(shlex.quote(c) for c in cmd)
        if proc.returncode != 0:
            note(f"run_bench: failed (exit status {proc.returncode}): {printable}")
            sys.stderr.write(proc.stderr[-4000:] + proc.stdout[-2000:])
            sys.exit(1)
        if proc.stderr.strip():
            note(f"run_bench: {shown} {workload} wrote to stderr:\n" + proc.stderr.rstrip()[-2000:])
        lines = [l for l in proc.stdout.splitlines() if l.lstrip().startswith("{")]
        parsed = []
        for line in lines:
            try:
                parsed.append((line, json.loads(line)))
            except json.JSONDecodeError as e:
                fail(f"{printable} printed a line that is not JSON ({e}):\n  {line}")
        if len(parsed) != 1:
            fail(f"{printable} printed {len(parsed)} result lines, expected 1:\n{proc.stdout}")
        line, result = parsed[0]
        missing = [k for k in ("impl", "backend", "workload", "n", "seconds", "statements",
                               "peak_rss_kib", "checksum") if k not in result]
        if missing:
            fail(f"{printable}: result line lacks {', '.join(missing)}:\n  {line}")
        if result["impl"] != impl or result["workload"] != workload:
            fail(f"{printable}: expected impl {impl!r} and workload {workload!r}, got:\n  {line}")
        if result["backend"] != backend:
            fail(f"{printable}: expected backend {backend!r}, got:\n  {line}")
        self.results.append({"phase": phase, "run": run, "users": users, "label": shown,
                             "wall_seconds": round(wall, 3), "line": line, "result": result})
        elapsed = time.monotonic() - self.started
        note(f"[{self.step:>{len(str(self.total))}}/{self.total} {elapsed:6.0f}s] {phase:<7} "
             f"N={users:<7} run {run}  {workload:<14} {shown:<17} {result['seconds']:9.4f} s  "
             f"{result['statements']:>8} stmts  {result['peak_rss_kib'] / 1024:7.1f} MiB")
        return result

    def check(self, phases, what):
        """Exits 1 unless every workload's results in these phases agree."""
        for w in WORKLOADS:
            check_checksums([e for e in self.results if e["phase"] in phases
                             and e["result"]["workload"] == w], f"workload {w} {what}")


# ---- Checks and statistics ----


def canonical(checksum):
    return json.dumps(checksum, sort_keys=True)


def check_checksums(entries, what):
    """entries: the results of one workload at one N. Exits 1 when they disagree."""
    groups = {}
    for e in entries:
        key = (e["result"]["n"], canonical(e["result"]["checksum"]))
        groups.setdefault(key, []).append(e)
    if len(groups) <= 1:
        return
    note(f"run_bench: CHECKSUM MISMATCH in {what}: {len(groups)} different results")
    # The reference: raw-sqlite's group (the floor) when there is one.
    ordered = sorted(groups.values(),
                     key=lambda ms: not any(m["label"] == "raw-sqlite" for m in ms))
    reference = ordered[0][0]
    for members in ordered:
        who = ", ".join(f"{m['label']} run {m['run']}" for m in members)
        note(f"  {who}:")
        for m in members:
            note(f"    {m['line']}")
        diff = describe_difference(reference["result"], members[0]["result"])
        if diff:
            note(f"    differs from {reference['label']} in: {diff}")
    note("run_bench: no tables written from these results")
    sys.exit(1)


def describe_difference(a, b):
    parts = []
    if a["n"] != b["n"]:
        parts.append(f"n ({a['n']} vs {b['n']})")
    ca, cb = a["checksum"], b["checksum"]
    if isinstance(ca, dict) and isinstance(cb, dict):
        for k in sorted(set(ca) | set(cb)):
            if ca.get(k) != cb.get(k):
                parts.append(f"{k} ({json.dumps(ca.get(k))} vs {json.dumps(cb.get(k))})")
    elif ca != cb:
        parts.append("checksum")
    return ", ".join(parts)


def server_label(impl, server):
    """How a server run is labelled: the floors run on one server only; relate on each."""
    return f"relate@{server}" if impl == "relate" else impl


def pick_results(results, phase, label, workload, users):
    return [e["result"] for e in results if e["phase"] == phase and e["label"] == label
            and e["result"]["workload"] == workload and e["users"] == users]


def summarize(rs):
    if not rs:
        return None
    secs = [r["seconds"] for r in rs]
    stmts = sorted({r["statements"] for r in rs})
    return {
        "median_seconds": statistics.median(secs),
        "min_seconds": min(secs),
        "max_seconds": max(secs),
        "statements": stmts[0] if len(stmts) == 1 else f"{stmts[0]}–{stmts[-1]}",
        "median_peak_rss_mib": statistics.median(r["peak_rss_kib"] for r in rs) / 1024,
        "n": rs[0]["n"],
        "runs": len(rs),
    }


# ---- Machine ----


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = out.stdout.strip().splitlines()
    return lines[0].strip() if out.returncode == 0 and lines else None


def cmake_cache(build, key):
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info(cfg):
    sqlite = first_line(["sqlite3", "--version"])
    compiler = cmake_cache(cfg["build"], "CMAKE_CXX_COMPILER")
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = None
    if commit:
        status = subprocess.run(
            ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True)
        dirty = bool(status.stdout.strip())
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            mem_kib = int(next(l for l in f if l.startswith("MemTotal:")).split()[1])
    except (OSError, StopIteration, ValueError):
        mem_kib = None
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1) if mem_kib else None,
        "kernel": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "sqlite": sqlite.split()[0] if sqlite else None,
        "python": cfg["python_version"],
        "sqlalchemy": cfg["sqlalchemy_version"],
        "compiler": first_line([compiler, "--version"]) if compiler else None,
        "build_type": cmake_cache(cfg["build"], "CMAKE_BUILD_TYPE"),
        "temp_dir": tempfile.gettempdir(),
        "git_commit": commit,
        "git_uncommitted_changes": dirty,
        "load_average_at_start": load,
    }


# ---- Formatting ----


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.4f}" if x < 100 else f"{x:.1f}"


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}"


def fmt_mib(x):
    return "–" if x is None else f"{x:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(value, limit, at_least=False):
    if value is None:
        return "not measured"
    if (value >= limit) if at_least else (value <= limit):
        return "met"
    pct = (limit / value - 1) * 100 if at_least else (value / limit - 1) * 100
    return f"missed by {pct:.1f}%" if pct < 10 else f"missed by {pct:.0f}%"


def table(header, rows, align=None):
    align = align or ["---"] + ["--:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def report_markdown(cfg, machine, stats, chart_ok, image_path):
    N, M, T = cfg["users"], cfg["posts_per_user"], cfg["tags"]
    main = stats["main"]
    out = []
    commit = machine["git_commit"]
    commit_text = ""
    if commit:
        commit_text = f", commit `{commit}`"
        if machine["git_uncommitted_changes"]:
            commit_text += " with uncommitted changes"
    out.append(f"Measured with `{cfg['command']}` on {cfg['date']}{commit_text}.")
    out.append("")
    mem = f", {machine['memory_gib']} GiB RAM" if machine["memory_gib"] else ""
    load = ""
    if machine["load_average_at_start"]:
        load = ("; load average "
                f"{' '.join(f'{x:.2f}' for x in machine['load_average_at_start'])} at the start")
    out.append(f"- Machine: {machine['cpu']}, {machine['cores']} cores{mem}, {machine['kernel']} "
               f"({machine['machine']}){load}.")
    out.append(f"- Software: SQLite {machine['sqlite'] or '?'}; "
               f"{machine['compiler'] or 'C++ compiler ?'}, CMake build type "
               f"{machine['build_type'] or '?'}; Python {machine['python']} with "
               f"SQLAlchemy {machine['sqlalchemy']}.")
    out.append(f"- Data: N = {N} users, M = {M} posts per user ({N * M} posts), T = {T} tags; "
               "a fresh SQLite file per process.")
    out.append(f"- Method: each figure is the median of {runs_text(cfg['runs'])}; every "
               "(implementation, workload, run) is a process of its own, implementations "
               "alternating. Times cover the workload only, not schema or seeding. Peak RSS is "
               "the whole process's maximum resident set size (getrusage), setup included, in "
               "MiB. All implementations printed the same checksums. Raw lines: "
               "[bench/results/latest.json](bench/results/latest.json).")
    if cfg["quick"]:
        out.append("- This is a `--quick` run (small N, few runs): a smoke test, not a "
                   "measurement.")
    out.append("")

    # Targets
    out.append("Targets:")
    out.append("")
    rows = []
    for w, limit in TIME_TARGETS:
        r = ratio(main[w]["relate"]["median_seconds"], main[w]["raw-sqlite"]["median_seconds"])
        rows.append([f"{w} time, relate / raw-sqlite", fmt_ratio(r), f"≤ {limit:g}",
                     verdict(r, limit)])
    for w, limit in MEMORY_TARGETS:
        r = ratio(main[w]["relate"]["median_peak_rss_mib"],
                  main[w]["raw-sqlite"]["median_peak_rss_mib"])
        rows.append([f"{w} peak RSS, relate / raw-sqlite", fmt_ratio(r), f"≤ {limit:g}",
                     verdict(r, limit)])
    for w in LOAD_WORKLOADS:
        r = ratio(main[w]["sqlalchemy"]["median_seconds"], main[w]["relate"]["median_seconds"])
        rows.append([f"{w} time, sqlalchemy / relate", fmt_ratio(r), f"≥ {SQLALCHEMY_TARGET:g}",
                     verdict(r, SQLALCHEMY_TARGET, at_least=True)])
    if cfg["servers"]:
        for name, _, floor in SERVERS:
            on = stats["servers"].get(name)
            for w in WORKLOADS:
                r = ratio(on[w]["relate"]["median_seconds"],
                          on[w][floor]["median_seconds"]) if on else None
                rows.append([f"{w} time on {SERVER_TITLES[name]}, relate / {floor}",
                             fmt_ratio(r), f"≤ {SERVER_TARGET:g}", verdict(r, SERVER_TARGET)])
    for w in WORKLOADS:
        s = stats["scale"].get(w, {}).get("relate")
        r = ratio(s["median_seconds"], main[w]["relate"]["median_seconds"]) if s else None
        rows.append([f"{w} time at 10N / at N, relate", fmt_ratio(r), f"≤ {SCALE_TARGET:g}",
                     verdict(r, SCALE_TARGET) if s else "not measured (no scaling runs)"])
    out += table(["target", "measured", "limit", "result"], rows, ["---", "--:", "--:", "---"])
    out.append("")

    # Per workload
    for w in WORKLOADS:
        s = main[w]
        raw, rel, sqa = s["raw-sqlite"], s["relate"], s["sqlalchemy"]
        out.append(f"**{w}** (n = {rel['n']}, {N_MEANS[w]})")
        out.append("")
        out += table(
            ["", "raw-sqlite", "relate", "sqlalchemy", "relate / raw", "sqlalchemy / relate"],
            [
                ["median seconds", fmt_s(raw["median_seconds"]), fmt_s(rel["median_seconds"]),
                 fmt_s(sqa["median_seconds"]),
                 fmt_ratio(ratio(rel["median_seconds"], raw["median_seconds"])),
                 fmt_ratio(ratio(sqa["median_seconds"], rel["median_seconds"]))],
                ["statements", raw["statements"], rel["statements"], sqa["statements"], "", ""],
                ["peak RSS (MiB)", fmt_mib(raw["median_peak_rss_mib"]),
                 fmt_mib(rel["median_peak_rss_mib"]), fmt_mib(sqa["median_peak_rss_mib"]),
                 fmt_ratio(ratio(rel["median_peak_rss_mib"], raw["median_peak_rss_mib"])),
                 fmt_ratio(ratio(sqa["median_peak_rss_mib"], rel["median_peak_rss_mib"]))],
            ])
        out.append("")

    # Scaling
    if stats["scale"]:
        out.append(f"Scaling: N = {N} and 10N = {10 * N} users (M and T unchanged); medians of "
                   f"{runs_text(cfg['runs'])} at N and {runs_text(cfg['scale_runs'])} at 10N. "
                   "Linear work gives 10.")
        out.append("")
        rows = []
        for w in WORKLOADS:
            row = [w]
            for impl in ("relate", "raw-sqlite"):
                a = main[w][impl]["median_seconds"]
                b = stats["scale"][w][impl]["median_seconds"]
                row += [fmt_s(a), fmt_s(b), fmt_ratio(ratio(b, a))]
            rows.append(row)
        out += table(["workload", "relate N (s)", "relate 10N (s)", "relate 10N/N",
                      "raw N (s)", "raw 10N (s)", "raw 10N/N"], rows)
        out.append("")
    else:
        out.append("Scaling: not measured in this run.")
        out.append("")

    # Servers
    if cfg["servers"]:
        present = [(name, floor) for name, _, floor in SERVERS if stats["servers"].get(name)]
        if present:
            where = ", ".join(f"{SERVER_TITLES[n]} at {cfg['server_hosts'][n]}"
                              for n, _ in present)
            drivers = {"raw-postgres": "raw-postgres on SOCI's PostgreSQL backend",
                       "raw-mysql": "raw-mysql on MySQL Connector/C++"}
            out.append(f"Database servers (N = {N}, median of {runs_text(cfg['runs'])}): {where}, "
                       f"from {' and '.join(v for n, v, _ in SERVERS if n in dict(present))} "
                       "(`make bench BENCH_SERVERS=1` starts throwaway servers with default "
                       "settings on this machine through `tests/servers/with-databases`). Each "
                       "server has a floor of its own, the workloads written by hand on the "
                       "driver under Relate's backend, with prepared statements, multi-row "
                       "INSERTs and IN lists: "
                       f"{', '.join(drivers[f] for _, f in present)}. The SQLite column repeats "
                       "relate / raw-sqlite from above.")
            out.append("")
            header = ["workload", "relate / raw, SQLite"] + \
                [f"relate / raw, {SERVER_TITLES[n]}" for n, _ in present]
            for n, f in present:
                header += [f"relate on {SERVER_TITLES[n]} (s)", f"{f} (s)"]
            header.append("statements, relate / raw (" +
                          "; ".join(SERVER_TITLES[n] for n, _ in present) + ")")
            rows = []
            for w in WORKLOADS:
                on = {n: stats["servers"][n][w] for n, _ in present}
                row = [w, fmt_ratio(ratio(main[w]["relate"]["median_seconds"],
                                          main[w]["raw-sqlite"]["median_seconds"]))]
                row += [fmt_ratio(ratio(on[n]["relate"]["median_seconds"],
                                        on[n][f]["median_seconds"])) for n, f in present]
                for n, f in present:
                    row += [fmt_s(on[n]["relate"]["median_seconds"]),
                            fmt_s(on[n][f]["median_seconds"])]
                row.append("; ".join(f"{on[n]['relate']['statements']} / {on[n][f]['statements']}"
                                     for n, f in present))
                rows.append(row)
            out += table(header, rows)
            absent = [SERVER_TITLES[n] for n, _, _ in SERVERS if n not in dict(present)]
            if absent:
                out.append("")
                out.append(f"Not measured: {', '.join(absent)} (no server URL).")
            out.append("")
        else:
            out.append("Database servers: requested, but neither RELATE_TEST_POSTGRESQL_URL nor "
                       "RELATE_TEST_MYSQL_URL was set.")
            out.append("")

    if chart_ok:
        out.append(f"![Blog benchmark, median seconds per workload, log scale]({image_path})")
    else:
        out.append("No chart: gnuplot was not available.")
    return "\n".join(wrap(line) for line in out) + "\n"


def wrap(line, width=88):
    """Prose wrapped like the rest of README.md; tables and images stay on one line."""
    if len(line) <= width or line.startswith(("|", "!")):
        return line
    indent = "  " if line.startswith("- ") else ""
    # Code spans stay whole: their spaces are hidden from textwrap.
    parts = line.split("`")
    glued = "`".join(p.replace(" ", "\0") if i % 2 else p for i, p in enumerate(parts))
    return textwrap.fill(glued, width=width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False).replace("\0", " ")


# ---- Chart ----


def draw_chart(cfg, stats, path):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        note("run_bench: gnuplot is not on PATH (Debian: gnuplot-nox): no chart")
        return False
    probe = subprocess.run([gnuplot, "-e", "set terminal pngcairo"], capture_output=True, text=True)
    terminal = "pngcairo size 1100,600 noenhanced font 'sans,10'" if probe.returncode == 0 and \
        not probe.stderr.strip() else "png size 1100,600 noenhanced"
    main = stats["main"]
    values = [main[w][i]["median_seconds"] for w in WORKLOADS for i in IMPLS]
    positive = [v for v in values if v > 0]
    if not positive:
        note("run_bench: every median is 0 s: no chart")
        return False
    ymin = 10 ** math.floor(math.log10(min(positive) / 1.5))
    ymax = 10 ** math.ceil(math.log10(max(positive) * 3))
    with tempfile.TemporaryDirectory(prefix="relate-bench-chart-") as tmp:
        data = os.path.join(tmp, "blog.dat")
        with open(data, "w", encoding="utf-8") as f:
            f.write("# workload " + " ".join(IMPLS) + "\n")
            for w in WORKLOADS:
                bars = [repr(max(main[w][i]["median_seconds"], ymin)) for i in IMPLS]
                f.write(w + " " + " ".join(bars) + "\n")
        title = (f"Blog benchmark on SQLite: N={cfg['users']} users, "
                 f"M={cfg['posts_per_user']} posts/user, T={cfg['tags']} tags "
                 f"(median of {runs_text(cfg['runs'])})")
        width = 1.0 / (len(IMPLS) + 1)
        labels = ", ".join(
            f"'' using ($0{(k - 1) * width:+.4f}):{k + 2}:(sprintf('%.3g', ${k + 2})) "
            "with labels offset 0,0.7 font ',7' notitle"
            for k in range(len(IMPLS)))
        script = f"""
set terminal {terminal}
set output {json.dumps(path)}
set title {json.dumps(title)}
set xlabel 'workload'
set ylabel 'median seconds (log scale)'
set logscale y
set yrange [{ymin!r}:{ymax!r}]
set format y '%g'
set grid ytics
set key outside top center horizontal
set xrange [-0.6:{len(WORKLOADS) - 0.4}]
set tics nomirror
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9 relative
datafile = {json.dumps(data)}
plot datafile using 2:xtic(1) title 'raw-sqlite' lc rgb '#7f7f7f', \\
     '' using 3 title 'relate' lc rgb '#1f77b4', \\
     '' using 4 title 'sqlalchemy' lc rgb '#ff7f0e', \\
     {labels}
"""
        proc = subprocess.run([gnuplot], input=script, capture_output=True, text=True)
    if proc.returncode != 0 or not os.path.isfile(path):
        note("run_bench: gnuplot failed, no chart:\n" + proc.stderr)
        return False
    if proc.stderr.strip():
        note("run_bench: gnuplot says:\n" + proc.stderr)
    return True


# ---- README ----


def rewrite_readme(section):
    with open(README, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    starts = [i for i, l in enumerate(lines) if l.strip() == START_MARK]
    ends = [i for i, l in enumerate(lines) if l.strip() == END_MARK]
    if len(starts) != 1 or len(ends) != 1 or starts[0] >= ends[0]:
        fail(f"README.md needs exactly one {START_MARK} line followed by one {END_MARK} line; "
             "README left alone")
    new = lines[:starts[0] + 1] + section.rstrip("\n").split("\n") + lines[ends[0]:]
    tmp = README + ".run_bench.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(new))
    os.replace(tmp, README)


# ---- Main ----


def main():
    cfg = parse_args()
    servers = []  # (name, url, floor)
    cfg["server_hosts"] = {}
    if cfg["servers"]:
        for name, var, floor in SERVERS:
            if os.environ.get(var):
                servers.append((name, os.environ[var], floor))
                # The host only: the URL's password stays out of the report.
                try:
                    host = urllib.parse.urlsplit(os.environ[var]).hostname or "localhost"
                except ValueError:
                    host = "?"
                cfg["server_hosts"][name] = host
            else:
                note(f"run_bench: {var} is not set: no {SERVER_TITLES[name]} runs")
    progs = programs(cfg, servers)
    cfg["command"] = command_line()
    now = datetime.datetime.now(datetime.timezone.utc)
    cfg["date"] = now.strftime("%Y-%m-%d")
    machine = machine_info(cfg)
    if machine["build_type"] != "Release":
        note(f"run_bench: WARNING: {cfg['build']} has CMAKE_BUILD_TYPE={machine['build_type']!r}, "
             "not Release: these numbers say little")

    N, R, S = cfg["users"], cfg["runs"], cfg["scale_runs"]
    total = R * len(WORKLOADS) * len(IMPLS) + S * len(WORKLOADS) * len(SCALE_IMPLS) + \
        R * len(WORKLOADS) * len(servers) * 2
    note(f"run_bench: N={N} M={cfg['posts_per_user']} T={cfg['tags']}, {runs_text(R)}"
         + (f", {S} at 10N={10 * N}" if S else ", no scaling")
         + (f", servers: {', '.join(n for n, _, _ in servers)}" if servers else "")
         + f"; {total} processes")
    runner = Runner(cfg, progs, total)

    try:
        # Checked after every round, so a wrong result stops the run early.
        for run in range(1, R + 1):
            for w in WORKLOADS:
                for impl in IMPLS:
                    runner.run("main", run, impl, w, N)
            runner.check(("main",), f"at N={N}")
        for run in range(1, S + 1):
            for w in WORKLOADS:
                for impl in SCALE_IMPLS:
                    runner.run("scale", run, impl, w, 10 * N)
            runner.check(("scale",), f"at 10N={10 * N}")
        for run in range(1, R + 1 if servers else 1):
            for w in WORKLOADS:
                for name, url, floor in servers:
                    for impl in (floor, "relate"):
                        runner.run("server", run, impl, w, N, url=url, backend=name,
                                   label=server_label(impl, name))
            # Same data as on SQLite, so the same checksums.
            runner.check(("main", "server"), f"at N={N}, SQLite and servers")
    except KeyboardInterrupt:
        note("run_bench: interrupted; nothing written")
        sys.exit(130)

    res = runner.results

    def on_server(name, floor, w):
        return {i: summarize(pick_results(res, "server", server_label(i, name), w, N))
                for i in (floor, "relate")}

    stats = {
        "main": {w: {i: summarize(pick_results(res, "main", i, w, N)) for i in IMPLS}
                 for w in WORKLOADS},
        "scale": {w: {i: summarize(pick_results(res, "scale", i, w, 10 * N)) for i in SCALE_IMPLS}
                  for w in WORKLOADS} if S else {},
        "servers": {name: {w: on_server(name, floor, w) for w in WORKLOADS}
                    for name, _, floor in servers},
    }

    os.makedirs(RESULTS, exist_ok=True)
    chart_path = os.path.join(RESULTS, "blog.png")
    chart_ok = draw_chart(cfg, stats, chart_path)

    config = {k: cfg[k] for k in
              ("users", "posts_per_user", "tags", "runs", "scale_runs", "servers", "quick")}
    config["build"] = os.path.relpath(cfg["build"], ROOT)
    config["python"] = cfg["python"]
    doc = {
        "command": cfg["command"],
        "date": now.isoformat(timespec="seconds"),
        "machine": machine,
        "config": config,
        "servers": [name for name, _, _ in servers],
        "summary": stats,
        "results": [{"phase": e["phase"], "run": e["run"], "label": e["label"],
                     "wall_seconds": e["wall_seconds"], "result": e["result"]} for e in res],
    }
    with open(os.path.join(RESULTS, "latest.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")

    md = report_markdown(cfg, machine, stats, chart_ok, "blog.png")
    md = md.replace("(bench/results/latest.json)", "(latest.json)")
    with open(os.path.join(RESULTS, "latest.md"), "w", encoding="utf-8") as f:
        f.write("# Blog benchmark: latest results\n\n" + md)
    section = report_markdown(cfg, machine, stats, chart_ok, "bench/results/blog.png")
    if cfg["readme"]:
        rewrite_readme(section)
        note("run_bench: README.md updated between the bench markers")
    note(f"run_bench: wrote {os.path.relpath(RESULTS, ROOT)}/latest.json, latest.md"
         + (", blog.png" if chart_ok else ""))
    print(section, end="")


if __name__ == "__main__":
    main()
