"""A fast pipeline configuration, and the tracking backends the pipeline is tested against: the embedded SQLite
store, and an MLflow tracking server backed by a real PostgreSQL started here (skipped only without postgres)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

PIPELINE_YAML = """variants: [baseline]
candidate: drift
seed: 0
gating: {metric: stream_nationality.crps_scaled, margin: 0.05, origins: 1, step: 3, offset: 12, horizon: 12,
         n_samples: 40}
occupancy: {assumptions: null}
report: false
national: false
"""


@pytest.fixture()
def fast_config(make_fast_config, monkeypatch) -> Path:
    """MPP_CONFIG_DIR with small forecasts, two cheap variants (baseline, drift) and a one-origin gating backtest."""
    d = make_fast_config(horizon=18, n_samples=60, extra={"pipeline.yaml": PIPELINE_YAML})
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MPP_HOME", raising=False)
    return d


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _wait(check, seconds: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early with code {proc.returncode}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {seconds} s")


@pytest.fixture(scope="session")
def postgres_mlflow_server():
    """-> tracking URI of `mlflow server` on a PostgreSQL backend store, both started here and stopped after."""
    initdb, postgres = _pg_bin("initdb"), _pg_bin("postgres")
    if not (initdb and postgres):
        pytest.skip("PostgreSQL binaries (initdb, postgres) not found: run scripts/install-system-deps.sh")
    root = Path(tempfile.mkdtemp(prefix="mpp-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    pgdata, sock = root / "data", root / "sock"
    subprocess.run([*as_user, "mkdir", "-p", str(sock)], check=True)
    subprocess.run(
        [*as_user, initdb, "-D", str(pgdata), "-A", "trust", "-U", "mpp", "--no-sync"], check=True, capture_output=True
    )
    pg_port = _free_port()
    pg = subprocess.Popen(
        [
            *as_user,
            postgres,
            "-D",
            str(pgdata),
            "-k",
            str(sock),
            "-p",
            str(pg_port),
            "-h",
            "127.0.0.1",
            "-c",
            "fsync=off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    procs = [pg]
    try:

        def pg_ready() -> bool:
            import psycopg2

            psycopg2.connect(host="127.0.0.1", port=pg_port, user="mpp", dbname="postgres").close()
            return True

        def ready_or_error():
            try:
                return pg_ready()
            except Exception:
                return False

        _wait(ready_or_error, 60, "postgres", pg)
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=pg_port, user="mpp", dbname="postgres")
        conn.autocommit = True
        conn.cursor().execute("CREATE DATABASE mlflow")
        conn.close()
        port = _free_port()
        artifacts = root / "artifacts"
        artifacts.mkdir()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mlflow",
                "server",
                "--backend-store-uri",
                f"postgresql+psycopg2://mpp@127.0.0.1:{pg_port}/mlflow",
                "--default-artifact-root",
                str(artifacts),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(root / "mlflow-server.log", "wb"),
        )
        procs.append(server)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(
                lambda: urllib.request.urlopen(f"{url}/health", timeout=2).status == 200, 120, "mlflow server", server
            )
        except RuntimeError as exc:  # show why: the server's last lines
            tail = (root / "mlflow-server.log").read_text(errors="replace").splitlines()[-5:]
            raise RuntimeError(f"{exc}: {' | '.join(tail)}") from None
        yield url
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(root, ignore_errors=True)


#: cases of the backend-parametrized tests that only `make test-all` runs (the other backend stays in `make test`)
SLOW_CASES = {
    "test_two_cutoffs_then_rerun_on_the_real_panel[postgres]",
    "test_failure_after_registration_leaves_registry_and_aliases[sqlite]",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.name in SLOW_CASES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(params=["sqlite", "postgres"])
def tracking(request, fast_config, monkeypatch) -> str:
    """The tracking backend of a pipeline test: embedded SQLite under the run's home, or the PostgreSQL server."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_mlflow_server")
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        return url
    return "sqlite"
