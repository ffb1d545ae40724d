"""Where a run lives: project discovery, the packaged default configuration and `mpp init`.

A *project* is a folder an analyst works in (like a Kedro project or a git checkout). Commands find it the way
git finds a repository, from the working directory upwards:

1. `--home DIR` (every command that writes), else `$MPP_HOME`;
2. else the nearest folder, from the working directory up, holding `mpp.toml`, or a `pyproject.toml` with a
   `[tool.mpp]` table (this repository is such a project);
3. else the working directory itself (a folder that is not a project yet; `mpp init DIR` makes it one).

Settings of `mpp.toml` (or `[tool.mpp]`), paths relative to the project folder:
- `config = "config"`: the folder with `forecast.yaml`, `variants.yaml`, `pipeline.yaml` and `assumptions/`
  (`$MPP_CONFIG_DIR` overrides it);
- `data_source = "..."`: the project's data, a dated snapshot folder of the public sources
  (`data/snapshot/<date>/`, written by `mpp init` and `mpp data fetch`; `mpp.data.snapshot`) or one
  realisations file. A monthly run forecasts its monthly panel and makes the national forecast from its
  `real/` folder. Not declared: the snapshot that ships inside the package (real public data, no network).
- `reference_data = "..."` (optional): the folder with the official forecasts and realised national figures
  that `mpp backtest` compares with (`mpp_published.csv`, `realised_totals.csv`, `real/...`); default: the
  data source's snapshot. `$MPP_REFERENCE_DATA` overrides it.
A configuration file the project does not have is taken from the defaults that ship inside the package
(`mpp/resources/config/`), and the run spec records which file was used.

Everything a run writes stays under the project folder: `mlruns/` (MLflow database, artifacts, the run lock),
`data/store/` (vintage store), `data/snapshot/` (dated snapshots of the public sources), `models/` and `out/`.
Nothing is written under the installed package.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mpp.data.snapshot import copy_snapshot, is_snapshot, packaged_snapshot, panel_file, verify_snapshot
from mpp.errors import ConfigError, DataError

PROJECT_FILE = "mpp.toml"
HOME_ENV = "MPP_HOME"
CONFIG_ENV = "MPP_CONFIG_DIR"
REFERENCE_ENV = "MPP_REFERENCE_DATA"
CONFIG_FILES = ("forecast.yaml", "variants.yaml", "pipeline.yaml")

PROJECT_TEMPLATE = """# An mpp project: `mpp` commands run in this folder (or below it) read their configuration here and write
# their outputs here (mlruns/, data/store/, models/, out/). See docs/architecture.md.
config = "config"   # forecast.yaml, variants.yaml, pipeline.yaml and assumptions/ (missing files: packaged defaults)
# The project's data: a dated snapshot of the public sources (provenance.csv lists each file's source, licence,
# retrieval date and sha256, checked before every run), or one realisations file. `mpp data fetch` writes newer ones.
data_source = "{data_source}"
"""


def default_config_dir() -> Path:
    """The configuration that ships inside the package (read only: never write here)."""
    return Path(str(resources.files("mpp.resources").joinpath("config")))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None


def project_settings(folder: Path) -> dict | None:
    """The mpp settings of `folder` when it is a project (mpp.toml or [tool.mpp]); None otherwise."""
    f = folder / PROJECT_FILE
    if f.is_file():
        return _read_toml(f)
    p = folder / "pyproject.toml"
    if p.is_file():
        tool = _read_toml(p).get("tool", {})
        if isinstance(tool, dict) and isinstance(tool.get("mpp"), dict):
            return tool["mpp"]
    return None


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the working directory) upwards that is a project."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if project_settings(folder) is not None:
            return folder
    return None


@dataclass(frozen=True)
class Project:
    """One project folder and where its configuration and outputs are (see the module docstring)."""

    home: Path
    config_dir: Path
    is_project: bool = True
    reference_data: Path | None = None
    declared_source: Path | None = None  # `data_source` of mpp.toml; None = the packaged snapshot

    @classmethod
    def discover(cls, home: str | os.PathLike | None = None, start: Path | None = None) -> Project:
        """`home` (the --home option), else $MPP_HOME, else the enclosing project, else the working directory."""
        explicit = home or os.environ.get(HOME_ENV)
        root = Path(explicit).resolve() if explicit else find_project_root(start)
        is_project = root is not None and project_settings(root) is not None
        if root is None:
            root = Path(start or Path.cwd()).resolve()
        settings = project_settings(root) or {}
        cfg = settings.get("config", "config")
        if not isinstance(cfg, str):
            raise ConfigError(f"{root}: the project setting 'config' must be a folder name, got {cfg!r}")
        env = os.environ.get(CONFIG_ENV)
        config_dir = Path(env).resolve() if env else (root / cfg).resolve()
        src = settings.get("data_source")
        if src is not None and not (isinstance(src, str) and src):
            raise ConfigError(f"{root}: the project setting 'data_source' must be a path, got {src!r}")
        source = (root / src).resolve() if src else None
        ref = os.environ.get(REFERENCE_ENV) or settings.get("reference_data")
        reference = (root / ref).resolve() if isinstance(ref, str) and ref else None
        return cls(root, config_dir, is_project, reference, source)

    @property
    def data_source(self) -> Path:
        """The project's data (a snapshot folder or one file): `data_source` of mpp.toml, else the packaged
        snapshot."""

        return self.declared_source or packaged_snapshot()

    def source_snapshot(self) -> Path:
        """The snapshot folder the national sources and reference figures come from: the data source when it
        is a snapshot, else the packaged one. Verified (sha256 of every file) before it is returned."""

        src = self.data_source
        if not src.exists():
            raise DataError(f"the project's data source {src} does not exist (data_source in {PROJECT_FILE})")
        folder = src if src.is_dir() else packaged_snapshot()
        if not is_snapshot(folder):
            raise DataError(f"{folder}: a data source folder must be a snapshot (provenance.csv beside its files)")
        verify_snapshot(folder)
        return folder

    def default_data(self) -> Path:
        """The monthly realisations a run forecasts without --data: the data source file, or its snapshot's
        7-nationality panel."""

        src = self.data_source
        return src if src.is_file() else panel_file(self.source_snapshot())

    def reference_folder(self) -> Path:
        """`reference_data` when set, else the data source's snapshot."""
        return self.reference_data or self.source_snapshot()

    @classmethod
    def for_writing(cls, home: str | os.PathLike | None = None) -> Project:
        """The project a writing command works in: as `discover`, but a working directory that is no project
        (no mpp.toml here or above, no --home, no $MPP_HOME) is refused instead of filled with mlruns/, data/
        and out/ (ConfigError, exit 4)."""
        project = cls.discover(home)
        if not project.is_project and not (home or os.environ.get(HOME_ENV)):
            raise ConfigError(
                f"{project.home} is not an mpp project (no {PROJECT_FILE} here or in a folder above): run "
                "`mpp init DIR` and work inside DIR, or pass --home DIR; nothing was written"
            )
        return project

    def config_file(self, name: str) -> Path:
        """A configuration file of this project, or the packaged default when the project has none."""
        own = self.config_dir / name
        return own if own.is_file() else default_config_dir() / name

    def resolve_config_path(self, relative: str | os.PathLike, base: Path) -> Path:
        """A path written in a configuration file, relative to that file's folder (packaged files fall back to
        the packaged folder)."""
        p = Path(relative)
        if p.is_absolute():
            return p
        own = (base / p).resolve()
        if own.exists():
            return own
        packaged = (default_config_dir() / p).resolve()
        return packaged if packaged.exists() else own

    # Folders a run writes (all under home).
    @property
    def mlruns(self) -> Path:
        return self.home / "mlruns"

    @property
    def lock_file(self) -> Path:
        return self.mlruns / ".mpp.lock"

    @property
    def store(self) -> Path:
        return self.home / "data" / "store"

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def out(self) -> Path:
        return self.home / "out"

    def tracking_uri(self) -> str:
        """`$MLFLOW_TRACKING_URI` when set (any MLflow server), else the embedded SQLite database."""
        return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.mlruns / 'mlflow.db'}"

    def artifact_root(self) -> str | None:
        """Artifact folder for a new experiment with the embedded backend; a server decides its own."""
        return None if os.environ.get("MLFLOW_TRACKING_URI") else (self.mlruns / "artifacts").as_uri()


def init_project(folder: str | os.PathLike, force: bool = False) -> list[Path]:
    """Scaffold a project: mpp.toml, config/ (copies of the packaged defaults), data/snapshot/<date>/ (the
    packaged snapshot of the public sources, declared as the project's data source), mlruns/, models/.

    Existing files are kept unless `force`; -> the files written."""
    root = Path(folder).resolve()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root}: exists and is not a folder")
    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("data", "mlruns", "models", "config"):
        (root / sub).mkdir(exist_ok=True)

    snap = copy_snapshot(packaged_snapshot(), root / "data" / "snapshot")
    toml = root / PROJECT_FILE
    if force or not toml.exists():
        toml.write_text(PROJECT_TEMPLATE.format(data_source=snap.relative_to(root).as_posix()), encoding="utf-8")
        written.append(toml)
    src = default_config_dir()
    for f in sorted(src.rglob("*.yaml")):
        dest = root / "config" / f.relative_to(src)
        if force or not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
            written.append(dest)
    return written
