"""The end of a monthly run: the champion decisions table, the commit of the new versions and their aliases,
and the rollback when anything failed before."""

from __future__ import annotations

from pathlib import Path

from mpp.errors import ConfigError, DataError, RunFailed
from mpp.provenance import atomic_write_json


def decisions_table(outcomes: dict) -> dict[str, dict]:
    """variant -> its version, whether it is new, the alias it got, why, and its gating metrics."""
    return {
        v: {
            "version": o.version,
            "new_version": o.new_version,
            "alias": o.decision.alias if o.decision else None,
            "reasons": o.decision.reasons if o.decision else [],
            "metrics": o.metrics,
        }
        for v, o in outcomes.items()
    }


def record_decisions(track, outcomes: dict, out: Path) -> dict[str, dict]:
    """Write champion_decision.json into the run folder and log it (artifact and tag) to the parent run."""
    decisions = decisions_table(outcomes)
    atomic_write_json(out / "champion_decision.json", decisions)
    track.log_dict(decisions, "champion_decision.json")
    track.set_tag(
        "champion_decision",
        "; ".join(f"{v}: v{d['version']} {d['alias'] or 'reused'}" for v, d in decisions.items()),
    )
    return decisions


def commit(track, outcomes: dict) -> None:
    """Commit the new versions that have a decision, then move their aliases."""
    track.commit(
        [
            (o.variant, o.version, o.decision.promote)
            for o in outcomes.values()
            if o.new_version and o.decision is not None and o.version is not None
        ]
    )


def roll_back(track, exc: BaseException, what: str, parent_id: str) -> None:
    """Undo the registry changes after `exc`; re-raise data and config mistakes as they are (their own exit
    codes) when the rollback was complete, anything else as RunFailed naming what is left."""
    failures = track.rollback()
    left = (
        "registry and aliases left as they were"
        if not failures
        else f"ROLLBACK INCOMPLETE ({len(failures)} step(s) failed, see the log)"
    )
    if isinstance(exc, (DataError, ConfigError, RunFailed)) and not failures:
        raise exc
    raise RunFailed(
        f"{what} failed ({type(exc).__name__}: {exc}); {left}, MLflow run {parent_id} marked FAILED"
    ) from exc
