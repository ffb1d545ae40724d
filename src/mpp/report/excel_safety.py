"""Formula injection: no text that reaches a workbook is ever a live formula, whatever its origin.

A variant named `=cmd|' /C calc'!A0` must not become a formula in Assumptions!B3. openpyxl turns any string
starting with "=" into a formula cell; spreadsheet programs also evaluate text starting with "+", "-", "@"
(and tab/CR before them) when a user edits the cell or opens a CSV export. Every such text cell becomes a plain
string cell with Excel's quote prefix: shown exactly as written, never evaluated, still text after editing.
Numbers are untouched; the workbook writes no formulas of its own.
"""

from __future__ import annotations

from openpyxl import Workbook

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_dangerous(text: str) -> bool:
    """Would a spreadsheet read this text as the start of a formula? ("-5" as text is harmless, but a
    quoted "-5" still shows as -5, so every leading sign is neutralised.)"""
    return text.lstrip(" ").startswith(DANGEROUS_START)


def neutralise_formulas(wb: Workbook) -> int:
    """Turn every formula cell and every formula-looking text cell of `wb` into quoted text; returns how many."""
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (cell.data_type == "f" or is_dangerous(value)):
                    cell.value = value
                    cell.data_type = "s"  # after assigning: openpyxl makes "=..." a formula on assignment
                    cell.quotePrefix = True
                    n += 1
    return n
