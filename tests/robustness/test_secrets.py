"""Secrets (issue 14): credentials in MLFLOW_TRACKING_URI never reach stdout, --json, error lines or tracebacks;
an unreachable tracking server is one line and exit 5, at once."""

from __future__ import annotations

import socket
import time
from types import SimpleNamespace

import pytest
from clihelpers import run_main

from mpp.redact import mask_secrets

SECRET = "pa55w0rd-XYZ"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"http://user:{SECRET}@host:5000", "http://***@host:5000"),
        (f"https://tok{SECRET}@mlflow.example/x?a=1", "https://***@mlflow.example/x?a=1"),
        (f"postgresql://mpp:{SECRET}@db/mlflow", "postgresql://***@db/mlflow"),
        (
            f"see (http://u:{SECRET}@h) and s3://bucket/p?X-Amz-Signature={SECRET}&b=2",
            "see (http://***@h) and s3://bucket/p?X-Amz-Signature=***&b=2",
        ),
        (f"http://h/api?token={SECRET}", "http://h/api?token=***"),
        ("sqlite:////srv/mpp/mlruns/mlflow.db", "sqlite:////srv/mpp/mlruns/mlflow.db"),
        ("http://mlflow.internal:5000", "http://mlflow.internal:5000"),
    ],
)
def test_mask_secrets(text, masked):
    assert mask_secrets(text) == masked


@pytest.fixture()
def secret_server(monkeypatch, tmp_path):
    uri = f"http://analyst:{SECRET}@127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.chdir(tmp_path)
    return uri


def test_unreachable_tracking_server_is_exit_5_at_once_and_masked(secret_server, capsys, tmp_path):
    from mpp.errors import OfflineError
    from mpp.tracking.registry import check_reachable

    started = time.perf_counter()
    with pytest.raises(OfflineError, match="Connection refused"):
        check_reachable(secret_server)
    assert time.perf_counter() - started < 10, "no retries: the answer comes at once"
    res = run_main(capsys, "compare", "--cutoff", "2025-06", "--variants", "baseline", "--home", str(tmp_path))
    assert res.code == 5, res
    assert "MLFLOW_TRACKING_URI=http://***@127.0.0.1:" in res.err and "is unreachable" in res.err
    assert SECRET not in res.out + res.err and "Traceback" not in res.err
    assert len(res.err.strip().splitlines()) == 1


def test_ui_error_masks_the_uri(secret_server, capsys, tmp_path):
    res = run_main(capsys, "ui", "--home", str(tmp_path))
    assert res.code == 2 and "http://***@127.0.0.1" in res.err and SECRET not in res.out + res.err


def test_monthly_json_and_text_mask_the_uri(monkeypatch, capsys, tmp_path):
    """What `mpp monthly` prints (text and --json) goes through the same masking."""
    from mpp.cli.monthly import monthly_summary

    res = SimpleNamespace(
        cutoff="2025-06",
        vintage="2025-07",
        data_hash="h",
        reused=True,
        candidate="drift",
        parent_run_id="r",
        tracking_uri=f"http://u:{SECRET}@h:5000",
        outcomes={},
        identity=SimpleNamespace(source=SimpleNamespace(name="cbs"), key="cbs-1"),
        is_sample=False,
    )
    assert monthly_summary(res)["tracking_uri"] == "http://***@h:5000"


def test_bug_traceback_masks_the_uri(secret_server, capsys, monkeypatch, tmp_path):
    """Even an unexpected error (a bug) that carries the URI, with MPP_DEBUG's traceback, shows no secret."""
    import mpp.tracking.registry as reg

    def boom(uri, timeout=5.0):
        raise RuntimeError(f"bug while talking to {uri}")

    monkeypatch.setattr(reg, "check_reachable", boom)
    monkeypatch.setenv("MPP_DEBUG", "1")
    res = run_main(capsys, "compare", "--cutoff", "2025-06", "--variants", "baseline", "--home", str(tmp_path))
    assert res.code == 1 and "Traceback" in res.err and "http://***@127.0.0.1" in res.err
    assert SECRET not in res.out + res.err
