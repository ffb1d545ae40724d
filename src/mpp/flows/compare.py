"""`mpp compare`: the tracked runs of one cut-off and data source side by side, as an HTML page beside the run
folders (their bands and scores from MLflow, the realised history from each run folder when it is still there)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.flows.source import run_source
from mpp.project import Project
from mpp.provenance import atomic_write_text
from mpp.report.compare import VariantRun, render_compare
from mpp.report.i18n import check_lang
from mpp.spec import load_spec


def compare_page(
    cutoff: str,
    names: list[str],
    champion: str | None = None,
    data: str | None = None,
    home: str | Path | None = None,
    out: Path | None = None,
    lang: str = "en",
) -> tuple[Path, dict[str, VariantRun], str]:
    """Write the page comparing the variants `names` at `cutoff` on the data source `data` (default: the project's
    declared one) with `champion` (default: the published variant when compared, else the first) to `out`
    (default `out/<cutoff>/<data>/compare[_<lang>].html`) -> (the page, the runs, the champion)."""
    from mpp.tracking.compare import compare_runs  # mlflow only when runs are compared

    check_lang(lang)
    loc = Project.discover(home)
    spec = load_spec(loc)
    names = list(names)
    cfg = spec.pipeline
    if champion is None:
        published = spec.candidate
        champion = published if published in names else names[0]
    elif champion not in names:
        names.insert(0, champion)
    source = run_source(loc, spec.with_run(data))
    tracked = compare_runs(loc, cutoff, names, cfg.experiment, source.name)
    folder = loc.out / cutoff / tracked[champion].data_id
    runs = {}
    for v, r in tracked.items():
        hist = loc.out / cutoff / r.data_id / v / "history.csv"  # realised history when the run folder is still there
        runs[v] = VariantRun(
            v,
            r.bands_annual,
            r.bands_monthly,
            r.metrics,
            r.manifest,
            r.run_id,
            pd.read_csv(hist, dtype={"period": str}) if hist.is_file() else None,
        )
    path = out or folder / ("compare.html" if lang == "en" else f"compare_{lang}.html")
    atomic_write_text(path, render_compare(runs, cutoff, champion, lang))
    return path, runs, champion
