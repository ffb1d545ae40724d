"""The wide cross-learning panels of the skill protocol: read from ../shared/data/real (they are not in the
packaged snapshot), with a clear error where they are absent."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.errors import DataError
from mpp.skill.panels import ExternalPanels


@pytest.mark.shared_data
def test_the_real_wide_panels_load_with_the_coverage_provenance_states(shared_real_dir):
    panels = ExternalPanels.load(shared_real_dir)
    last = {k: str(v) for k, v in panels.last.items()}
    assert last == {"bamf": "2021-11", "cbs41": "2015-11", "eurostat": "2020-08", "unhcr": "2017-05"}
    cut = panels.known_at(pd.Period("2016-06", freq="M"))
    assert all(str(v) <= "2016-06" for v in cut.last.values())


def test_the_packaged_snapshot_lacks_them_and_the_error_says_where_they_are(real_dir):
    with pytest.raises(DataError, match=r"wide cross-learning panels are missing .*\.\./shared/data/real"):
        ExternalPanels.load(real_dir)
