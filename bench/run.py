"""Every bench, then one Markdown table of all their rows (`make bench`).

Each bench runs in a process of its own: their settings differ (a connection pool
or none, throttles) and each migrates and drops its own throwaway database. P8 is
the result of `pytest -q tests/perf`, a test suite of its own, when it exists.

    .venv/bin/python bench/run.py [--size small|full] [--only api_http ...]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DEFAULT_DATABASE_URL, ROOT, Row, table

# Each bench and the rows it reports, in the order of the table.
BENCHES = {
    "api_http": "P1, P2, P7",
    "lending_import": "P3",
    "reports_csv_export": "P4",
    "recharge_wallet": "P5, P6",
    "request_log_overhead": "P9",
}
PERF_TESTS = ROOT / "tests" / "perf"


def run_bench(name: str, size: str) -> list[Row]:
    with tempfile.TemporaryDirectory() as work:
        results = Path(work) / "rows.json"
        print(f"\n=== {name} ({BENCHES[name]}) ===", flush=True)
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / f"{name}.py"),
                "--size",
                size,
                "--results",
                results,
            ],
            cwd=ROOT,
            check=False,
        )
        print(f"=== {name}: {time.perf_counter() - started:.0f} s ===", flush=True)
        if done.returncode or not results.exists():
            failed = f"bench/{name}.py failed (exit code {done.returncode})"
            return [Row(BENCHES[name], failed, "error", "-", False)]
        return [Row(**row) for row in json.loads(results.read_text())]


def perf_tests() -> Row:
    measure = "pytest -q tests/perf"
    if not PERF_TESTS.is_dir():
        return Row("P8", measure, "not run (no tests/perf)", "pass", None)
    print("\n=== P8: pytest -q tests/perf ===", flush=True)
    # pytest-django makes its own test database, `test_<name>`, from this URL.
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL).rsplit("/", 1)[0] + "/bench_perf"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("pytest")), "-q", str(PERF_TESTS)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=False,
    )
    passed = done.returncode == 0
    return Row(
        "P8", measure, "pass" if passed else f"fail (exit code {done.returncode})", "pass", passed
    )


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), help="these benches only")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = []
    for name in args.only or BENCHES:
        rows += run_bench(name, args.size)
    if not args.only:
        rows.append(perf_tests())
    rows.sort(key=lambda row: row.id)  # stable: a bench's rows keep their order
    print(
        f"\nBenchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, --size {args.size}, "
        f"{machine()}; {time.perf_counter() - started:.0f} s in all\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
