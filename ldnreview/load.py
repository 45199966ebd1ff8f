"""Read the CSV tables and refuse anything that breaks a rule in :mod:`ldnreview.schema`.

Every problem is reported as ``file, row N (line L), column C: rule (value)`` so a
person can open the file and go to the line. Nothing is dropped or coerced: a
cell is either a valid value of its column's kind, or empty, or an error.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths
from .schema import CLINICAL_DESIGNS, LOAD_ORDER, TABLES, Table, pandera_schema

_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE]-?[0-9]+)?$")


class DataError(ValueError):
    """Bad input data. The message names file, row, column and the broken rule."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:40]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__("Data validation failed:\n  " + "\n  ".join(shown) + more)


def _where(path: Path, row: int | None = None, column: str | None = None, lines: dict | None = None) -> str:
    where = paths.display(path)
    if row is not None:
        # Rows count data records (the header is not a row); the line is where the record starts.
        line = (lines or {}).get(row)
        where += f", row {row}" + (f" (line {line})" if line else "")
    if column is not None:
        where += f", column '{column}'"
    return where


def _decode(path: Path, problems: list[str]) -> str | None:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{paths.display(path)}, line 1: starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(f"{paths.display(path)}, line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return None


def _read_rows(path: Path, table: Table, problems: list[str]) -> tuple[dict[int, int], list[dict[str, str]]]:
    """The data records of a CSV, and the line on which each starts (``{row: line}``)."""
    if not path.exists():
        problems.append(f"{paths.display(path)}: file is missing (table '{table.name}')")
        return {}, []
    text = _decode(path, problems)
    if text is None:
        return {}, []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.append(f"{paths.display(path)}: file is empty (a header row is required)")
        return {}, []
    except csv.Error as exc:
        problems.append(f"{paths.display(path)}, line 1: malformed CSV ({exc})")
        return {}, []
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
        return {}, []
    lines: dict[int, int] = {}
    rows: list[dict[str, str]] = []
    row = 0
    try:
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            if not fields:
                problems.append(f"{paths.display(path)}, line {start}: blank line")
                continue
            row += 1
            if len(fields) != len(header):
                problems.append(f"{_where(path, row, lines={row: start})}: malformed row, "
                                f"{len(fields)} fields where the header has {len(header)}")
                continue
            lines[row] = start
            rows.append(dict(zip(header, fields)))
    except csv.Error as exc:
        problems.append(f"{paths.display(path)}, line {reader.line_num}: malformed CSV ({exc})")
    return lines, rows


# Cells are one line of printable text. Control characters (NUL, line breaks, tabs) and the
# invisible bidirectional controls that can reorder what a reader sees are refused.
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
MAX_CELL_CHARS = 4000
MAX_ABS_NUMBER = 1e9
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@")


def _text_problem(raw: str) -> str | None:
    for ch in raw:
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            return "not valid UTF-8"
        if ch in "\r\n\u2028\u2029\x85":
            return "line break inside a cell (a cell is one line)"
        if unicodedata.category(ch) == "Cc":
            return f"control character U+{ord(ch):04X} (not allowed in data)"
        if ch in _BIDI:
            return f"invisible direction-control character U+{ord(ch):04X} (not allowed in data)"
    if len(raw) > MAX_CELL_CHARS:
        return f"longer than {MAX_CELL_CHARS} characters ({len(raw)})"
    return None


def _parse_cells(path: Path, table: Table, lines: dict[int, int], rows: list[dict[str, str]], problems: list[str]) -> pd.DataFrame:
    parsed: dict[str, list] = {c.name: [] for c in table.columns}
    for row, record in zip(lines, rows):
        for col in table.columns:
            raw = record[col.name]
            value = None
            where = _where(path, row, col.name, lines)
            bad = _text_problem(raw)
            if bad:
                problems.append(f"{where}: {bad}")
            elif raw != raw.strip():
                problems.append(f"{where}: leading or trailing spaces ({raw!r})")
            elif raw == "":
                value = None
            elif col.kind == "integer":
                if _INTEGER.match(raw) and len(raw.lstrip("-")) <= 12:
                    value = int(raw)
                else:
                    problems.append(f"{where}: must be a whole number of at most 12 digits ({raw[:40]!r})")
            elif col.kind == "number":
                number = float(raw) if _NUMBER.match(raw) else None
                if number is None:
                    problems.append(f"{where}: must be a number ({raw[:40]!r})")
                elif not math.isfinite(number) or abs(number) > MAX_ABS_NUMBER:
                    problems.append(f"{where}: must be a finite number no larger than {MAX_ABS_NUMBER:g} in size ({raw[:40]!r})")
                else:
                    value = number
            elif raw.startswith(FORMULA_START):
                problems.append(f"{where}: starts with {raw[0]!r}, which spreadsheets run as a formula; reword the cell")
            elif col.bibtex and (bad := _bibtex_problem(col, raw)):
                problems.append(f"{where}: {bad}")
            else:
                value = raw
            parsed[col.name].append(value)
    frame = pd.DataFrame(index=pd.Index(list(lines), name="row"))
    for col in table.columns:
        dtype = {"string": object, "integer": "Int64", "number": "Float64"}[col.kind]
        frame[col.name] = pd.Series(parsed[col.name], index=frame.index, dtype=dtype)
    frame.attrs["lines"] = lines
    return frame


def _bibtex_problem(col, raw: str) -> str | None:
    """Cells copied into the .bib: braces must pair up (BibTeX groups), and no TeX commands."""
    if "\\" in raw:
        return "backslash not allowed (the cell is copied into BibTeX)"
    depth = 0
    for ch in raw:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            break
    if depth != 0 or (col.name == "authors" and ("{" in raw or "}" in raw)):
        return "unbalanced or misplaced braces (the cell is copied into BibTeX)"
    return None


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
            row = None if pd.isna(record.index) else int(record.index)
            check = str(record.check)
            rule = _CHECK_WORDS.get(check, f"must be {check}" if not check.startswith("dtype") else check)
            value = "" if pd.isna(record.failure_case) else f" ({record.failure_case!r})"
            problems.append(f"{_where(path, row, record.column, frame.attrs['lines'])}: {rule}{value}")


def _row_rule_problems(path: Path, table: Table, frame: pd.DataFrame, problems: list[str]) -> None:
    lines = frame.attrs["lines"]
    for rule, left, op, right in table.row_rules:
        for row, a, b in zip(frame.index, frame[left], frame[right]):
            if op == "or":
                if pd.isna(a) and pd.isna(b):
                    problems.append(f"{_where(path, row, left, lines)}: {rule} (both '{left}' and '{right}' are empty)")
            elif op == "!=":
                if not (pd.isna(a) or pd.isna(b)) and a == b:
                    problems.append(f"{_where(path, row, left, lines)}: {rule} broken ({left} is the row's own {right})")
            elif not (pd.isna(a) or pd.isna(b)) and not a <= b:
                problems.append(f"{_where(path, row, left, lines)}: {rule} broken ({left}={a:g} > {right}={b:g})")
    for col in table.columns:
        if col.unique and col.kind == "string":
            # Keys that differ only in case collide in file names, URLs and citation keys.
            seen: dict[str, object] = {}
            for row, value in zip(frame.index, frame[col.name]):
                if isinstance(value, str):
                    if value.lower() in seen and seen[value.lower()] != value:
                        problems.append(f"{_where(path, row, col.name, lines)}: {value!r} differs only in case "
                                        f"from {seen[value.lower()]!r} (keys must be unique ignoring case)")
                    seen.setdefault(value.lower(), value)


def _list_value_problems(path: Path, table: Table, frame: pd.DataFrame, problems: list[str]) -> None:
    """Cells holding several values ('a; b'): each value must be one of the column's allowed values."""
    for col in table.columns:
        if not (col.list_sep and col.allowed):
            continue
        for row, cell in zip(frame.index, frame[col.name]):
            for value in ([] if pd.isna(cell) else [v.strip() for v in cell.split(col.list_sep)]):
                if value not in col.allowed:
                    problems.append(f"{_where(path, row, col.name, frame.attrs['lines'])}: {value!r} must be one of "
                                    f"{', '.join(col.allowed)}")


def _reference_problems(path: Path, table: Table, frame: pd.DataFrame, loaded: dict[str, pd.DataFrame],
                        problems: list[str], failed: set[str]) -> None:
    for col in table.columns:
        if not col.references or col.references[0] in failed:
            continue  # a table that failed to load is reported once, not again through every reference to it
        target_table, target_col = col.references
        target = frame if target_table == table.name else loaded.get(target_table)
        if target is None:
            raise AssertionError(f"{table.name} is loaded before {target_table}: fix schema.LOAD_ORDER")
        known = set(target[target_col].dropna())
        for row, cell in zip(frame.index, frame[col.name]):
            if pd.isna(cell):
                continue
            values = [v.strip() for v in cell.split(col.list_sep)] if col.list_sep else [cell]
            for value in values:
                if value not in known:
                    problems.append(
                        f"{_where(path, row, col.name, frame.attrs.get('lines'))}: unknown {target_col} {value!r} "
                        f"(not in {TABLES[target_table].filename})"
                    )


def _study_size(study) -> float | None:
    sizes = [v for v in (study["n_enrolled"], study["n_analysed"]) if not pd.isna(v)]
    return max(sizes) if sizes else None


def _cross_table_problems(data_dir: Path, loaded: dict[str, pd.DataFrame], problems: list[str]) -> None:
    """Rules that need more than one row or table; run once every table is valid on its own,
    so a broken cell is reported once and not again as a knock-on."""
    studies = loaded["studies"].set_index("study_id", drop=False)
    s_path = data_dir / TABLES["studies"].filename
    s_lines = loaded["studies"].attrs["lines"]
    for row, study in loaded["studies"].iterrows():
        target = study["secondary_to"]
        if isinstance(target, str) and target in studies.index and isinstance(studies.loc[target, "secondary_to"], str):
            problems.append(f"{_where(s_path, row, 'secondary_to', s_lines)}: points at {target!r}, itself a secondary "
                            f"report; name the main report ({studies.loc[target, 'secondary_to']!r})")
    for table_name, arms in (("outcomes", ("n_ldn", "n_comparator")), ("adverse_events", ("ldn_n", "comparator_n"))):
        frame = loaded[table_name]
        path = data_dir / TABLES[table_name].filename
        for row, record in frame.iterrows():
            size = _study_size(studies.loc[record["study_id"]])
            for arm in arms:
                if size is not None and not pd.isna(record[arm]) and record[arm] > size:
                    problems.append(f"{_where(path, row, arm, frame.attrs['lines'])}: arm size {record[arm]} is larger "
                                    f"than the study's N ({size:g} in studies.csv)")
    outcomes = loaded["outcomes"]
    o_path = data_dir / TABLES["outcomes"].filename
    for row, o in outcomes.iterrows():
        where = _where(o_path, row, "arm_sizes", outcomes.attrs["lines"])
        if o["arm_sizes"] == "equal_allocation":
            if not (pd.isna(o["n_ldn"]) and pd.isna(o["n_comparator"])):
                problems.append(f"{where}: equal_allocation means the arm sizes are not reported; leave n_ldn and "
                                "n_comparator empty")
            elif o["analysis"] != "parallel":
                problems.append(f"{where}: equal_allocation splits a parallel trial's arms; set analysis to 'parallel'")
            elif pd.isna(studies.loc[o["study_id"], "n_enrolled"]):
                problems.append(f"{where}: equal_allocation splits the number randomised, but studies.csv has no n_enrolled "
                                f"for {o['study_id']!r}")
        elif o["arm_sizes"] == "reported" and pd.isna(o["n_ldn"]) and pd.isna(o["n_comparator"]):
            problems.append(f"{where}: 'reported' but n_ldn and n_comparator are both empty")
        if not (pd.isna(o["effect"]) or pd.isna(o["ci_low"]) or pd.isna(o["ci_high"])) and not o["ci_low"] <= o["effect"] <= o["ci_high"]:
            problems.append(f"{_where(o_path, row, 'effect', outcomes.attrs['lines'])}: effect {o['effect']:g} lies outside "
                            f"its own confidence interval ({o['ci_low']:g} to {o['ci_high']:g})")
    # A study is included for what it answers, not for its identifier; but a reader must be able to find it.
    for row, study in loaded["studies"].iterrows():
        if all(pd.isna(study[c]) for c in ("pmid", "doi", "registry_id", "url")):
            problems.append(f"{_where(s_path, row, 'pmid', s_lines)}: a study needs a pmid, doi, registry_id or url "
                            "(where its report can be read); none is given")
    _overall_rob_problems(data_dir, loaded["risk_of_bias"], problems)
    # A key of several columns must identify one row, as the published data package declares.
    for name, table in TABLES.items():
        if isinstance(table.primary_key, tuple) and name in loaded:
            frame = loaded[name]
            for row in frame.index[frame.duplicated(list(table.primary_key), keep="first")]:
                problems.append(f"{_where(data_dir / table.filename, row, table.primary_key[-1], frame.attrs['lines'])}: "
                                f"the same {' and '.join(table.primary_key)} as an earlier row (together they must be unique)")
    # Grading reads coded fields and per-study judgements: every clinical study must have them.
    assessed = set(loaded["risk_of_bias"].loc[loaded["risk_of_bias"]["domain"] == "overall", "study_id"])
    for row, study in loaded["studies"].iterrows():
        if study["design"] not in CLINICAL_DESIGNS:
            continue
        for column in ("control", "blinding", "outcome_kind", "population_match"):
            if pd.isna(study[column]):
                problems.append(f"{_where(s_path, row, column, s_lines)}: required for a clinical study (design {study['design']})")
        if study["study_id"] not in assessed:
            problems.append(f"{_where(s_path, row, 'study_id', s_lines)}: clinical study {study['study_id']!r} has no overall "
                            f"judgement in risk_of_bias.csv")
    # Every study a review included is accounted for in the table its decision names.
    reviews = loaded["review_studies"]
    r_path = data_dir / TABLES["review_studies"].filename
    homes = {"included": set(loaded["studies"]["study_id"]), "awaiting": set(loaded["awaiting"]["awaiting_id"]),
             "excluded": set(loaded["excluded"]["excluded_id"])}
    known_reviews = set(loaded["studies"].loc[loaded["studies"]["design"].isin(("systematic_review", "meta_analysis")), "study_id"])
    known_reviews |= set(loaded["awaiting"].loc[loaded["awaiting"]["design"].isin(("systematic_review", "meta_analysis")), "awaiting_id"])
    for row, r in reviews.iterrows():
        if r["review_id"] not in known_reviews:
            problems.append(f"{_where(r_path, row, 'review_id', reviews.attrs['lines'])}: {r['review_id']!r} is not a systematic "
                            "review or meta-analysis in studies.csv or awaiting.csv")
        if r["decision"] in homes and r["matched_id"] not in homes[r["decision"]]:
            problems.append(f"{_where(r_path, row, 'matched_id', reviews.attrs['lines'])}: decision {r['decision']!r} but "
                            f"{r['matched_id']!r} is not in that table")
    searches = loaded["searches"]
    q_path = data_dir / TABLES["searches"].filename
    conditions = loaded["conditions"]
    c_path = data_dir / TABLES["conditions"].filename
    for frame, path, column in ((searches, q_path, "date"), (conditions, c_path, "first_search")):
        for row, value in zip(frame.index, frame[column]):
            try:
                day = datetime.date.fromisoformat(value)
            except (TypeError, ValueError):
                problems.append(f"{_where(path, row, column, frame.attrs['lines'])}: not a real date ({value!r})")
                continue
            if day > datetime.date.today():
                problems.append(f"{_where(path, row, column, frame.attrs['lines'])}: date in the future ({value})")


def rob2_overall(domains: dict[str, str]) -> str:
    """RoB 2's published algorithm for the overall judgement: low only when every domain is low; high when any
    domain is high; otherwise some concerns ('no information' in a domain counts as some concerns, and is shown as
    such in the domain's own cell)."""
    values = set(domains.values())
    if "high" in values:
        return "high"
    return "low" if values == {"low"} else "some_concerns"


ROBINS_ORDER = ("low", "moderate", "serious", "critical")


def robins_overall(domains: dict[str, str]) -> str:
    """ROBINS-I's overall judgement: the most severe domain judgement; 'no information' when information is lacking
    in a domain and no domain is at serious or critical risk."""
    known = [ROBINS_ORDER.index(v) for v in domains.values() if v in ROBINS_ORDER]
    worst = max(known) if known else 0
    if "no_information" in domains.values() and worst < ROBINS_ORDER.index("serious"):
        return "no_information"
    return ROBINS_ORDER[worst]


OVERALL_RULES = {"rob2": rob2_overall, "rob2_crossover": rob2_overall, "robins_i": robins_overall}


def _overall_rob_problems(data_dir: Path, rob: pd.DataFrame, problems: list[str]) -> None:
    """The overall judgement follows the tool's published algorithm from the domain judgements, never a count."""
    path = data_dir / TABLES["risk_of_bias"].filename
    for (study_id, tool), rows in rob.groupby(["study_id", "tool"], sort=True):
        rule = OVERALL_RULES.get(tool)
        overall = rows[rows["domain"] == "overall"]
        domains = dict(zip(rows.loc[rows["domain"] != "overall", "domain"], rows.loc[rows["domain"] != "overall", "judgement"]))
        if rule is None or overall.empty or not domains:
            continue
        expected = rule(domains)
        row = overall.index[0]
        if overall["judgement"].iloc[0] != expected:
            listing = ", ".join(f"{d} {j}" for d, j in domains.items())
            problems.append(f"{_where(path, row, 'judgement', rob.attrs['lines'])}: overall {overall['judgement'].iloc[0]!r} "
                            f"for {study_id} does not follow the {tool} algorithm, which gives {expected!r} from its "
                            f"domains ({listing})")


def chapter_conditions(conditions: pd.DataFrame) -> pd.DataFrame:
    """Conditions that get a chapter: all but the cross-cutting 'general' bucket."""
    return conditions[conditions["category"] != "cross-cutting"]


@dataclass(frozen=True)
class Dataset:
    """All tables, validated. Frames are indexed by their CSV line number."""

    conditions: pd.DataFrame
    studies: pd.DataFrame
    outcomes: pd.DataFrame
    adverse_events: pd.DataFrame
    claims: pd.DataFrame
    safety_facts: pd.DataFrame
    risk_of_bias: pd.DataFrame
    searches: pd.DataFrame
    records: pd.DataFrame
    awaiting: pd.DataFrame
    excluded: pd.DataFrame
    ongoing: pd.DataFrame
    review_studies: pd.DataFrame
    reports: pd.DataFrame
    outcome_thresholds: pd.DataFrame
    fingerprint: str
    row_counts: dict

    @property
    def chapter_conditions(self) -> pd.DataFrame:
        return chapter_conditions(self.conditions)

    @property
    def coding(self) -> pd.DataFrame:
        """The coded fields of the clinical studies, as the synthesis and certainty modules read them."""
        return self.studies.loc[self.studies["control"].notna(),
                                ["study_id", "design", "control", "blinding", "outcome_kind", "population_match"]]


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
    failed: set[str] = set()
    for name in LOAD_ORDER:
        table = TABLES[name]
        path = data_dir / table.filename
        before = len(problems)
        lines, rows = _read_rows(path, table, problems)
        frame = _parse_cells(path, table, lines, rows, problems)
        if len(problems) == before:
            _schema_problems(path, table, frame, problems)
            _row_rule_problems(path, table, frame, problems)
            _list_value_problems(path, table, frame, problems)
            _reference_problems(path, table, frame, loaded, problems, failed)
        loaded[name] = frame
        if len(problems) > before:
            failed.add(name)
    if not failed:
        _cross_table_problems(data_dir, loaded, problems)
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
