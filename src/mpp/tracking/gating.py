"""Champion/challenger gating and run keys: pure functions, no MLflow."""

from __future__ import annotations

from dataclasses import dataclass, field

from mpp.provenance import hash_json


def run_key(cutoff: str, data_hash: str, config_hash: str, variant: str, code: str | None = None) -> str:
    """The identity of one variant's monthly run: same key = same inputs = the finished run can be reused.

    `code` (the code version) is part of the key only when the pipeline config asks for it
    (`run_key_includes_code`); see docs/scheduling.md for why it is left out by default.
    """
    parts = {"cutoff": str(cutoff), "data_hash": data_hash, "config_hash": config_hash, "variant": variant}
    if code is not None:
        parts["code_version"] = code
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
