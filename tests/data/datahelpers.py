"""Helpers for the data-layer tests (imported as `datahelpers`): fixture paths, store hashing, CLI runner."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mpp.cli.data import data_app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def tree_hash(root: Path) -> dict[str, str]:
    """Every file under root (names and bytes): equal before and after means byte-for-byte unchanged."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(*args: str):
    """Invoke `mpp data ...` in-process; MppErrors are left on result.exception."""
    return CliRunner().invoke(data_app, list(args))
