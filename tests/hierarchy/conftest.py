"""The real CBS monthly panel (read by path from ../shared) as a canonical table, for the hierarchy tests."""

from __future__ import annotations

import pandas as pd
import pytest

# The CSV names nationalities in English; the canonical table uses ISO 3166-1 alpha-3 codes.
ISO3 = {
    "Afghanistan": "AFG",
    "Eritrea": "ERI",
    "Iraq": "IRQ",
    "Somalia": "SOM",
    "Syria": "SYR",
    "Turkey": "TUR",
    "Yemen": "YEM",
}


@pytest.fixture(scope="session")
def cbs_panel(cbs_monthly_path) -> pd.DataFrame:
    """Canonical rows (period, stream, nationality, value): 126 months x 7 nationalities x 2 streams."""
    raw = pd.read_csv(cbs_monthly_path)
    panel = pd.DataFrame(
        {
            "period": pd.PeriodIndex(raw["period"], freq="M"),
            "stream": raw["stream"],
            "nationality": raw["nationality"].map(ISO3),
            "value": raw["value"].astype("int64"),
        }
    )
    assert panel["nationality"].notna().all(), "a nationality in the CSV has no ISO code in ISO3"
    return panel
