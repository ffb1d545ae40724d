"""MLflow tracking, model registry and champion/challenger gating of the monthly pipeline.

config    pipeline.yaml schema (the file is read by mpp.spec; folders are mpp.project.Project)
gating    run keys and the champion decision (pure)
registry  MLflow access: experiment, run lookup by key, versions, aliases, the run lock
pyfunc    the registered model: bands re-derived from the reconciled sample paths it carries
compare   variants of one cut-off side by side, read back from MLflow
"""

from mpp.tracking.config import PipelineConfig
from mpp.tracking.gating import Decision, decide, run_key

__all__ = ["Decision", "PipelineConfig", "decide", "run_key"]
