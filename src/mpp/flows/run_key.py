"""The keys of a monthly run: per variant (what its registered model depends on) and for the whole run (what
this month's outputs depend on). A finished MLflow run with the same parent key is reused (docs/scheduling.md)."""

from __future__ import annotations

from mpp.provenance import hash_json
from mpp.spec import RunSpec
from mpp.tracking.config import PipelineConfig
from mpp.tracking.gating import run_key


def run_keys(
    spec: RunSpec, cfg: PipelineConfig, cutoff: str, data_hash: str, code: str, source: str
) -> tuple[dict[str, str], dict[str, str], str]:
    """-> (config hash per variant, run key per variant, the run's parent key)."""
    assumptions_hash = hash_json(spec.assumptions.model_dump(mode="json")) if spec.assumptions is not None else None
    config_hashes = {
        v: spec.variant_hash(v, gating=cfg.gating.model_dump(mode="json"), assumptions=assumptions_hash)
        for v in cfg.variants
    }
    keys = {
        v: run_key(cutoff, data_hash, config_hashes[v], v, code if cfg.run_key_includes_code else None, source)
        for v in cfg.variants
    }
    # overlays change no registered model (model-only) but do change this month's outputs: part of the run's key
    parent_key = hash_json(
        {
            "keys": keys,
            "candidate": spec.candidate,
            "report": cfg.report,
            **({"national": spec.national_hash} if spec.national is not None else {}),
            **({"overlays": [[lo.name, lo.sha256] for lo in spec.overlays]} if spec.overlays else {}),
        }
    )[:32]
    return config_hashes, keys, parent_key
