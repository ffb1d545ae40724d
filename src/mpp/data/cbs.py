"""Reader of CBS StatLine table 83102NED (asylum requests by nationality, month, sex and age), in its
keys or titles layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from mpp.data.raw import (
    FIRST,
    FIRST_PLUS_REPEAT,
    NAREIZIGERS,
    RAW_COLUMNS,
    REPEAT,
    STATED_COLUMNS,
    RawTable,
    is_blank,
    raw_frame,
    read_text_csv,
    require,
    stated_frame,
)
from mpp.data.schema import TOTAL
from mpp.errors import DataError

CBS_MEASURES = {
    "EersteAsielverzoekenPersonen_2": FIRST,
    "VolgendeAsielverzoeken_3": REPEAT,
    "NareizigersPersonen_4": NAREIZIGERS,
}
CBS_STATED_TOTAL = "TotaalAsielverzoeken_1"  # = first + subsequent (nareizigers counted apart)
CBS_ALL_SEXES, CBS_ALL_AGES, TOTAL_KEY = "T001038", "10000", "T001059"
CBS_DIMENSIONS = ("Geslacht", "Leeftijd", "Nationaliteit", "Perioden")
DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def _cbs_period(text: str) -> str | None:
    """'2024MM05' or title '2024 mei' (CBS marks provisional with '*') -> '2024-05'; quarters/years -> None.

    Anything else is returned unchanged so validation reports it as an unparseable period.
    """
    t = text.strip().rstrip("*").strip()
    m = re.fullmatch(r"(\d{4})MM(\d{2})", t)
    if m:
        return f"{m[1]}-{m[2]}"
    if re.fullmatch(r"\d{4}(KW\d{2}|JJ00)", t) or re.fullmatch(r"\d{4}( \d(e|ste|de) kwartaal)?", t):
        return None
    m = re.fullmatch(r"(\d{4}) ([a-z]+)", t.lower())
    if m and m[2] in DUTCH_MONTHS:
        return f"{m[1]}-{DUTCH_MONTHS.index(m[2]) + 1:02d}"
    return t


def _cbs_records(path: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Data rows (text cells, `row` = record or line number) and any dimension tables (Key, Title)."""
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: not valid JSON: {exc}") from None
        dims: dict[str, pd.DataFrame] = {}
        if isinstance(payload, dict) and "TypedDataSet" in payload:
            for name in CBS_DIMENSIONS:
                table = payload.get(name)
                if table is not None:
                    table = table["value"] if isinstance(table, dict) else table
                    dims[name] = pd.DataFrame(table)[["Key", "Title"]].astype(str)
            payload = payload["TypedDataSet"]
        rows = payload["value"] if isinstance(payload, dict) and "value" in payload else payload
        if not isinstance(rows, list):
            raise DataError(f"{path}: expected an OData 'value' list of records")
        df = pd.DataFrame(rows)
        df = df.astype(object).where(df.notna(), "")
        df = df.astype(str)
        df["row"] = range(1, len(df) + 1)
        return df, dims
    return read_text_csv(path), {}


def read_cbs_83102ned(path: str | Path, dimensions: dict[str, pd.DataFrame] | None = None) -> RawTable:
    """CBS 83102NED TypedDataSet rows: keep months, all sexes and ages; measures become streams."""
    path = Path(path)
    df, dims = _cbs_records(path)
    dims.update(dimensions or {})
    require(df, (*CBS_DIMENSIONS, *CBS_MEASURES), path, "CBS 83102NED")
    for dim in CBS_DIMENSIONS:
        df[dim] = df[dim].str.strip()
    # Keys look like T001038, 10000, T001059, 2024MM05; titles are Dutch words. Say which we saw.
    key_like = df["Perioden"].str.fullmatch(r"\d{4}(MM|KW|JJ)\d{2}").mean() > 0.5
    form = "keys" if key_like else "titles"
    notes = [f"dimension columns hold {form}"]
    if form == "keys":
        sexes_ok, ages_ok = df["Geslacht"] == CBS_ALL_SEXES, df["Leeftijd"] == CBS_ALL_AGES
        if "Nationaliteit" in dims:
            titles = dict(zip(dims["Nationaliteit"]["Key"].str.strip(), dims["Nationaliteit"]["Title"].str.strip()))
            titles[TOTAL_KEY] = TOTAL
            df["Nationaliteit"] = df["Nationaliteit"].map(lambda k: titles.get(k, k))
            notes.append("nationality keys mapped to titles with the Nationaliteit dimension table")
    else:
        sexes_ok = df["Geslacht"].str.lower().str.startswith("totaal")
        ages_ok = df["Leeftijd"].str.lower().str.startswith("totaal")
        df.loc[df["Nationaliteit"].str.lower().str.startswith("totaal"), "Nationaliteit"] = TOTAL
    df = df[sexes_ok & ages_ok]
    df = df.assign(period=df["Perioden"].map(_cbs_period))
    n_sums = int(df["period"].isna().sum())
    if n_sums:
        notes.append(f"dropped {n_sums} quarter/year rows (sums of months, not months)")
    df = df[df["period"].notna()].rename(columns={"Nationaliteit": "nationality"})
    long = df.melt(
        id_vars=["period", "nationality", "row"], value_vars=list(CBS_MEASURES), var_name="measure", value_name="value"
    )
    long = long[~is_blank(long["value"])].assign(stream=long["measure"].map(CBS_MEASURES))
    stated = (
        df[["period", "nationality", "row", CBS_STATED_TOTAL]].rename(columns={CBS_STATED_TOTAL: "value"})
        if CBS_STATED_TOTAL in df.columns
        else pd.DataFrame(columns=["period", "nationality", "row", "value"])
    )
    stated = stated[~is_blank(stated["value"])].assign(parts="+".join(FIRST_PLUS_REPEAT))
    return RawTable(
        frame=raw_frame(long.sort_values(["row", "stream"])[list(RAW_COLUMNS)]),
        file=str(path),
        format=f"cbs_83102ned:{form}",
        source=f"CBS StatLine 83102NED ({path.name})",
        stated_totals=stated_frame(stated[list(STATED_COLUMNS)]),
        rounding=5,
        notes=notes,
    )
