"""The reception-chain section (issue 18): IND flows per year, chain stocks, Ukrainian scenarios and the replay's
track record, from the files mpp.occupancy writes; readable in English and Dutch; absent without those files."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pagetext import assert_readable
from runfixture import make_run

from mpp.occupancy.assumptions import parse_assumptions
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import flow_bands, occupancy_bands
from mpp.report.html import render_html
from mpp.report.inputs import read_run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "occupancy"))
from occupancy_helpers import assumptions_dict, q  # noqa: E402


@pytest.fixture(scope="module")
def chain_run(tmp_path_factory) -> Path:
    d = make_run(tmp_path_factory.mktemp("chain"))
    occ = d / "occupancy"
    a = assumptions_dict()
    a["amv"] = {
        "share_of_first_requests": q(0.15, "fraction"),
        "decision_hazard": q(0.065, "per month"),
        "grant_rate": q(0.4, "fraction"),
        "rejected_departure_hazard": q(0.05, "per month"),
        "nidos_exit_hazard": q(0.04, "per month"),
        "initial_pending": q(700.0, "persons"),
        "initial_rejected": q(0.0, "persons"),
        "initial_nidos": q(300.0, "persons"),
    }
    a["uncertainty"] = {"seed": 0, "capacity_log_sd": q(0.3, "log standard deviation")}
    am = parse_assumptions(a)
    rng = np.random.default_rng(0)
    months = pd.period_range("2026-01", periods=24, freq="M")
    paths = project_occupancy(Stocks.from_assumptions(am), rng.gamma(4, 200, (4, 24, 100)), months, am)
    occupancy_bands(paths).to_csv(occ / "occupancy_bands.csv", index=False)
    flow_bands(paths).to_csv(occ / "ind_flow_bands.csv", index=False)
    pd.DataFrame(
        [
            {
                "date": "2014-12-31",
                "measure": "persons_in_coa_reception_total",
                "kind": "annual",
                "source": "s",
                "observed": 24929.0,
                "model": 24929.0,
                "pct_error": 0.0,
                "window": "start",
            },
            {
                "date": "2016-12-31",
                "measure": "persons_in_coa_reception_total",
                "kind": "annual",
                "source": "s",
                "observed": 27008.0,
                "model": 28551.08285,
                "pct_error": 5.71342880,
                "window": "fit",
            },
            {
                "date": "2019-12-31",
                "measure": "persons_in_coa_reception_total",
                "kind": "annual",
                "source": "s",
                "observed": 27316.0,
                "model": 25147.0532,
                "pct_error": -7.94020,
                "window": "check",
            },
            {
                "date": "2018-10-01",
                "measure": "status_holders_in_coa_reception",
                "kind": "approx",
                "source": "s",
                "observed": 6500.0,
                "model": 6595.4842,
                "pct_error": 1.468988,
                "window": "check",
            },
        ]
    ).to_csv(occ / "replay_track_record.csv", index=False)
    pd.DataFrame(
        [
            {
                "scenario": "central",
                "label": "SCENARIO central: 25% file",
                "period": p,
                "municipal_reception": 1000.0,
                "asylum_filings": 12.3456,
                "occupancy_median": 70000.123,
                "occupancy_median_without": 69000.0,
                "occupancy_effect": 1000.123,
                "capacity_need_median": 1.0,
                "capacity_need_effect": 1050.77,
            }
            for p in ("2027-11", "2027-12")
        ]
    ).to_csv(occ / "ukraine_scenarios.csv", index=False)
    m = json.loads((occ / "manifest.json").read_text()) if (occ / "manifest.json").is_file() else {}
    m["replay"] = {"file": "replay_track_record.csv", "periods": ["2015-01", "2020-06"], "fit_until": "2016-12-31"}
    (occ / "manifest.json").write_text(json.dumps(m))
    return d


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reception_chain_section_shows_flows_stocks_scenarios_and_track_record(chain_run, lang, no_charts):
    html = render_html(read_run(chain_run), lang)
    sec = html.split('<section id="reception_chain">')[1].split("</section>")[0]
    assert (
        re.findall(r'<section id="([a-z_]+)">', html).index("reception_chain")
        == re.findall(r'<section id="([a-z_]+)">', html).index("occupancy") + 1
    )
    assert ("IND first-instance decisions" if lang == "en" else "IND-beslissingen eerste aanleg") in sec
    assert ("Nidos places" if lang == "en" else "Nidos-plaatsen") in sec
    assert "SCENARIO central" in sec and "2016-12-31" in sec and "2015-01" in sec
    assert ("-7.9%" if lang == "en" else "-7,9%") in sec and ("estimation" if lang == "en" else "schatting") in sec
    assert "2014-12-31" not in sec  # the start is not a check
    assert_readable(sec, lang, "reception chain")


def test_no_reception_chain_section_without_its_files(run_dir, no_charts):
    assert '<section id="reception_chain">' not in render_html(read_run(run_dir), "en")


def test_section_without_track_record_shows_the_note_instead(chain_run, tmp_path, no_charts):
    import shutil

    d = tmp_path / "run"
    shutil.copytree(chain_run, d)
    (d / "occupancy" / "replay_track_record.csv").unlink()
    (d / "occupancy" / "ukraine_scenarios.csv").unlink()
    m = json.loads((d / "occupancy" / "manifest.json").read_text())
    m["replay"] = {"note": "no track record: the real series are not at /x"}
    (d / "occupancy" / "manifest.json").write_text(json.dumps(m))
    sec = render_html(read_run(d), "en").split('<section id="reception_chain">')[1].split("</section>")[0]
    assert "no track record" in sec and "SCENARIO" not in sec
