"""Every chapter gives the same numbers in its sentences, tables, figures and alt text."""

import re

import pytest

from ldnreview import Chapter, load
from ldnreview.load import chapter_conditions

DATA = load()
CONDITIONS = list(chapter_conditions(DATA.conditions)["condition"])


def _number(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text[:300]!r}"
    return int(match.group(1).replace(",", ""))


@pytest.mark.parametrize("condition", CONDITIONS)
def test_counts_agree_across_the_chapter(condition, monkeypatch, tmp_path):
    monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(tmp_path))
    chapter = Chapter(condition, DATA)
    c = chapter.evidence
    if c.n_clinical == 0:
        return
    bottom = chapter.bottom_line().plain()
    glance = chapter.at_a_glance().plain()
    alt = chapter.evidence_figure().alt
    word = r"(?:study|studies)"
    assert _number(bottom, rf"([\d,]+) published {word}") == c.n_clinical
    assert _number(bottom, r"\(([\d,]+) randomised trials?\)") == c.n_randomised
    assert _number(bottom, r"with ([\d,]+) participants? in all") == c.participants
    assert _number(glance, r"Clinical studies \| ([\d,]+)") == c.n_clinical
    assert _number(glance, r"Participants in clinical studies \| ([\d,]+)") == c.participants
    assert _number(glance, r"Randomised trials \(participants\) \| ([\d,]+)") == c.n_randomised
    assert _number(alt, rf"([\d,]+) clinical {word}") == c.n_clinical
    assert _number(alt, r"([\d,]+) randomised trials?") == c.n_randomised
    assert _number(alt, r"([\d,]+) participants?") == c.participants
    # The design table counts each clinical study once: secondary reports and reviews add no participants.
    counted = [row for row in glance.splitlines() if re.match(r"^[a-z][^|]*\| \d+ \| [\d,]+( |$)", row)]
    assert sum(int(r.split(" | ")[1]) for r in counted) == c.n_clinical, counted


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_assessed_study_appears_once_in_the_risk_of_bias_section(condition, monkeypatch, tmp_path):
    """Controlled studies are charted and tabulated domain by domain; studies with no comparison group get one row
    each (critical by design), never a chart row of their own."""
    monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(tmp_path))
    chapter = Chapter(condition, DATA)
    rob = chapter.risk_of_bias
    if rob.empty:
        return
    text = chapter.risk_of_bias_section().plain()
    uncontrolled = rob.loc[rob["tool"] == "uncontrolled", "study_id"].nunique()
    assessed = rob.loc[rob["tool"] != "uncontrolled", "study_id"].nunique()
    if uncontrolled:
        assert _number(text, r"([\d,]+) stud(?:y|ies) without a concurrent comparison group") == uncontrolled
        table = text.split("What the study can show", 1)[1]
        assert len([line for line in table.strip().splitlines() if " | " in line]) == uncontrolled
    figure = re.search(r"\[Figure [^\]]*risk-of-bias", text)
    assert bool(figure) == bool(assessed), "the chart shows exactly the controlled studies"
    if not assessed:
        assert "no comparison to assess domain by domain" in text
