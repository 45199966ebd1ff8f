"""The bibliography is generated from studies.csv, never typed by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import paths

HEADER = "% Generated from data/studies.csv by `python -m ldnreview derive`. Do not edit by hand.\n"


def _bibtex_name(author: str) -> str:
    """'Smith JP' -> 'Smith, J. P.'; 'et al.' -> 'others'."""
    author = author.strip()
    if author.lower().rstrip(".") in ("et al", "others"):
        return "others"
    parts = author.split()
    if len(parts) >= 2 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        surname = " ".join(parts[:-1])
        initials = " ".join(f"{ch}." for ch in parts[-1])
        return f"{{{surname}}}, {initials}" if " " in surname else f"{surname}, {initials}"
    return f"{{{author}}}"  # a group or a name we cannot split: keep it whole


def _escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text).replace("{", "").replace("}", "")


UNVERIFIED_AUTHORS = "{[authors not verified]}"


def entry(study: pd.Series) -> str:
    authors = study["authors"]
    fields = [
        # Never guess authors: say plainly that no source page showed them.
        ("author", " and ".join(_bibtex_name(a) for a in authors.split(";") if a.strip()) if isinstance(authors, str) else UNVERIFIED_AUTHORS),
        ("title", "{" + _escape(study["title"]) + "}"),
        ("journal", _escape(study["journal"]) if isinstance(study["journal"], str) else None),
        ("year", str(study["year"])),
        ("volume", study["volume"]),
        ("number", study["issue"]),
        ("pages", None if pd.isna(study["pages"]) else str(study["pages"]).replace("-", "--")),
        ("doi", study["doi"]),
        ("pubmed", study["pmid"]),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value is not None and not pd.isna(value))
    # Without a verified journal the entry is a @misc, so no journal is ever guessed.
    kind = "article" if isinstance(study["journal"], str) else "misc"
    return f"@{kind}{{{study['bibkey']},\n{body}\n}}\n"


def render(studies: pd.DataFrame) -> str:
    ordered = studies.sort_values("bibkey", kind="stable")
    return HEADER + "\n" + "\n".join(entry(row) for _, row in ordered.iterrows())


def write(studies: pd.DataFrame, path: Path | None = None) -> Path:
    path = path or paths.bib_path()
    path.write_text(render(studies), encoding="utf-8")
    return path


def stale_problems(studies: pd.DataFrame, path: Path | None = None) -> list[str]:
    """Problems if the committed .bib is missing or differs from what studies.csv generates."""
    path = path or paths.bib_path()
    if not path.exists():
        return [f"{paths.display(path)}: missing; run `make data` to generate it from data/studies.csv"]
    text = path.read_text(encoding="utf-8")
    present = set(re.findall(r"^@\w+\{([^,]+),", text, flags=re.M))
    problems = []
    for row, key in zip(studies.index, studies["bibkey"]):
        if key not in present:
            problems.append(
                f"data/studies.csv, row {row} (line {studies.attrs.get('lines', {}).get(row)}), column 'bibkey': citation key {key!r} "
                f"has no entry in {paths.display(path)}; run `make data`"
            )
    if not problems and text != render(studies):
        problems.append(f"{paths.display(path)}: out of date with data/studies.csv; run `make data`")
    return problems
