"""Fixtures of the overlay tests: a small coherent forecast (see overlayfixture.py) and overlay files."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from overlayfixture import make_result  # noqa: E402


@pytest.fixture()
def result():
    return make_result()


@pytest.fixture()
def overlay_file(tmp_path):
    """write(name, effects_yaml, **top) -> path of a valid overlay file with those effects."""
    counter = {"n": 0}

    def write(name: str, effects: str, status: str = "scenario", order: int | None = None) -> str:
        counter["n"] += 1
        text = (
            f"name: {name}\nversion: 1\ndescription: test overlay {name}\n"
            f"source: {{document: test document, date: '2026-01'}}\nstatus: {status}\n"
            + (f"order: {order}\n" if order is not None else "")
            + "effects:\n"
            + textwrap.indent(textwrap.dedent(effects).strip() + "\n", "  ")
        )
        p = tmp_path / f"{counter['n']}_{name}.yaml"
        p.write_text(text)
        return str(p)

    return write
