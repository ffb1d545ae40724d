"""Corruptions of the real 7-nationality CBS panel: each is reported (file, row, reason) and stores nothing."""

from __future__ import annotations

import pytest
from datahelpers import run, tree_hash

from mpp.data.validation import DataProblems, check_file

REAL_NAME = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"


def _lines(real_dir):
    return (real_dir / REAL_NAME).read_text(encoding="utf-8").splitlines()


def _set(lines, line_no, column, value):
    """Copy of the file's lines with one cell changed (line_no is 1-based, header is line 1)."""
    header = lines[0].split(",")
    out = list(lines)
    cells = out[line_no - 1].split(",")
    cells[header.index(column)] = value
    out[line_no - 1] = ",".join(cells)
    return out


# Line 10 is Afghanistan first_asylum_request 2015-09: inside the series, so not at either end.
CORRUPTIONS = {
    "negative": (lambda ls: _set(ls, 10, "value", "-5"), 10, "negative count"),
    "non_integer": (lambda ls: _set(ls, 10, "value", "12.5"), 10, "not a whole number"),
    "not_a_number": (lambda ls: _set(ls, 10, "value", "twelve"), 10, "not a number"),
    "duplicate": (lambda ls: ls + [ls[9]], 10, "duplicate (period, stream, nationality)"),
    "gap": (lambda ls: ls[:9] + ls[10:], 10, "missing month(s) inside series first_asylum_request/AFG"),
    "unknown_stream": (lambda ls: _set(ls, 10, "stream", "asylum_total"), 10, "unknown stream"),
    "bad_period": (lambda ls: _set(ls, 10, "period", "2015-13"), 10, "unparseable period"),
    "unknown_nationality": (lambda ls: _set(ls, 10, "nationality", "Atlantis"), 10, "unknown nationality"),
    "parts_above_total": (
        lambda ls: ls + ["2015-09,Total,Totaal,first_asylum_request,100"],
        1766,
        "nationalities sum to",
    ),
    "future_period": (lambda ls: ls, 127, "period after the vintage 2025-05"),  # Afghanistan 2025-06
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corruption_is_reported_and_ingest_stores_nothing(kind, real_dir, tmp_path):
    corrupt, row, reason = CORRUPTIONS[kind]
    bad = tmp_path / f"{kind}.csv"
    bad.write_text("\n".join(corrupt(_lines(real_dir))) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert run("ingest", str(real_dir / REAL_NAME), "--vintage", "2025-07", "--store", str(store)).exit_code == 0
    before = tree_hash(store)
    vintage = "2025-05" if kind == "future_period" else "2025-08"
    result = run("ingest", str(bad), "--vintage", vintage, "--store", str(store))
    assert isinstance(result.exception, DataProblems) and result.exception.exit_code == 3
    messages = [str(p) for p in result.exception.problems]
    assert any(f"{kind}.csv:{row}:" in m and reason in m for m in messages), messages
    assert tree_hash(store) == before  # byte-for-byte unchanged


def test_every_problem_is_listed_at_once(real_dir, tmp_path):
    lines = _set(_set(_lines(real_dir), 10, "value", "-5"), 20, "nationality", "Atlantis")
    bad = tmp_path / "two.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataProblems) as err:
        check_file(bad)
    assert [(p.row, p.column) for p in err.value.problems] == [(10, "value"), (20, "nationality")]


def test_check_reports_ok_for_gap_free_real_monthly_files_and_rejects_gap_files(real_dir):
    ok = [
        REAL_NAME,
        "unhcr_monthly_asylum_applications_NL_by_origin_2012_2017.csv",
        "eurostat_migr_asyappctzm_NL_2015_by_citizenship.csv",
    ]
    result = run("check", *[str(real_dir / n) for n in ok])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK ") == 3
    gaps = run(
        "check",
        str(real_dir / "cbs_monthly_national_2018_2022_with_gaps.csv"),
        str(real_dir / "ind_monthly_national_2018_2023_with_gaps.csv"),
    )
    assert gaps.exception is not None and gaps.exception.exit_code == 3
    assert "2020-04..2021-01" in gaps.output and gaps.output.count("REJECTED") == 2


def test_real_ind_july_2021_total_mismatch_is_found(real_dir):
    with pytest.raises(DataProblems) as err:
        check_file(real_dir / "ind_monthly_national_2018_2023_with_gaps.csv")
    assert any("2021-07" in p.reason and "stated total" in p.reason for p in err.value.problems)


def test_eurostat_country_panel_stated_total_inconsistency_is_reported(real_dir):
    """Feb 2019: the 32 countries sum to 58,315 but the file's Total says 56,820 (a real source inconsistency)."""
    with pytest.raises(DataProblems) as err:
        check_file(real_dir / "eurostat_asylum_applicants_monthly_by_country_2012_2019.csv")
    assert [p.reason for p in err.value.problems] == [
        "nationalities sum to 58315 (32 parts) above the stated TOTAL 56820 for 2019-02 first_asylum_request"
    ]
