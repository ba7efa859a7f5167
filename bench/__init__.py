"""Benchmarks on PostgreSQL, with their results recorded in bench/results/.

`setup()` prepares a dedicated database (the name in DATABASE_URL replaced by
`minsheng_bench`), migrates it and starts Django. It must run before anything imports
Django models, so every benchmark module imports models inside its functions.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
REPO_DIR = BENCH_DIR.parent
# Our own var dir (secret key, collected static files): the app's var/ holds the demo's SQLite.
VAR_DIR = BENCH_DIR / ".var"
BENCH_DB = "minsheng_bench"
# Shared state (rate limits, revocations, cached lists) in Redis, as production runs it: the
# benchmark's own process and the servers it starts must share it.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/minsheng"
COMMIT = ""  # HEAD when setup() imported the app


def bench_url(url: str | None = None) -> str:
    """DATABASE_URL with its database name replaced by minsheng_bench."""
    parts = urlsplit(url or os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"The benchmarks need PostgreSQL; DATABASE_URL is {parts.scheme}:")
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DB}", parts.query, parts.fragment))


def _conninfo(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, f"/{dbname}", parts.query, ""))


def ensure_database(url: str) -> bool:
    """Create minsheng_bench if missing (connecting to the `postgres` database). True if created."""
    import psycopg

    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
            return True
    return False


def setup(*, verbose: bool = True) -> str:
    """Environment, database, django.setup(), migrate, static files. Returns the bench URL."""
    url = bench_url()
    created = ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["MINSHENG_VAR_DIR"] = str(VAR_DIR)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    VAR_DIR.mkdir(exist_ok=True)

    import django

    django.setup()
    import logging

    # The console sender writes every notification to the log; the benchmark keeps it quiet.
    logging.getLogger("minsheng.notifications").setLevel(logging.WARNING)

    from django.core.management import call_command
    from django.urls import get_resolver

    # Import the whole app now (views and what they import), so the code measured is the code
    # of the commit recorded here even if the tree changes during the run.
    get_resolver().url_patterns
    global COMMIT
    COMMIT = git_commit()

    if verbose:
        print(f"database: {url}{' (created)' if created else ''}")
    call_command("migrate", interactive=False, verbosity=0)
    # DEBUG=0 serves static files through the manifest storage, which needs collectstatic.
    call_command("collectstatic", interactive=False, verbosity=0)
    return url


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def git_dirty() -> bool:
    """Uncommitted changes to tracked files outside bench/ (the code measured differs from HEAD)."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench"],
            cwd=REPO_DIR, capture_output=True, text=True,
        ).stdout
    except OSError:
        return False
    return bool(out.strip())


def start_gunicorn(port: int, workers: int, env: dict) -> "subprocess.Popen":
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, once it answers."""
    import time
    import urllib.request

    # The server's log goes to a file: a pipe nobody reads fills up (every refused request logs a
    # warning) and then blocks the workers mid-request.
    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / f"gunicorn-{port}.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "minsheng.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--backlog", "2048", "--log-level", "warning"],
        cwd=REPO_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log_path.open("w"),
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/open311/v2/discovery.json", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + log_path.read_text()[-2000:])


def stop_gunicorn(server: "subprocess.Popen") -> None:
    import signal

    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def vacuum_bench_tables() -> None:
    """After a benchmark deleted what it inserted: reclaim the dead rows, so the next run is not
    measured against a bloated table (autovacuum may take its time)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_caseevent", "cases_notification", "core_idempotencykey"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
