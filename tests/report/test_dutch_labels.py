"""Dutch outputs are Dutch where the words are ours: the Ukrainian scenario labels and the track-record note
(the assumptions file words the labels in English)."""

from __future__ import annotations

import pandas as pd

from mpp.report.i18n import t
from mpp.report.sections.reception_chain import ukraine_label, ukraine_rows

SCENARIOS = {"low": {"share_filing_asylum": {"value": 0.1}}, "high": {"share_filing_asylum": {"value": 0.5}}}
LABEL = "SCENARIO low: 10% of the Ukrainian displaced file an asylum request when the directive ends"


def test_ukraine_scenario_labels_are_dutch_in_dutch_and_as_written_in_english():
    assert ukraine_label("low", LABEL, SCENARIOS, "en") == LABEL
    nl = ukraine_label("low", LABEL, SCENARIOS, "nl")
    assert nl == "SCENARIO laag: 10% van de Oekraïense ontheemden vraagt asiel aan als de richtlijn afloopt"
    u = pd.DataFrame(
        {
            "scenario": ["high", "high"],
            "label": ["SCENARIO high: 50% ...", "SCENARIO high: 50% ..."],
            "period": ["2026-05", "2026-06"],
            "asylum_filings": [10.0, 20.0],
            "occupancy_effect": [1.0, 2.0],
            "capacity_need_effect": [1.0, 2.0],
        }
    )
    (row,) = ukraine_rows(u, "nl", SCENARIOS)
    assert row["label"].startswith("SCENARIO hoog: 50% van de")


def test_track_record_notes_have_both_languages():
    for reason in ("no_reference_data", "series_missing"):
        en, nl = t(f"no_track_record_{reason}", "en"), t(f"no_track_record_{reason}", "nl")
        assert en != nl and nl.startswith("geen terugblik")
