"""The book's vocabulary: the one place for the words it uses for designs, directions and
certainty, for numbers and doses, and for naming a study in text. Pages and figures read
these; none spells them out again."""

from __future__ import annotations

import pandas as pd

DESIGN_NAMES = {
    "rct": "randomised trial",
    "crossover_rct": "randomised crossover trial",
    "nonrandomised_trial": "non-randomised trial",  # controlled or not: its coded control decides the level
    "open_label": "single-arm open-label trial",
    "cohort": "cohort study",
    "register": "register study",
    "case_series": "case series",
    "case_report": "case report",
    "systematic_review": "systematic review",
    "meta_analysis": "meta-analysis",
    "narrative_review": "narrative review",
    "preclinical": "laboratory or animal study",
}
# Plurals that adding "s" gets wrong.
_PLURALS = {
    "study": "studies",
    "query": "queries",
    "case series": "case series",
    "meta-analysis": "meta-analyses",
    "analysis": "analyses",
    "laboratory or animal study": "laboratory or animal studies",
}
DIRECTION_NAMES = {
    "benefit": "benefit",
    "no_difference": "no difference",
    "mixed": "mixed",
    "harm": "harm",
    "not_applicable": "n/a",
}
BLANK = "–"


def plural(noun: str, count: int) -> str:
    """'1 case report', '3 case reports', '2 case series', '2 meta-analyses', '4 cohort studies'."""
    if count == 1:
        return noun
    for singular, many in _PLURALS.items():
        if noun == singular or noun.endswith(" " + singular):
            return noun[: len(noun) - len(singular)] + many
    return noun + "s"


def count(n: int, noun: str) -> str:
    return f"{n:,} {plural(noun, n)}"


def fmt_number(value, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return BLANK
    value = float(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.{digits}g}" if abs(value) < 0.01 else f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def dose_text(row: pd.Series) -> str:
    lo, hi = row["dose_min_mg"], row["dose_max_mg"]
    if pd.isna(lo) and pd.isna(hi):
        return BLANK
    if pd.isna(lo) or pd.isna(hi) or lo == hi:
        return fmt_number(hi if pd.isna(lo) else lo, 4)
    return f"{fmt_number(lo, 4)}–{fmt_number(hi, 4)}"


def study_label(row: pd.Series) -> str:
    """How a study is named in text and figures: 'Smith 2007', 'Smith and Jones 2011',
    'Smith et al. 2013'; 'Unattributed 2020' when no source page showed the authors."""
    year = row["year"]
    first = row["first_author"]
    if not isinstance(first, str) or not first:
        return f"Unattributed {year}"
    authors = [a.strip() for a in row["authors"].split(";") if a.strip()] if isinstance(row["authors"], str) else []
    if len(authors) == 2 and not authors[1].lower().startswith("et al"):
        second = authors[1].rsplit(" ", 1)[0] if " " in authors[1] else authors[1]
        return f"{first} and {second} {year}"
    if len(authors) >= 2:
        return f"{first} et al. {year}"
    return f"{first} {year}"


# -- the usual LDN dose band and condition names (one definition each) -----------------------

# The band most LDN trials and dosing reviews use (the dosing chapter gives its sources). Every page,
# figure, legend and alt text that speaks of "the usual LDN band" reads it from here.
USUAL_BAND_MG = (1.5, 4.5)


def band_text(sep: str = "–") -> str:
    """The usual band as readers see it: '1.5–4.5 mg' (``sep=' to '`` for alt text)."""
    lo, hi = USUAL_BAND_MG
    return f"{lo:g}{sep}{hi:g} mg"


def in_usual_band(mg) -> bool:
    return mg is not None and not pd.isna(mg) and USUAL_BAND_MG[0] <= float(mg) <= USUAL_BAND_MG[1]


def condition_names(conditions: pd.DataFrame) -> dict[str, str]:
    """condition key -> the name readers see (data/conditions.csv display_name)."""
    return dict(zip(conditions["condition"], conditions["display_name"]))
