import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ldnreview import bib, cite, load, paths

ROOT = paths.root()


@pytest.mark.parametrize("raw,expected", [
    ("Smith JP", "Smith, J. P."),
    ("Bruun-Plesner K", "Bruun-Plesner, K."),
    ("van der Woude CJ", "{van der Woude}, C. J."),
    ("et al.", "others"),
    ("Gouda", "{Gouda}"),
])
def test_bibtex_names(raw, expected):
    assert bib._bibtex_name(raw) == expected


def test_bib_is_generated_and_current():
    data = load()
    text = paths.bib_path().read_text(encoding="utf-8")
    assert text.startswith("% Generated")
    assert bib.stale_problems(data.studies) == []
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.M)
    assert keys == sorted(data.studies["bibkey"])


def _parse(text: str):
    from pybtex.database import parse_string

    return parse_string(text, "bibtex")


def test_entries_link_pmid_and_doi():
    data = load()
    row = data.studies[data.studies["pmid"].notna() & data.studies["doi"].notna()].iloc[0]
    fields = _parse(bib.entry(row)).entries[row["bibkey"]].fields
    assert fields["pmid"] == str(row["pmid"]) and fields["doi"] == row["doi"]
    assert "pubmed" not in fields


def test_whole_bib_parses_with_every_study():
    parsed = _parse(paths.bib_path().read_text(encoding="utf-8"))
    assert sorted(parsed.entries.keys()) == sorted(load().studies["bibkey"])


def _study(**changes) -> pd.Series:
    row = load().studies.iloc[0].copy()
    for column, value in changes.items():
        row[column] = value
    return row


def test_specials_are_escaped_and_braces_kept():
    row = _study(title="{LDN} for Crohn's & colitis: 50% of {IBD}", journal="Health & Behavior",
                 doi="10.4103/idoj.IDOJ_453_18")
    text = bib.entry(row)
    fields = _parse(text).entries[row["bibkey"]].fields
    assert fields["title"] == r"{{LDN} for Crohn's \& colitis: 50\% of {IBD}}"
    assert fields["journal"] == r"Health \& Behavior"
    assert fields["doi"] == "10.4103/idoj.IDOJ_453_18", "identifiers stay verbatim"


@pytest.mark.parametrize("authors", ["Smith} JP; Jones AB", "Smith JP; {Jones AB", "Smith JP; }"])
def test_stray_brace_in_authors_does_not_break_the_bib(authors):
    row = _study(authors=authors)
    persons = _parse(bib.entry(row)).entries[row["bibkey"]].persons["author"]
    assert [str(p) for p in persons][:1] == ["Smith, J. P."]


def test_entry_without_journal_is_misc():
    data = load()
    row = data.studies.iloc[0].copy()
    row["journal"] = None
    assert bib.entry(row).startswith("@misc{")


def test_every_cited_key_exists():
    """Every {cite} key in a page's source or stored output is a study's bibkey, named with file and line."""
    keys = set(load().studies["bibkey"])
    problems = []
    for path in sorted((ROOT / "book").rglob("*")):
        if path.suffix not in (".md", ".ipynb") or ".ipynb_checkpoints" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for group in re.findall(r"\{cite:[a-z]+\}`([^`]+)`", line):
                for key in group.split(","):
                    if key.strip() not in keys:
                        problems.append(f"{path.relative_to(ROOT)}:{number}: citation key {key.strip()!r} has no entry in the .bib")
    assert problems == []


def test_citation_cff_is_the_one_source():
    meta = cite.book_meta()
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert meta.version == data["version"]
    text, bib_text = cite.chapter_citation("Chapter", "book/conditions/x", "x")
    assert meta.version in text and f"Version {meta.version}" in bib_text
    assert re.search(r'^version = "[^"]+"', (ROOT / "pyproject.toml").read_text(), flags=re.M) is not None
    assert f'version = "{meta.version}"' in (ROOT / "pyproject.toml").read_text(), "pyproject version must match CITATION.cff"
    assert (ROOT / "CHANGELOG.md").read_text().count(f"## {meta.version} ") == 1, "CHANGELOG.md needs an entry for this version"


def test_citation_cff_validates():
    assert cite.cff_problems() == []


def test_cff_validation_names_the_broken_key(tmp_path):
    broken = tmp_path / "CITATION.cff"
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken.write_text(text.replace("license: CC-BY-4.0", "license: CC-BY-9"), encoding="utf-8")
    problems = cite.cff_problems(broken)
    assert len(problems) == 1 and "license" in problems[0]
