"""The MLflow side of the monthly run: its parent and child runs, what they log, the registered versions, and
the commit or rollback at the end. `mpp.flows` drives it; nothing outside `mpp.tracking` imports MLflow.

A run registers new versions *uncommitted*; `commit()` is the very last step (mark the versions committed,
then move the aliases). `rollback()` undoes what this run did (aliases restored, new versions deleted, its runs
marked FAILED): every step is attempted, and every step that fails is logged (`mpp.tracking` logger) and
returned, never silently dropped.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from mpp.project import Project
from mpp.tracking import registry as reg

logger = logging.getLogger("mpp.tracking")


@dataclass(frozen=True)
class VersionInfo:
    """A registered version as the monthly run needs it."""

    version: str
    run_id: str | None
    tags: dict[str, str]


class MonthlyTracking:
    """One monthly run's MLflow session (see the module docstring)."""

    def __init__(
        self,
        project: Project,
        experiment: str,
        model_prefix: str,
        log: Callable[[str], None] | None = None,
        source: str | None = None,
    ):
        reg.quiet_mlflow()
        self.client, self.experiment_id = reg.connect(project, experiment)
        self.prefix = model_prefix
        self.source = source  # the data source: part of every registered model's name
        self.warn = log or logger.warning
        self.created: list[tuple[str, str]] = []
        self.run_ids: list[str] = []
        self.parent_id: str | None = None
        self._aliases_before: dict | None = None

    # ------------------------------------------------------------------------------------------ lookups
    def model_name(self, variant: str) -> str:
        return reg.model_name(variant, self.prefix, self.source)

    def finished_run(self, key: str) -> tuple[str, dict[str, str]] | None:
        """(run id, params) of the newest FINISHED monthly run with this key, or None."""
        run = reg.find_finished_run(self.client, self.experiment_id, key, "monthly")
        return None if run is None else (run.info.run_id, dict(run.data.params))

    def version_with_key(self, variant: str, key: str) -> VersionInfo | None:
        mv = reg.version_with_key(self.client, self.model_name(variant), key)
        return None if mv is None else VersionInfo(str(mv.version), mv.run_id, dict(mv.tags))

    def champion(self, variant: str) -> tuple[str | None, dict[str, float] | None, dict[str, str]]:
        """(version, backtest metrics of the run that logged it, version tags) of the variant's champion;
        (None, None, {}) without one."""
        champ = reg.alias_version(self.client, self.model_name(variant), reg.CHAMPION)
        if champ is None:
            return None, None, {}
        return str(champ.version), reg.run_metrics(self.client, champ), dict(champ.tags)

    def previous_bands(self, variant: str, cutoff: str) -> tuple[VersionInfo | None, pd.DataFrame | None]:
        """The newest committed version made at an earlier cut-off and the annual bands its run logged, read as a
        CSV table: no model is unpickled, so whoever can write the artifact store cannot run code here."""
        name = self.model_name(variant)
        prev = reg.previous_version(self.client, name, cutoff)
        if prev is None:
            return None, None
        bands = reg.logged_bands(self.client, prev, "annual")
        return VersionInfo(str(prev.version), prev.run_id, dict(prev.tags)), bands

    def drop_orphans(self, variants: list[str]) -> list[str]:
        """Delete versions a killed run left uncommitted; -> one line per model that had some."""
        lines = []
        for v in variants:
            if gone := reg.drop_orphans(self.client, name := self.model_name(v)):
                lines.append(f"removed uncommitted version(s) {', '.join(gone)} of {name} left by a killed run")
        return lines

    # ------------------------------------------------------------------------------------------- runs
    def start(self, run_name: str, key: str, variants: list[str], tags: dict[str, str], params: dict[str, Any]) -> str:
        """Snapshot the aliases (for a rollback) and open the parent run; -> its id."""
        self._aliases_before = reg.snapshot_aliases(self.client, [self.model_name(v) for v in variants])
        run = mlflow.start_run(
            experiment_id=self.experiment_id,
            run_name=run_name,
            tags={reg.TAG_KEY: key, reg.TAG_KIND: "monthly", **tags},
        )
        self.parent_id = run.info.run_id
        self.run_ids.append(self.parent_id)
        mlflow.log_params(params)
        return self.parent_id

    @contextlib.contextmanager
    def variant_run(self, variant: str, key: str, tags: dict[str, str]) -> Iterator[str]:
        """A child run of the parent for one variant (the active run inside the block); yields its id."""
        with mlflow.start_run(
            run_name=variant,
            nested=True,
            experiment_id=self.experiment_id,
            tags={reg.TAG_KEY: key, reg.TAG_KIND: "variant", "variant": variant, **tags},
        ) as run:
            self.run_ids.append(run.info.run_id)
            yield run.info.run_id

    @contextlib.contextmanager
    def reopen(self, run_id: str) -> Iterator[None]:
        """Make an earlier child run active again (to add artifacts made after it closed)."""
        with mlflow.start_run(run_id=run_id, nested=True):
            yield

    @staticmethod
    def log(
        params: dict[str, Any] | None = None,
        metrics: dict[str, float] | None = None,
        files: tuple[Path, ...] | list[Path] = (),
        folder: Path | None = None,
        subdir: str | None = None,
    ) -> None:
        """In the active run: parameters, metrics, files (under `subdir`) and a whole folder (under `subdir`)."""
        if params:
            mlflow.log_params(params)
        if metrics:
            mlflow.log_metrics(metrics)
        for f in files:
            mlflow.log_artifact(str(f), subdir)
        if folder is not None:
            mlflow.log_artifacts(str(folder), subdir)

    @staticmethod
    def log_dataset(table: pd.DataFrame, identity, where: str) -> None:
        """The run's data as an MLflow dataset input of the active run: named by its identity (`cbs-1a2b3c4d`,
        `sample-…`), its digest the content hash, its context `sample` or `real`."""
        import mlflow.data
        from mlflow.data.code_dataset_source import CodeDatasetSource

        tags = {**identity.tags(), "read_from": where}
        ds = mlflow.data.from_pandas(
            table.assign(period=table["period"].astype(str), value=table["value"].astype(float)),
            source=CodeDatasetSource(tags),
            name=identity.key,
            digest=identity.data_hash[:8],
        )
        mlflow.log_input(ds, context=identity.kind, tags=identity.tags())

    @staticmethod
    def log_dict(obj: dict, name: str) -> None:
        mlflow.log_dict(obj, name)

    @staticmethod
    def set_tag(key: str, value: str) -> None:
        mlflow.set_tag(key, value)

    @staticmethod
    def log_model(folder: Path) -> tuple[str, str]:
        """Log the pyfunc (carrying paths, history and manifest of `folder`) in the active run -> (URI, id)."""
        import mlflow.pyfunc

        from mpp.tracking.pyfunc import ARTIFACT, MODEL_FILES, BandsModel

        with tempfile.TemporaryDirectory() as tmp:
            for f in MODEL_FILES:
                shutil.copy2(folder / f, Path(tmp) / f)
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=BandsModel(),
                artifacts={ARTIFACT: tmp},
                pip_requirements=["mpp", "mlflow", "pandas", "numpy", "pyarrow"],
            )
        return info.model_uri, info.model_id

    # --------------------------------------------------------------------------------------- registry
    def register(
        self, variant: str, model_uri: str, run_id: str, model_id: str | None, key: str, tags: dict[str, str]
    ) -> tuple[str, bool]:
        """A new uncommitted version, unless a committed one with the same run key exists (then that one is
        reused); -> (version, created now)."""
        same = self.version_with_key(variant, key)
        if same is not None:
            return same.version, False
        name = self.model_name(variant)
        mv = reg.register(
            self.client, name, model_uri, run_id, model_id, {**tags, reg.TAG_KEY: key, reg.TAG_COMMITTED: "false"}
        )
        self.created.append((name, str(mv.version)))
        return str(mv.version), True

    def tag_version(self, variant: str, version: str, key: str, value: str) -> None:
        self.client.set_model_version_tag(self.model_name(variant), version, key, value)

    def commit(self, moves: list[tuple[str, str, bool]]) -> None:
        """The very last step: mark this run's versions committed, then move the aliases ((variant, version,
        promote) each), then close the parent run FINISHED."""
        for name, version in self.created:
            self.client.set_model_version_tag(name, version, reg.TAG_COMMITTED, "true")
        for variant, version, promote in moves:
            reg.move_aliases(self.client, self.model_name(variant), version, promote)
        mlflow.end_run("FINISHED")

    def rollback(self) -> list[str]:
        """Undo this run: aliases as they were, new versions deleted, runs FAILED. Every step is tried; each
        failure is logged and returned (an empty list: the registry is as before the run)."""
        failures: list[str] = []

        def step(what: str, fn: Callable[[], Any]) -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a rollback step that fails is reported, and the others go on
                msg = f"rollback: could not {what} ({type(exc).__name__}: {exc})"
                self.warn(msg)
                failures.append(msg)

        for (name, alias), version in (self._aliases_before or {}).items():
            step(
                f"restore alias {alias} of {name} to {version or 'none'}",
                functools.partial(reg.restore_alias, self.client, name, alias, version),
            )
        for name, version in self.created:
            step(
                f"delete version {version} of {name}",
                functools.partial(self.client.delete_model_version, name, version),
            )
        for run_id in self.run_ids:
            step(f"mark run {run_id} FAILED", functools.partial(self.client.set_terminated, run_id, "FAILED"))

        def end_active() -> None:
            while mlflow.active_run() is not None:
                mlflow.end_run("FAILED")

        step("close the active MLflow runs", end_active)
        return failures
