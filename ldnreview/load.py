"""Read the CSV tables and refuse anything that breaks a rule in :mod:`ldnreview.schema`.

Every problem is reported as ``file, row N (line L), column C: rule (value)`` so a
person can open the file and go to the line. Nothing is dropped or coerced: a
cell is either a valid value of its column's kind, or empty, or an error.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths
from .schema import LOAD_ORDER, TABLES, Table, pandera_schema

_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE]-?[0-9]+)?$")


class DataError(ValueError):
    """Bad input data. The message names file, row, column and the broken rule."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:40]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__("Data validation failed:\n  " + "\n  ".join(shown) + more)


def _where(path: Path, line: int | None = None, column: str | None = None) -> str:
    where = paths.display(path)
    if line is not None:
        # Row numbers count data rows (the header is not a row); line numbers count file lines.
        where += f", row {line - 1} (line {line})"
    if column is not None:
        where += f", column '{column}'"
    return where


def _read_rows(path: Path, table: Table, problems: list[str]) -> tuple[list[int], list[dict[str, str]]]:
    if not path.exists():
        problems.append(f"{paths.display(path)}: file is missing (table '{table.name}')")
        return [], []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            problems.append(f"{paths.display(path)}: file is empty (a header row is required)")
            return [], []
        except csv.Error as exc:
            problems.append(f"{_where(path, 1)}: malformed CSV ({exc})")
            return [], []
        expected = [c.name for c in table.columns]
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        duplicated = sorted({c for c in header if header.count(c) > 1})
        for name in missing:
            problems.append(f"{_where(path, None, name)}: required column is missing from the header")
        for name in unknown:
            problems.append(f"{_where(path, None, name)}: unknown column (not in the schema)")
        for name in duplicated:
            problems.append(f"{_where(path, None, name)}: column appears twice in the header")
        if missing or unknown or duplicated:
            return [], []
        lines: list[int] = []
        rows: list[dict[str, str]] = []
        try:
            for fields in reader:
                line = reader.line_num
                if not fields:
                    problems.append(f"{_where(path, line)}: blank line")
                    continue
                if len(fields) != len(header):
                    problems.append(
                        f"{_where(path, line)}: malformed row, {len(fields)} fields where the header has {len(header)}"
                    )
                    continue
                lines.append(line)
                rows.append(dict(zip(header, fields)))
        except csv.Error as exc:
            problems.append(f"{_where(path, reader.line_num)}: malformed CSV ({exc})")
    return lines, rows


def _parse_cells(path: Path, table: Table, lines: list[int], rows: list[dict[str, str]], problems: list[str]) -> pd.DataFrame:
    parsed: dict[str, list] = {c.name: [] for c in table.columns}
    for line, row in zip(lines, rows):
        for col in table.columns:
            raw = row[col.name]
            value = None
            if raw != raw.strip():
                problems.append(f"{_where(path, line, col.name)}: leading or trailing spaces ({raw!r})")
            elif raw == "":
                value = None
            elif col.kind == "integer":
                if _INTEGER.match(raw):
                    value = int(raw)
                else:
                    problems.append(f"{_where(path, line, col.name)}: must be a whole number ({raw!r})")
            elif col.kind == "number":
                if _NUMBER.match(raw):
                    value = float(raw)
                else:
                    problems.append(f"{_where(path, line, col.name)}: must be a number ({raw!r})")
            else:
                value = raw
            parsed[col.name].append(value)
    frame = pd.DataFrame(index=pd.Index(lines, name="line"))
    for col in table.columns:
        dtype = {"string": object, "integer": "Int64", "number": "Float64"}[col.kind]
        frame[col.name] = pd.Series(parsed[col.name], index=frame.index, dtype=dtype)
    return frame


_CHECK_WORDS = {
    "not_nullable": "required value is empty",
    "field_uniqueness": "duplicate value (must be unique)",
}


def _schema_problems(path: Path, table: Table, frame: pd.DataFrame, problems: list[str]) -> None:
    import pandera.errors

    try:
        pandera_schema(table).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for record in cases.itertuples(index=False):
            line = None if pd.isna(record.index) else int(record.index)
            check = str(record.check)
            rule = _CHECK_WORDS.get(check, f"must be {check}" if not check.startswith("dtype") else check)
            value = "" if pd.isna(record.failure_case) else f" ({record.failure_case!r})"
            problems.append(f"{_where(path, line, record.column)}: {rule}{value}")


def _row_rule_problems(path: Path, table: Table, frame: pd.DataFrame, problems: list[str]) -> None:
    for rule, left, op, right in table.row_rules:
        for line, a, b in zip(frame.index, frame[left], frame[right]):
            if op == "or":
                if pd.isna(a) and pd.isna(b):
                    problems.append(f"{_where(path, line, left)}: {rule} (both '{left}' and '{right}' are empty)")
            elif not (pd.isna(a) or pd.isna(b)) and not a <= b:
                problems.append(f"{_where(path, line, left)}: {rule} broken ({left}={a:g} > {right}={b:g})")


def _reference_problems(path: Path, table: Table, frame: pd.DataFrame, loaded: dict[str, pd.DataFrame], problems: list[str]) -> None:
    for col in table.columns:
        if not col.references:
            continue
        target_table, target_col = col.references
        target = frame if target_table == table.name else loaded.get(target_table)
        if target is None:
            raise AssertionError(f"{table.name} is loaded before {target_table}: fix schema.LOAD_ORDER")
        known = set(target[target_col].dropna())
        for line, cell in zip(frame.index, frame[col.name]):
            if pd.isna(cell):
                continue
            values = [v.strip() for v in cell.split(col.list_sep)] if col.list_sep else [cell]
            for value in values:
                if value not in known:
                    problems.append(
                        f"{_where(path, line, col.name)}: unknown {target_col} {value!r} "
                        f"(not in {TABLES[target_table].filename})"
                    )


@dataclass(frozen=True)
class Dataset:
    """All tables, validated. Frames are indexed by their CSV line number."""

    conditions: pd.DataFrame
    studies: pd.DataFrame
    outcomes: pd.DataFrame
    adverse_events: pd.DataFrame
    claims: pd.DataFrame
    safety_facts: pd.DataFrame
    fingerprint: str
    row_counts: dict

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def fingerprint(data_dir: Path) -> str:
    """Short SHA-256 over every table's bytes, in a fixed order."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        path = data_dir / TABLES[name].filename
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def load_tables(data_dir: Path) -> Dataset:
    """Load and validate every table in ``data_dir``; raise :class:`DataError` listing all problems."""
    problems: list[str] = []
    loaded: dict[str, pd.DataFrame] = {}
    for name in LOAD_ORDER:
        table = TABLES[name]
        path = data_dir / table.filename
        lines, rows = _read_rows(path, table, problems)
        before = len(problems)
        frame = _parse_cells(path, table, lines, rows, problems)
        if len(problems) == before:
            _schema_problems(path, table, frame, problems)
            _row_rule_problems(path, table, frame, problems)
        _reference_problems(path, table, frame, loaded, problems)
        loaded[name] = frame
    if problems:
        raise DataError(problems)
    return Dataset(
        **loaded,
        fingerprint=fingerprint(data_dir),
        row_counts={name: len(frame) for name, frame in loaded.items()},
    )


def _validation_key(data_dir: Path) -> str:
    """Digest of the data bytes and of the code that validates them: same key, same verdict."""
    digest = hashlib.sha256(fingerprint(data_dir).encode())
    here = Path(__file__).parent
    for module in ("schema.py", "load.py"):
        digest.update((here / module).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def _cached(data_dir: str, key: str) -> Dataset:
    # Every notebook loads the same data; once these exact bytes have passed this exact validator,
    # later kernels reuse the result instead of importing pandera and validating again.
    store = paths.root() / "_build" / "validated" / f"{key}.pkl"
    if store.exists():
        try:
            return pickle.loads(store.read_bytes())
        except Exception:  # a cache from another pandas version: validate afresh
            pass
    data = load_tables(Path(data_dir))
    store.parent.mkdir(parents=True, exist_ok=True)
    temporary = store.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pickle.dumps(data))
    temporary.replace(store)  # atomic, so parallel kernels never read half a file
    return data


def load(data_dir: Path | None = None) -> Dataset:
    """The validated dataset (cached until a data file or the validator changes)."""
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    return _cached(str(data_dir), _validation_key(data_dir))
