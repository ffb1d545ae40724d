"""Champion/challenger gating and run keys: pure functions, no MLflow."""

from __future__ import annotations

from dataclasses import dataclass, field

from mpp.provenance import hash_json


def run_key(
    cutoff: str, data_hash: str, config_hash: str, variant: str, code: str | None = None, source: str | None = None
) -> str:
    """The identity of one variant's monthly run: same key = same inputs = the finished run can be reused.
    `source` (the data source's name) keeps runs of two sources apart even on equal figures.

    `code` (the code version) is part of the key only when the pipeline config asks for it
    (`run_key_includes_code`); see docs/scheduling.md for why it is left out by default.
    """
    parts = {"cutoff": str(cutoff), "data_hash": data_hash, "config_hash": config_hash, "variant": variant}
    if code is not None:
        parts["code_version"] = code
    if source is not None:
        parts["data_source"] = source
    return hash_json(parts)[:32]


@dataclass(frozen=True)
class Decision:
    """Whether a new registered version becomes `champion` (else `challenger`), and why."""

    promote: bool
    reasons: list[str] = field(default_factory=list)
    candidate_score: float | None = None
    champion_score: float | None = None
    champion_version: str | None = None

    @property
    def alias(self) -> str:
        return "champion" if self.promote else "challenger"

    def summary(self) -> str:
        return f"{'promoted to champion' if self.promote else 'kept as challenger'}: {'; '.join(self.reasons)}"


def other_data(champion_tags: dict[str, str], source: str, champion_version: str | None) -> str | None:
    """One line saying why a champion cannot be compared with a challenger on data source `source` (None: same
    source). Versions registered before sources were recorded carry no source and are never compared."""
    theirs = champion_tags.get("data_source")
    if theirs == source:
        return None
    return (
        f"not compared: champion v{champion_version} was fitted on data source {theirs or '(unrecorded)'!r}, "
        f"this version on {source!r} (a champion is only compared with a challenger on the same data)"
    )


def decide(
    candidate: dict[str, float],
    champion: dict[str, float] | None,
    metric: str,
    margin: float,
    higher_is_better: bool = False,
    champion_version: str | None = None,
) -> Decision:
    """Promote the candidate unless its `metric` is worse than the champion's by more than `margin` (relative).

    No champion yet -> promote. A candidate without the metric (e.g. the backtest could not score it) is never
    promoted over an existing champion; a champion without it is replaced.
    """
    cand = candidate.get(metric)
    if champion is None:
        return Decision(True, ["no champion yet"], cand, None, None)
    champ = champion.get(metric)
    if cand is None or cand != cand:
        return Decision(
            False, [f"candidate has no {metric}; champion v{champion_version} stays"], None, champ, champion_version
        )
    if champ is None or champ != champ:
        return Decision(True, [f"champion v{champion_version} has no {metric}"], cand, None, champion_version)
    if higher_is_better:
        limit = champ - margin * abs(champ)
        ok = cand >= limit
        rel = "higher" if cand >= champ else "lower"
    else:
        limit = champ + margin * abs(champ)
        ok = cand <= limit
        rel = "lower" if cand <= champ else "higher"
    why = (
        f"{metric} {cand:.4g} vs champion v{champion_version} {champ:.4g} ({rel}; limit with margin "
        f"{margin:.0%}: {limit:.4g})"
    )
    return Decision(ok, [why], cand, champ, champion_version)
