"""What every bench shares: the throwaway database, interleaved rounds, the result table.

A bench module defines `run(args) -> list[Row]` and ends with
`common.main(run, __doc__, env=..., arguments=...)`. Run alone it prints its own
rows as a Markdown table; `bench/run.py` (`make bench`) runs each one in a
process of its own (their settings differ) and prints all rows in one table.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The server that holds the throwaway databases; the database named here is only
# connected to, never written (each bench creates and drops `bench_<name>`).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Far above anything a bench sends: the API-wide rate limits are not what is measured.
UNTHROTTLED = "100000000/hour"


@dataclass
class Row:
    id: str
    measure: str
    value: float | str | None
    goal: str
    met: bool | None
    unit: str = "x"

    @classmethod
    def at_most(cls, id: str, measure: str, value: float, limit: float, unit: str = "x") -> "Row":
        return cls(id, measure, value, f"<= {limit:g}{unit}", value <= limit, unit)

    @classmethod
    def at_least(cls, id: str, measure: str, value: float, floor: float) -> "Row":
        return cls(id, measure, value, f">= {floor:g}", value >= floor, "")

    @classmethod
    def info(cls, id: str, measure: str, value: float, unit: str = "x") -> "Row":
        return cls(id, measure, value, "-", None, unit)

    def cells(self) -> list[str]:
        if isinstance(self.value, float | int):
            value = f"{self.value:.2f}{self.unit}" if self.unit != " MB" else f"{self.value:.1f} MB"
        else:
            value = "-" if self.value is None else str(self.value)
        met = {True: "met", False: "**missed**", None: "-"}[self.met]
        return [self.id, self.measure, value, self.goal, met]


def table(rows: list[Row]) -> str:
    lines = ["| id | measure | ratio | goal | met |", "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def paired_ratio(samples: dict[str, list[float]], numerator: str, denominator: str) -> float:
    """The median of the rounds' own ratios. The two measures of a round ran side by
    side, so a burst of load elsewhere on the machine mostly cancels out in their
    ratio; a ratio of the two medians would compare moments minutes apart."""
    return median([a / b for a, b in zip(samples[numerator], samples[denominator], strict=True)])


def spread(samples: list[float], digits: int = 1) -> str:
    """The samples, for the detail lines: how noisy the rounds were."""
    return ", ".join(f"{sample:.{digits}f}" for sample in samples)


def print_rates(samples: dict[str, list[float]]) -> None:
    """Each measure's median rate and its rounds, one line each."""
    width = max(map(len, samples))
    for name, values in samples.items():
        print(f"{name:>{width}}: median {median(values):8.1f}/s  (rounds: {spread(values)})")


def interleaved(measures: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """`rounds` samples of each measure, taken in turn, the order reversed every other
    round: a load that comes and goes on a shared machine falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for number in range(rounds):
        order = list(measures) if number % 2 == 0 else list(reversed(measures))
        for name in order:
            samples[name].append(measures[name]())
    return samples


# --- Django and the throwaway database -------------------------------------------------


def setup_django(env: dict[str, str] | None = None) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update(env or {})
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: the baselines are PostgreSQL's.")


@contextmanager
def throwaway_database(name: str) -> Iterator[str]:
    """A migrated database `bench_<name>` for the whole bench, dropped afterwards."""
    from django.conf import settings
    from django.db import connection, connections

    db_name = f"bench_{name}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = db_name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # The request log writes on an alias of its own: onto the same database.
    log_alias = settings.API_LOG_DATABASE
    if log_alias != "default" and log_alias in connections:
        connections[log_alias].creation.set_as_test_mirror(connection.settings_dict)
    try:
        yield db_name
    finally:
        release_connections()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def release_connections() -> None:
    """Every connection this process holds, closed: DROP DATABASE waits for none."""
    from django.db import connections

    from audit.requestlog import writer

    # The request log's writer thread holds a connection of its own.
    writer.stop()
    connections.close_all()
    for conn in connections.all(initialized_only=True):
        if getattr(conn, "pool", None) is not None:
            conn.close_pool()


def database_url() -> str:
    """The URL of the database Django is connected to now (the throwaway one)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def conninfo() -> dict:
    """psycopg.connect() arguments for the database Django is connected to now."""
    from django.db import connection

    db = connection.settings_dict
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


# --- Concurrent clients ----------------------------------------------------------------


def wait_until(start_at: float) -> None:
    while time.time() < start_at:
        time.sleep(0.001)


def _client(target: Callable, args: tuple, start_at: float, seconds: float, out) -> None:
    # Whatever goes wrong is reported on the queue: a silent child would leave the
    # parent waiting for a count that never comes.
    try:
        out.put(target(*args, start_at, seconds))
    except BaseException as error:
        out.put(f"{type(error).__name__}: {error}")


def run_clients(
    target: Callable, args: tuple, clients: int, seconds: float, lead: float = 1.5
) -> float:
    """Operations per second of `clients` forked processes, each running
    `target(*args, start_at, seconds)`, which returns how many operations it did.

    All start together at `start_at`, `lead` seconds from now (time to fork and
    connect), and stop after `seconds`, so the rate covers only the time they all ran.
    """
    from django.db import connections

    # A forked child must not share the parent's database sockets.
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + lead
    procs = [
        ctx.Process(target=_client, args=(target, args, start_at, seconds, out))
        for _ in range(clients)
    ]
    for proc in procs:
        proc.start()
    counts = [out.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    failures = [count for count in counts if isinstance(count, str)]
    if failures:
        raise SystemExit(f"a client failed: {failures[0]}")
    return sum(counts) / seconds


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict
    body: bytes | None = None


def http_calls(port: int, calls: list[Call], start_at: float, seconds: float) -> int:
    """A client on one keep-alive connection making `calls` in turn until time is up.
    Every reply must be a 200: a bench of refusals would measure nothing."""
    offset = os.getpid() % len(calls)  # the clients do not walk the list in step
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    wait_until(start_at)
    stop, done = start_at + seconds, 0
    while time.time() < stop:
        call = calls[(offset + done) % len(calls)]
        conn.request(call.method, call.path, body=call.body, headers=call.headers)
        reply = conn.getresponse()
        content = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{call.method} {call.path}: {reply.status} {content[:200]!r}")
        if reply.will_close:
            conn.close()
        done += 1
    conn.close()
    return done


def http_rate(port: int, calls: list[Call], clients: int, seconds: float) -> float:
    """Requests per second of `clients` concurrent keep-alive clients."""
    return run_clients(http_calls, (port, calls), clients, seconds, lead=0.5)


# --- The served application --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2, threads: int = 4, env: dict[str, str] | None = None):
    """`config.wsgi` under gunicorn on a free local port, against the database Django
    is connected to now, with the bench URLconf (bench/urls.py: /bench/bare/ added).
    Yields the port."""
    port = free_port()
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "THROTTLE_USER": UNTHROTTLED,
        "THROTTLE_ANON": UNTHROTTLED,
        **(env or {}),
    }
    log = ROOT / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--access-logfile=/dev/null",
        "--error-logfile=-",
        # Another gunicorn on this machine (make fuzz) may hold the default socket path.
        "--no-control-socket",
    ]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log}") from None
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Command line ------------------------------------------------------------------------


def main(
    run: Callable[[argparse.Namespace], list[Row]],
    doc: str,
    *,
    name: str,
    env: dict[str, str] | None = None,
    arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    default_rounds: int = 3,
) -> None:
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size",
        choices=("small", "full"),
        default="small",
        help="how much data the bench makes (small: what `make bench` runs)",
    )
    parser.add_argument(
        "--rounds", type=int, default=default_rounds, help="interleaved rounds (at least 3)"
    )
    parser.add_argument("--results", type=Path, help="also write the rows to this JSON file")
    if arguments:
        arguments(parser)
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds: at least 3, the median needs them")
    setup_django(env)
    with throwaway_database(name):
        rows = run(args)
    print()
    print(table(rows))
    if args.results:
        args.results.write_text(json.dumps([asdict(row) for row in rows]))
