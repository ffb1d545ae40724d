"""Strict readers for what users type: YAML files (duplicate keys refused) and months (only `YYYY-MM`).

Every config loader reads YAML with `load_yaml`; every month a user gives (CLI options, config dates,
`--vintage`) goes through `parse_month`. Lenient parsing is how `01-06-2025` (1 June in Dutch notation)
became cut-off 2025-01: here anything but `YYYY-MM` is a one-line error stating the expected form.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from mpp.errors import ConfigError, MppError

MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


# ------------------------------------------------------------------------------------------ YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML allows it and keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable key: let SafeLoader give its own error
            first = None
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {first.start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, source: str = "<text>", error: type[MppError] = ConfigError) -> Any:
    """Parse YAML text strictly: a duplicate key or a syntax error is `error` naming `source` and the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = str(exc.problem or exc.context)
        raise error(
            f"{where}: {problem}" if problem.startswith("duplicate key") else f"{where}: not valid YAML ({problem})"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML ({exc})") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an unquoted date 2026-02-30
        raise error(f"{source}: invalid value ({exc})") from None


def load_yaml(path: str | Path, error: type[MppError] = ConfigError) -> Any:
    """Read a YAML file strictly (see `parse_yaml`); a missing or undecodable file is `error` too."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: cannot read: file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: cannot read: a folder, not a YAML file") from None
    except UnicodeDecodeError:
        raise error(f"{path}: cannot read: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_yaml(text, str(path), error)


# ------------------------------------------------------------------------------------------ months
def current_month() -> pd.Period:
    """This calendar month (local date): the latest month a vintage or a period may be."""
    return pd.Period(date.today(), freq="M")


def month_problem(value: Any, *, not_after: pd.Period | None = None) -> str | None:
    """Why `value` is not an acceptable month, or None. Only `YYYY-MM` (a str or a pandas Period) is accepted."""
    if isinstance(value, pd.Period):
        value = str(value.asfreq("M"))
    if not isinstance(value, str) or not MONTH_RE.fullmatch(value.strip()):
        return f"{value!r} is not a month: expected YYYY-MM, e.g. 2025-06"
    if not_after is not None and pd.Period(value.strip(), freq="M") > not_after:
        return f"{value.strip()} is later than {not_after}: a month in the future is not allowed"
    return None


def parse_month(
    value: Any, what: str = "month", *, error: type[MppError] = ConfigError, not_after: pd.Period | None = None
) -> pd.Period:
    """`YYYY-MM` as a monthly Period; anything else raises `error` with "<what>: ... expected YYYY-MM"."""
    problem = month_problem(value, not_after=not_after)
    if problem is not None:
        raise error(f"{what}: {problem}")
    return pd.Period(str(value).strip(), freq="M")


def parse_date(value: Any, what: str = "date", *, error: type[MppError] = ConfigError) -> date:
    """`YYYY-MM-DD` that exists in the calendar (no 2026-02-30)."""
    if isinstance(value, date):
        return value
    m = DATE_RE.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if m is None:
        raise error(f"{what}: {value!r} is not a date: expected YYYY-MM-DD, e.g. 2026-01-01")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise error(f"{what}: {value!r} is not a date in the calendar ({exc})") from None


# ------------------------------------------------------------------------------------------ CLI options
def month_option(ctx, param, value):
    """Typer/click callback for an option that takes a month: `typer.Option(None, callback=month_option)`.
    Bad input is a usage error (exit 2) naming the option and the expected form; returns the `YYYY-MM` text."""
    if value is None:
        return None
    problem = month_problem(value)
    if problem is not None:
        from typer import BadParameter

        raise BadParameter(problem, ctx=ctx, param=param)
    return value.strip()


def past_month_option(ctx, param, value):
    """Like `month_option`, and the month may not be after the current one (a vintage, a cut-off)."""
    if value is None:
        return None
    problem = month_problem(value, not_after=current_month())
    if problem is not None:
        from typer import BadParameter

        raise BadParameter(problem, ctx=ctx, param=param)
    return value.strip()


# ------------------------------------------------------------------------------------------ names that become paths
SAFE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def name_problem(name: Any) -> str | None:
    """Why `name` cannot be a file or folder name inside an output folder, or None. Letters, digits, `_`, `.`,
    `-`; starting with a letter or digit; at most 64 characters; no `..` (so never a path outside the folder)."""
    if not isinstance(name, str) or not SAFE_NAME_RE.fullmatch(name) or ".." in name:
        return (
            f"{name!r} cannot be used as a name: use letters, digits, '_', '.' and '-' (starting with a letter "
            "or digit, at most 64 characters, no '..'), e.g. robust_v2"
        )
    return None


def safe_name(name: Any, what: str = "name", error: type[MppError] = ConfigError) -> str:
    """`name` when it is safe as one path component (see `name_problem`), else `error` naming `what`."""
    problem = name_problem(name)
    if problem is not None:
        raise error(f"{what}: {problem}")
    return name


def inside(root: str | Path, *parts: str) -> Path:
    """`root / parts...`, refusing (ConfigError) any result that resolves outside `root` (defence in depth
    for names that reach paths: nothing is ever written outside the home or --out folder)."""
    base = Path(root).resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise ConfigError(f"{'/'.join(parts)!r} would be written outside {root}: refused")
    return target


# ------------------------------------------------------------------------------------------ writing YAML
def dump_yaml(obj: Any) -> str:
    """A document as YAML text (keys in the given order), e.g. calibrated assumptions."""
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=110)


# ------------------------------------------------------------------------------------------ config models
def _shape(value: Any, annotation: Any) -> Any:
    """YAML has lists, not tuples, and unquoted dates become `date` objects: give a value the container shape
    and text form its annotation asks for, so strict validation judges the values, not YAML's spelling."""

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None) and (shaped := _shape(value, arg)) is not value:
                return shaped
        return value
    if origin is typing.Annotated:
        return _shape(value, args[0])
    if isinstance(value, (list, tuple)) and origin in (tuple, list):
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            inner = [args[0]] * len(value)
        elif origin is tuple and args:
            inner = list(args) + [Any] * max(0, len(value) - len(args))
        else:
            inner = [args[0] if args else Any] * len(value)
        items = [_shape(v, a) for v, a in zip(value, inner)]
        return tuple(items) if origin is tuple else items
    if annotation is str and isinstance(value, date):
        return value.isoformat()
    return value


class StrictModel(BaseModel):
    """Base of configuration models: unknown keys are refused and values typed strictly: `true` is not a
    number, "12" is not an integer, 1.5 is not a count (YAML's lists still fill tuples, dates fill text fields)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _yaml_shapes(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {k: _shape(v, fields[k].annotation) if k in fields else v for k, v in data.items()}


def month_field(value: Any, what: str = "month") -> str:
    """For a pydantic validator: `YYYY-MM` text, else ValueError with the expected form."""
    if (problem := month_problem(value)) is not None:
        raise ValueError(f"{what}: {problem}")
    return str(value).strip()


def date_field(value: Any, what: str = "date") -> str:
    """For a pydantic validator: a calendar date as `YYYY-MM-DD` text, else ValueError with the expected form."""
    try:
        return parse_date(value, what).isoformat()
    except MppError as exc:
        raise ValueError(str(exc)) from None
