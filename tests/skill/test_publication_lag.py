"""The release calendar in the skill protocol: at an origin, the naive rule, the calibration pools and the engine
variant read only the months published by then (poisoning the unpublished origin month changes nothing)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.skill.run import ProtocolSettings, candidate_sums, cases_for, variant_paths
from mpp.spec import load_variants
from tests.skill.test_skill_runner import _wide


def test_nothing_unpublished_at_the_origin_reaches_the_protocol():
    settings = ProtocolSettings(
        first_origin="2017-06", first_scored="2018-06", last_origin="2020-06", step=3, n_samples=50, publication_lag=1
    )
    wide = _wide()
    origin = pd.Period("2019-06", freq="M")
    poisoned = wide.copy()
    poisoned.loc[origin] *= 100  # the origin month itself is not published by the end of it (lag 1)
    a, b = cases_for(wide, origin, 1)[0], cases_for(poisoned, origin, 1)[0]
    np.testing.assert_array_equal(a["naive"], b["naive"])
    assert not np.array_equal(a["naive"], cases_for(poisoned, origin, 0)[0]["naive"])  # the test can fail
    spec = load_variants().get("naive_conformal")
    np.testing.assert_array_equal(
        variant_paths(wide, settings, spec)[origin], variant_paths(poisoned, settings, spec)[origin]
    )
    # the pooled conformal candidate at the origin: its pool holds only errors whose outcome was published
    points = {o: {"naive": cases_for(wide, o, 1)[0]["naive"].to_numpy()[:4]} for o in settings.origins()}
    late = wide.copy()
    late.loc[origin:] *= 3  # months after the last published one (origin - 1): nothing at the origin may see them
    s1 = candidate_sums(wide, points, settings, "naive", 1.0, "count/joint/raw")[origin]
    s2 = candidate_sums(late, points, settings, "naive", 1.0, "count/joint/raw")[origin]
    np.testing.assert_array_equal(s1, s2)
