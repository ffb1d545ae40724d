"""README's national figures are the generated ones: its marked block equals what the packaged track-record
tables (written by scripts/national_backtest.py) render."""

from __future__ import annotations

from pathlib import Path

from mpp.national.backtest import BLOCK_BEGIN, BLOCK_END, readme_block
from mpp.report.sections.national_track_record import LOCKED, MEDIO, read_track_record

ROOT = Path(__file__).resolve().parents[2]


def _block(text: str) -> str:
    return text.split(BLOCK_BEGIN, 1)[1].split(BLOCK_END, 1)[0].strip()


def test_readme_national_block_equals_the_generated_tables():
    expected = readme_block(read_track_record(LOCKED), read_track_record(MEDIO))
    assert _block((ROOT / "README.md").read_text(encoding="utf-8")) == expected.strip()
    assert "first requests (" in expected and "official medio" in expected


def test_docs_national_block_names_the_generated_file():
    block = _block((ROOT / "docs" / "national.md").read_text(encoding="utf-8"))
    assert "docs/national_track_record.md" in block and "Band calibration" in block
