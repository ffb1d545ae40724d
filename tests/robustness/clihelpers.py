"""Run `mpp` in-process through `mpp.cli.main` (what the installed script calls) and capture what a user sees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_main(capsys, *args: str) -> Outcome:
    from mpp.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    cap = capsys.readouterr()
    code = exc.value.code if isinstance(exc.value.code, int) else (0 if exc.value.code is None else 1)
    return Outcome(code, cap.out, cap.err)
