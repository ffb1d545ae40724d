"""Formula injection (issue 14): a variant named `=cmd|' /C calc'!A0` (or any text from data, config or the
manifest) never becomes a live formula in the workbook; it is shown as written, as quoted text."""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from mpp.report import write_report

PAYLOADS = ["=cmd|' /C calc'!A0", '+HYPERLINK("http://x")', "-2+3", "@SUM(A1)", "\t=1+1", " =1", "\uff1d1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_from_the_manifest_is_never_a_formula(run_dir, tmp_path, payload):
    d = tmp_path / "run"
    shutil.copytree(run_dir, d)
    m = json.loads((d / "manifest.json").read_text())
    m.update(variant=payload, data_vintage=payload, code_version=payload)
    (d / "manifest.json").write_text(json.dumps(m))
    (xlsx,) = write_report(d, html=False)
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", s) for s in sheets), "a formula element in the workbook"
    wb = load_workbook(xlsx)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == payload]
    assert len(cells) >= 2, "the payload should appear in the assumptions and the metadata"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    numbers = [c for c in wb.worksheets[0]["B"] if isinstance(c.value, (int, float))]
    assert numbers and not any(c.quotePrefix for c in numbers), "numbers must stay numbers"
