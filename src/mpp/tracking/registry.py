"""MLflow access for the monthly pipeline: experiment, run lookup by run key, registered versions, aliases.

Every registered model is `<prefix>-<source>-<variant>` (e.g. `mpp-cbs-baseline`, `mpp-sample-baseline`), one
version per cut-off: a model's versions, champion and revisions all come from one data source. A version is *committed* (tag
`mpp.committed=true`) only after the whole monthly run succeeded; versions left uncommitted by a killed run
are orphans, removed by the next run and never used for reuse, revision or gating.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import mlflow
import pandas as pd
from filelock import FileLock, Timeout
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from mpp.errors import OfflineError, RunLocked
from mpp.project import Project
from mpp.redact import mask_secrets

EXPERIMENT = "mpp-monthly"
TAG_KEY = "mpp.run_key"
TAG_KIND = "mpp.kind"  # monthly (parent) | variant (child)
TAG_COMMITTED = "mpp.committed"
CHAMPION, CHALLENGER = "champion", "challenger"


def model_name(variant: str, prefix: str = "mpp", source: str | None = None) -> str:
    return f"{prefix}-{source}-{variant}" if source else f"{prefix}-{variant}"


@contextlib.contextmanager
def run_lock(lock_file: Path) -> Iterator[None]:
    """Hold the installation's run lock; a second run at the same time raises RunLocked (exit code 75)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RunLocked(f"another mpp monthly run holds {lock_file}; try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def check_reachable(uri: str, timeout: float = 5.0) -> None:
    """An MLflow server URI must answer within `timeout` seconds; otherwise OfflineError (exit 5) naming the
    setting and the masked URI, at once instead of after MLflow's minutes of retries. Local stores pass."""

    if not uri.lower().startswith(("http://", "https://")):
        return

    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    request = urllib.request.Request(urlunsplit((parts.scheme, host, parts.path.rstrip("/") + "/health", "", "")))
    if parts.username is not None:  # credentials go in a header, never in the URL that errors may show
        token = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(token).decode())
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 (http/https only)
            return
    except urllib.error.HTTPError:
        return  # it answered (auth or a proxy decide the rest); MLflow reports what it says
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise OfflineError(
            f"tracking server MLFLOW_TRACKING_URI={mask_secrets(uri)} is unreachable "
            f"({mask_secrets(str(reason))}); nothing was run or registered"
        ) from None


def connect(loc: Project, experiment: str = EXPERIMENT) -> tuple[MlflowClient, str]:
    """Point MLflow at the installation's tracking URI; -> (client, experiment id), creating the experiment.
    An unreachable server is OfflineError (exit 5) before anything is logged."""
    uri = loc.tracking_uri()
    check_reachable(uri)
    loc.mlruns.mkdir(parents=True, exist_ok=True)
    before = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    # MLflow also exports the URI to the environment; keep the user's, so the next `Locations` in this process
    # (another home, a test) still decides between the embedded store and a server by what the user set.
    for k, v in before.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.get_experiment_by_name(experiment)
    if exp is not None:
        return client, exp.experiment_id
    try:
        return client, client.create_experiment(experiment, artifact_location=loc.artifact_root())
    except MlflowException:  # created meanwhile by another process
        return client, client.get_experiment_by_name(experiment).experiment_id


def find_finished_run(client: MlflowClient, experiment_id: str, key: str, kind: str):
    """The newest FINISHED run with this run key and kind, or None."""
    runs = client.search_runs(
        [experiment_id],
        filter_string=f"tags.`{TAG_KEY}` = '{key}' and tags.`{TAG_KIND}` = '{kind}' and attributes.status = 'FINISHED'",
        order_by=["attributes.start_time DESC"],
        max_results=1,
    )
    return runs[0] if runs else None


def versions(client: MlflowClient, name: str, committed: bool | None = True) -> list[ModelVersion]:
    """Versions of a registered model, oldest first (committed only by default; None = all)."""
    try:
        found = client.search_model_versions(f"name = '{name}'")
    except MlflowException:
        return []
    out = [v for v in found if committed is None or (v.tags.get(TAG_COMMITTED) == "true") == committed]
    return sorted(out, key=lambda v: int(v.version))


def drop_orphans(client: MlflowClient, name: str) -> list[str]:
    """Delete versions a killed run left uncommitted; -> their version numbers."""
    gone = []
    for v in versions(client, name, committed=False):
        client.delete_model_version(name, v.version)
        gone.append(str(v.version))
    return gone


def version_with_key(client: MlflowClient, name: str, key: str) -> ModelVersion | None:
    return next((v for v in versions(client, name) if v.tags.get(TAG_KEY) == key), None)


def previous_version(client: MlflowClient, name: str, cutoff: str) -> ModelVersion | None:
    """The newest committed version made at an earlier cut-off (what the revision report compares with)."""
    earlier = [v for v in versions(client, name) if v.tags.get("cutoff", "") < cutoff]
    return max(earlier, key=lambda v: (v.tags.get("cutoff", ""), int(v.version)), default=None)


def alias_version(client: MlflowClient, name: str, alias: str) -> ModelVersion | None:
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def run_metrics(client: MlflowClient, version: ModelVersion | None) -> dict[str, float] | None:
    """Backtest metrics of the run that logged a version (None without a version)."""
    if version is None or not version.run_id:
        return None
    return dict(client.get_run(version.run_id).data.metrics)


def register(
    client: MlflowClient, name: str, model_uri: str, run_id: str, model_id: str | None, tags: dict[str, str]
) -> ModelVersion:
    """A new (uncommitted) version of `name`, creating the registered model on first use."""
    try:
        client.get_registered_model(name)
    except MlflowException:
        with contextlib.suppress(MlflowException):
            client.create_registered_model(
                name,
                description="mpp monthly forecast bands (pyfunc over reconciled sample paths); one version per cut-off",
            )
    return client.create_model_version(name, model_uri, run_id=run_id, tags=tags, model_id=model_id)


def snapshot_aliases(client: MlflowClient, names: list[str]) -> dict[tuple[str, str], str | None]:
    """{(model, alias): version or None}, to restore after a failure."""
    return {
        (n, a): (str(v.version) if (v := alias_version(client, n, a)) else None)
        for n in names
        for a in (CHAMPION, CHALLENGER)
    }


def restore_alias(client: MlflowClient, name: str, alias: str, version: str | None) -> None:
    """Point `alias` of `name` at `version` again (None: the alias did not exist, so it is removed if present)."""
    if version is not None:
        client.set_registered_model_alias(name, alias, version)
    elif alias_version(client, name, alias) is not None:
        client.delete_registered_model_alias(name, alias)


def move_aliases(client: MlflowClient, name: str, version: str, promote: bool) -> None:
    """Promoted: `champion` -> version, `challenger` removed. Else `challenger` -> version."""
    if promote:
        client.set_registered_model_alias(name, CHAMPION, version)
        with contextlib.suppress(MlflowException):
            client.delete_registered_model_alias(name, CHALLENGER)
    else:
        client.set_registered_model_alias(name, CHALLENGER, version)


def logged_bands(client: MlflowClient, version: ModelVersion, kind: str = "annual") -> pd.DataFrame:
    """The bands (`bands_annual.csv` / `bands_monthly.csv`) the version's run logged, read as a CSV table.
    Nothing is unpickled: whoever can write the artifact store cannot make the scheduled job run code."""
    with tempfile.TemporaryDirectory() as tmp:
        path = client.download_artifacts(version.run_id, f"bands_{kind}.csv", tmp)
        return pd.read_csv(path)


def load_version(name: str, version: str):
    """The pyfunc of one registered version (unpickles it: for interactive use, never in the scheduled run)."""
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(f"models:/{name}/{version}")


def quiet_mlflow() -> None:
    """No emoji banners or environment inference chatter on the terminal of a scheduled job."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")

    for logger in ("mlflow", "alembic"):
        logging.getLogger(logger).setLevel(logging.ERROR)
