"""The bibliography is generated from studies.csv, never typed by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output import bibtex

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


def _balanced(text: str) -> str:
    """Keep matched brace pairs (they protect case in BibTeX) and drop unmatched ones,
    which BibTeX cannot parse: a stray brace in the data must not stop the build."""
    keep, open_at = [True] * len(text), []
    for i, ch in enumerate(text):
        if ch == "{":
            open_at.append(i)
        elif ch == "}":
            if open_at:
                open_at.pop()
            else:
                keep[i] = False
    for i in open_at:
        keep[i] = False
    return "".join(ch for ch, k in zip(text, keep) if k)


UNVERIFIED_AUTHORS = "{[authors not verified]}"


def _persons(authors) -> list[Person]:
    # Never guess authors: say plainly that no source page showed them.
    if not isinstance(authors, str):
        return [Person(UNVERIFIED_AUTHORS)]
    return [Person(_bibtex_name(_balanced(a))) for a in authors.split(";") if _balanced(a).strip()]


def _present(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def entry_data(study: pd.Series) -> Entry:
    """One study as a pybtex entry; the writer escapes LaTeX specials (&, %, _ ...)."""
    fields = [
        # The outer braces keep the title's own capitalisation in every style.
        ("title", "{" + _balanced(study["title"]) + "}"),
        ("journal", _balanced(study["journal"]) if isinstance(study["journal"], str) else None),
        ("year", str(study["year"])),
        ("volume", study["volume"]),
        ("number", study["issue"]),
        ("pages", None if pd.isna(study["pages"]) else str(study["pages"]).replace("-", "--")),
        ("doi", study["doi"]),
        # `pmid` is the field Zotero, JabRef and biblatex-based tools read for PubMed IDs.
        ("pmid", study["pmid"]),
    ]
    # Without a verified journal the entry is a @misc, so no journal is ever guessed.
    kind = "article" if isinstance(study["journal"], str) else "misc"
    return Entry(kind, fields=[(k, str(v)) for k, v in fields if _present(v)],
                 persons={"author": _persons(study["authors"])})


class BibWriter(bibtex.Writer):
    # Identifiers are verbatim: DOIs contain "_", which LaTeX escaping would turn into a broken link.
    VERBATIM = frozenset({"doi", "pmid", "url"})

    def _write_field(self, stream, type, value):
        if type.lower() in self.VERBATIM:
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)


def _write(entries: dict[str, Entry]) -> str:
    return BibWriter().to_string(BibliographyData(entries))


def entry(study: pd.Series) -> str:
    return _write({study["bibkey"]: entry_data(study)})


def render(studies: pd.DataFrame) -> str:
    ordered = studies.sort_values("bibkey", kind="stable")
    return HEADER + "\n" + _write({row["bibkey"]: entry_data(row) for _, row in ordered.iterrows()})


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
