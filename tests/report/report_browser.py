"""Headless Chromium for the report tests, driven directly (no Selenium/Playwright)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "test-artifacts"  # git-ignored; CI keeps it
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium not installed (scripts/install-system-deps.sh installs it)")
    return browser


def dump_dom(html: Path, profile: Path, window: str = "1280,800") -> str:
    browser = chromium_or_skip()
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={window}", "--dump-dom", html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def screenshot(html: Path, png: Path, profile: Path, artefact_name: str) -> Path:
    """Screenshot at 1280x4000 into `png` (under the pytest tmp dir) and a copy in test-artifacts/."""
    browser = chromium_or_skip()
    subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            "--window-size=1280,4000",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTEFACTS / artefact_name)
    return png
