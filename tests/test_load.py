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


def test_wrong_type(data_copy):
    set_cell(data_copy / "studies.csv", 3, "n_enrolled", "forty")
    fails_with(data_copy, "studies.csv, row 3 (line 4), column 'n_enrolled'", "must be a whole number", "'forty'")


def test_decimal_where_whole_number(data_copy):
    set_cell(data_copy / "studies.csv", 2, "year", "2011.5")
    fails_with(data_copy, "row 2 (line 3), column 'year'", "must be a whole number")


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


def test_unknown_condition(data_copy):
    set_cell(data_copy / "studies.csv", 5, "condition", "gout")
    fails_with(data_copy, "studies.csv, row 5 (line 6), column 'condition'", "unknown condition 'gout'", "conditions.csv")


def test_duplicate_id(data_copy):
    path = data_copy / "studies.csv"
    header, rows = read_rows(path)
    set_cell(path, 2, "study_id", rows[0]["study_id"])
    fails_with(data_copy, "column 'study_id'", "duplicate value", rows[0]["study_id"])


def test_dose_out_of_range(data_copy):
    set_cell(data_copy / "studies.csv", 1, "dose_max_mg", "75")
    fails_with(data_copy, "row 1 (line 2), column 'dose_max_mg'", "<= 50")


def test_dose_below_range(data_copy):
    set_cell(data_copy / "studies.csv", 1, "dose_min_mg", "0.00001")
    fails_with(data_copy, "row 1 (line 2), column 'dose_min_mg'", ">= 0.0001")


def test_dose_min_above_max(data_copy):
    path = data_copy / "studies.csv"
    set_cell(path, 1, "dose_min_mg", "4.5")
    set_cell(path, 1, "dose_max_mg", "1.5")
    fails_with(data_copy, "row 1 (line 2), column 'dose_min_mg'", "dose_min_mg <= dose_max_mg broken")


def test_pmid_format(data_copy):
    set_cell(data_copy / "studies.csv", 1, "pmid", "PMID123")
    fails_with(data_copy, "column 'pmid'", "matches")


def test_doi_format(data_copy):
    set_cell(data_copy / "studies.csv", 1, "doi", "https://doi.org/10.1000/x")
    fails_with(data_copy, "column 'doi'", "matches ^10")


def test_year_in_future(data_copy):
    set_cell(data_copy / "studies.csv", 1, "year", "2999")
    fails_with(data_copy, "column 'year'", "<= ")


def test_no_identifier(data_copy):
    path = data_copy / "studies.csv"
    set_cell(path, 1, "pmid", "")
    set_cell(path, 1, "doi", "")
    fails_with(data_copy, "row 1 (line 2), column 'pmid'", "pmid or doi present")


def test_unknown_design(data_copy):
    set_cell(data_copy / "studies.csv", 1, "design", "anecdote")
    fails_with(data_copy, "column 'design'", "one of rct")


def test_empty_required_value(data_copy):
    set_cell(data_copy / "studies.csv", 4, "result_summary", "")
    fails_with(data_copy, "row 4 (line 5), column 'result_summary'", "required value is empty")


def test_spaces_are_not_trimmed_silently(data_copy):
    set_cell(data_copy / "studies.csv", 1, "design", " rct")
    fails_with(data_copy, "row 1 (line 2), column 'design'", "leading or trailing spaces")


def test_malformed_row(data_copy):
    path = data_copy / "adverse_events.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("only,three,fields\n")
    fails_with(data_copy, "adverse_events.csv", "malformed row, 3 fields")


def test_unknown_study_in_outcomes(data_copy):
    set_cell(data_copy / "outcomes.csv", 1, "study_id", "Nobody1999")
    fails_with(data_copy, "outcomes.csv, row 1 (line 2), column 'study_id'", "unknown study_id 'Nobody1999'")


def test_events_above_denominator(data_copy):
    path = data_copy / "adverse_events.csv"
    set_cell(path, 1, "ldn_events", "9")
    set_cell(path, 1, "ldn_n", "3")
    fails_with(data_copy, "adverse_events.csv, row 1 (line 2), column 'ldn_events'", "ldn_events <= ldn_n broken")


def test_unknown_verdict(data_copy):
    set_cell(data_copy / "claims.csv", 1, "verdict", "probably")
    fails_with(data_copy, "claims.csv, row 1 (line 2), column 'verdict'", "one of supported")


def test_claim_without_explanation(data_copy):
    set_cell(data_copy / "claims.csv", 2, "explanation", "")
    fails_with(data_copy, "claims.csv, row 2 (line 3), column 'explanation'", "required value is empty")


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
    bib_file.write_text(bib_file.read_text().replace("title = {", "title = {X", 1))
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


def test_secondary_report_must_point_to_a_listed_study(data_copy):
    set_cell(data_copy / "studies.csv", 3, "secondary_to", "Missing2001")
    fails_with(data_copy, "studies.csv, row 3 (line 4), column 'secondary_to'", "unknown study_id 'Missing2001'")
