"""Each validation rule, fed a broken copy of the real data, must stop with file, row, column and rule."""

import re

import pytest

from conftest import read_rows, set_cell, write_rows
from ldnreview import bib
from ldnreview.load import DataError, load_tables


def fails_with(data_dir, *fragments):
    with pytest.raises(DataError) as info:
        load_tables(data_dir)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


def test_real_data_is_valid():
    from ldnreview import load

    data = load()
    assert len(data.studies) >= 60
    assert re.fullmatch(r"[0-9a-f]{12}", data.fingerprint)




# (file, {row: {column: broken value}}, fragments the message must contain): one broken copy per rule.
BROKEN_CELLS = {
    "wrong type": ("studies.csv", {3: {"n_enrolled": "forty"}},
                   ["studies.csv, row 3 (line 4), column 'n_enrolled'", "must be a whole number", "'forty'"]),
    "decimal where whole number": ("studies.csv", {2: {"year": "2011.5"}}, ["row 2 (line 3), column 'year'", "must be a whole number"]),
    "unknown condition": ("studies.csv", {5: {"condition": "gout"}},
                          ["studies.csv, row 5 (line 6), column 'condition'", "unknown condition 'gout'", "conditions.csv"]),
    "dose above range": ("studies.csv", {1: {"dose_max_mg": "75"}}, ["row 1 (line 2), column 'dose_max_mg'", "must be <= 50"]),
    "dose below range": ("studies.csv", {1: {"dose_min_mg": "0.00001"}}, ["row 1 (line 2), column 'dose_min_mg'", "must be >= 0.0001"]),
    "dose min above max": ("studies.csv", {1: {"dose_min_mg": "4.5", "dose_max_mg": "1.5"}},
                           ["row 1 (line 2), column 'dose_min_mg'", "dose_min_mg <= dose_max_mg broken"]),
    "pmid format": ("studies.csv", {1: {"pmid": "PMID123"}}, ["column 'pmid'", "must be matches ^[0-9]"]),
    "doi format": ("studies.csv", {1: {"doi": "https://doi.org/10.1000/x"}}, ["column 'doi'", "must be matches ^10"]),
    "year in the future": ("studies.csv", {1: {"year": "2999"}}, ["column 'year'", "must be <= "]),
    "no way to find the report": ("studies.csv", {1: {"pmid": "", "doi": "", "registry_id": "", "url": ""}},
                                  ["row 1 (line 2), column 'pmid'", "needs a pmid, doi, registry_id or url"]),
    "unknown report kind": ("studies.csv", {1: {"report_kind": "tweet"}},
                            ["row 1 (line 2), column 'report_kind'", "must be one of journal_article"]),
    "unknown derivation": ("outcomes.csv", {1: {"derivation": "guessed"}},
                           ["outcomes.csv, row 1 (line 2), column 'derivation'", "must be one of read"]),
    "RoB 2 overall by count, not by the algorithm": ("risk_of_bias.csv", {14: {"judgement": "high"}},
                                                     ["risk_of_bias.csv, row 14 (line 15), column 'judgement'",
                                                      "does not follow the rob2 algorithm, which gives 'some_concerns'"]),
    "unknown design": ("studies.csv", {1: {"design": "anecdote"}}, ["column 'design'", "must be one of rct"]),
    "empty required value": ("studies.csv", {4: {"result_summary": ""}},
                             ["row 4 (line 5), column 'result_summary'", "required value is empty"]),
    "spaces not trimmed silently": ("studies.csv", {1: {"design": " rct"}},
                                    ["row 1 (line 2), column 'design'", "leading or trailing spaces"]),
    "secondary report of an unlisted study": ("studies.csv", {3: {"secondary_to": "Missing2001"}},
                                              ["row 3 (line 4), column 'secondary_to'", "unknown study_id 'Missing2001'"]),
    "unknown study in outcomes": ("outcomes.csv", {1: {"study_id": "Nobody1999"}},
                                  ["outcomes.csv, row 1 (line 2), column 'study_id'", "unknown study_id 'Nobody1999'"]),
    "events above denominator": ("adverse_events.csv", {1: {"ldn_events": "9", "ldn_n": "3"}},
                                 ["adverse_events.csv, row 1 (line 2), column 'ldn_events'", "ldn_events <= ldn_n broken"]),
    "unknown verdict": ("claims.csv", {1: {"evidence": "probably"}},
                        ["claims.csv, row 1 (line 2), column 'evidence'", "must be one of supported"]),
    "claim without explanation": ("claims.csv", {2: {"explanation": ""}},
                                  ["claims.csv, row 2 (line 3), column 'explanation'", "required value is empty"]),
    # Data is text, and every input gets a message rather than a traceback (issue: data is text).
    # A bare carriage return ends the record for a CSV reader: the row is reported as broken.
    "carriage return in a cell": ("studies.csv", {2: {"result_summary": "ok\r```{raw} html\r<script>x</script>"}},
                                  ["studies.csv, row 2 (line 3): malformed row"]),
    "quoted line break in a cell": ("studies.csv", {2: {"result_summary": "ok\n```{include} /etc/passwd\n```"}},
                                    ["row 2 (line 3), column 'result_summary'", "line break inside a cell"]),
    "NUL byte": ("studies.csv", {2: {"result_summary": "bad\x00byte"}}, ["row 2 (line 3)", "control character U+0000"]),
    "right-to-left override": ("studies.csv", {2: {"title": "abc\u202edef"}}, ["column 'title'", "direction-control character U+202E"]),
    "23-digit integer": ("studies.csv", {2: {"n_enrolled": "12345678901234567890123"}}, ["column 'n_enrolled'", "at most 12 digits"]),
    "infinite number": ("outcomes.csv", {2: {"effect": "1e999"}}, ["outcomes.csv, row 2 (line 3), column 'effect'", "finite number"]),
    "brace in authors": ("studies.csv", {2: {"authors": "Smith J}; Jones K"}}, ["column 'authors'", "braces"]),
    "backslash in title": ("studies.csv", {2: {"title": "A \\input{x} title"}}, ["column 'title'", "backslash"]),
    "formula in a published cell": ("studies.csv", {2: {"population": "=HYPERLINK(\"https://evil.example\")"}},
                                    ["column 'population'", "formula"]),
    "overlong cell": ("studies.csv", {2: {"result_summary": "x" * 5000}}, ["column 'result_summary'", "longer than 4000"]),
    "study id differing only in case": ("studies.csv", {2: {"study_id": "AGRAWAL2004"}}, ["column 'study_id'", "differs only in case"]),
    "secondary report of itself": ("studies.csv", {2: {"secondary_to": "Albers2017"}}, ["column 'secondary_to'", "row's own study_id"]),
    "invalid search date": ("searches.csv", {1: {"date": "2026-02-31"}}, ["searches.csv, row 1 (line 2), column 'date'", "not a real date"]),
    "future search date": ("searches.csv", {1: {"date": "2999-01-01"}}, ["searches.csv, row 1 (line 2), column 'date'", "in the future"]),
    "invalid first-search date": ("conditions.csv", {1: {"first_search": "2026-13-01"}}, ["conditions.csv, row 1 (line 2), column 'first_search'", "not a real date"]),
    "effect outside its CI": ("outcomes.csv", {1: {"effect": "5", "ci_low": "0", "ci_high": "1"}}, ["column 'effect'", "outside its own confidence interval"]),
    "assumed arms beside reported ones": ("outcomes.csv", {1: {"arm_sizes": "equal_allocation"}},
                                          ["outcomes.csv, row 1 (line 2), column 'arm_sizes'", "leave n_ldn and n_comparator empty"]),
    "assumed arms of a non-parallel row": ("outcomes.csv", {1: {"arm_sizes": "equal_allocation", "n_ldn": ""}},
                                           ["column 'arm_sizes'", "set analysis to 'parallel'"]),
    "reported arms that are empty": ("outcomes.csv", {8: {"arm_sizes": "reported"}},
                                     ["outcomes.csv, row 8 (line 9), column 'arm_sizes'", "both empty"]),
    "arm larger than the study": ("outcomes.csv", {1: {"n_ldn": "99999"}}, ["outcomes.csv, row 1 (line 2), column 'n_ldn'", "larger than the study's N"]),
}


def test_secondary_report_chain(data_copy):
    header, rows = read_rows(data_copy / "studies.csv")
    main, second = rows[1]["study_id"], rows[2]["study_id"]
    rows[2]["secondary_to"] = main
    rows[3]["secondary_to"] = second
    write_rows(data_copy / "studies.csv", header, rows)
    fails_with(data_copy, "row 4 (line 5), column 'secondary_to'", "itself a secondary report")


def test_not_utf8_names_the_line(data_copy):
    path = data_copy / "studies.csv"
    raw = path.read_bytes().replace(b"Hailey-Hailey Disease", b"Hailey-Hailey Dis\xe9ase", 1)
    path.write_bytes(raw)
    fails_with(data_copy, "studies.csv, line 3: not UTF-8 (byte 0xe9)")


def test_byte_order_mark_is_one_clear_message(data_copy):
    path = data_copy / "studies.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    message = fails_with(data_copy, "studies.csv, line 1: starts with a byte-order mark")
    assert message.count("\n") == 1, "one message, no knock-on errors"


def test_row_numbers_stay_right_after_a_line_break(data_copy):
    set_cell(data_copy / "studies.csv", 2, "result_summary", "two\nlines")
    set_cell(data_copy / "studies.csv", 5, "n_enrolled", "forty")
    fails_with(data_copy, "row 2 (line 3), column 'result_summary'", "row 5 (line 7), column 'n_enrolled'")


@pytest.mark.parametrize("case", sorted(BROKEN_CELLS))
def test_each_rule_names_file_row_column(data_copy, case):
    filename, cells, fragments = BROKEN_CELLS[case]
    for row, values in cells.items():
        for column, value in values.items():
            set_cell(data_copy / filename, row, column, value)
    fails_with(data_copy, *fragments)


def test_missing_required_column(data_copy):
    path = data_copy / "studies.csv"
    header, rows = read_rows(path)
    header.remove("design")
    for row in rows:
        row.pop("design")
    write_rows(path, header, rows)
    fails_with(data_copy, "studies.csv, column 'design'", "required column is missing")


def test_unknown_column(data_copy):
    path = data_copy / "outcomes.csv"
    header, rows = read_rows(path)
    header.append("surprise")
    write_rows(path, header, rows)
    fails_with(data_copy, "outcomes.csv, column 'surprise'", "unknown column")



def test_duplicate_id(data_copy):
    path = data_copy / "studies.csv"
    header, rows = read_rows(path)
    set_cell(path, 2, "study_id", rows[0]["study_id"])
    fails_with(data_copy, "column 'study_id'", "duplicate value", rows[0]["study_id"])












def test_malformed_row(data_copy):
    path = data_copy / "adverse_events.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("only,three,fields\n")
    fails_with(data_copy, "adverse_events.csv", "malformed row, 3 fields")






def test_claim_cites_unknown_study(data_copy):
    path = data_copy / "claims.csv"
    header, rows = read_rows(path)
    set_cell(path, 1, "study_ids", (rows[0]["study_ids"] + "; " if rows[0]["study_ids"] else "") + "Ghost2020")
    fails_with(data_copy, "claims.csv, row 1 (line 2), column 'study_ids'", "unknown study_id 'Ghost2020'")


def test_missing_table(data_copy):
    (data_copy / "conditions.csv").unlink()
    fails_with(data_copy, "conditions.csv: file is missing")


def test_every_problem_is_reported_at_once(data_copy):
    path = data_copy / "studies.csv"
    set_cell(path, 1, "design", "anecdote")
    set_cell(path, 2, "direction", "sideways")
    message = fails_with(data_copy, "row 1 (line 2), column 'design'", "row 2 (line 3), column 'direction'")
    assert message.count("\n") >= 2


def test_citation_key_without_bib_entry(data_copy, tmp_path):
    data = load_tables(data_copy)
    bib_file = tmp_path / "references.bib"
    bib.write(data.studies.iloc[1:], bib_file)  # the first study's entry is missing
    problems = bib.stale_problems(data.studies, bib_file)
    first = data.studies.iloc[0]
    assert problems == [
        f"data/studies.csv, row 1 (line 2), column 'bibkey': citation key {first['bibkey']!r} has no entry in "
        f"{bib_file}; run `make data`"
    ]


def test_stale_bib_is_reported(data_copy, tmp_path):
    data = load_tables(data_copy)
    bib_file = tmp_path / "references.bib"
    bib.write(data.studies, bib_file)
    bib_file.write_text(bib_file.read_text().replace("title = \"{", "title = \"{X", 1))
    assert bib.stale_problems(data.studies, bib_file) == [f"{bib_file}: out of date with data/studies.csv; run `make data`"]


def test_command_line_stops_the_build_with_the_message(data_copy):
    """`make book` and `make test` run `python -m ldnreview check` first; bad data must stop them there."""
    import os
    import subprocess
    import sys

    root = data_copy.parent
    (root / "_config.yml").write_text("title: copy\n")
    set_cell(data_copy / "studies.csv", 2, "dose_max_mg", "-1")
    result = subprocess.run([sys.executable, "-m", "ldnreview", "validate"], capture_output=True, text=True,
                            env={**os.environ, "LDNREVIEW_ROOT": str(root)})
    assert result.returncode == 1
    assert "data/studies.csv, row 2 (line 3), column 'dose_max_mg'" in result.stderr
    assert "must be >= 0.0001" in result.stderr



def test_every_review_has_its_included_studies_accounted_for():
    """Each systematic review or meta-analysis in the data says what became of the studies it included,
    or says that no page showed its list (with the count its abstract gives)."""
    from ldnreview import load

    data = load()
    reviews = set(data.studies.loc[data.studies["design"].isin(("systematic_review", "meta_analysis")), "study_id"])
    accounted = set(data.review_studies["review_id"])
    assert reviews <= accounted, f"reviews with no row in review_studies.csv: {sorted(reviews - accounted)}"
    unknown = data.review_studies[data.review_studies["decision"] == "unknown_list"]
    assert unknown["note"].notna().all(), "an unknown list must give the count the review reports"


def test_review_study_in_the_wrong_table(data_copy):
    header, rows = read_rows(data_copy / "review_studies.csv")
    row = next(i for i, r in enumerate(rows, 1) if r["decision"] == "included")
    set_cell(data_copy / "review_studies.csv", row, "decision", "excluded")
    fails_with(data_copy, f"review_studies.csv, row {row} (line {row + 1}), column 'matched_id'", "is not in that table")
