"""One style, one export helper, one function per figure kind.

Each figure is a :class:`matplotlib.figure.Figure` drawn inside ``matplotlib.rc_context(STYLE)``:
importing this module changes no backend and no global rcParams, so a researcher's own plots in
the same notebook behave as usual. :func:`save` exports SVG with pinned metadata (byte-identical
on every run) and returns an :class:`~ldnreview.output.Figure` that shows that SVG in the book and
embeds it in Jupyter.
"""

from __future__ import annotations

import functools
import textwrap

import matplotlib
from matplotlib import colors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from . import grade, words
from .export import STYLE
from .output import plot_text

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
# Each direction has a colour AND a marker, so colour is never the only signal.
DIRECTION_STYLE = {
    "benefit": (PALETTE["blue"], "o", "benefit reported"),
    "mixed": (PALETTE["orange"], "D", "mixed result"),
    "no_difference": (PALETTE["vermillion"], "s", "no difference"),
    "harm": (PALETTE["black"], "X", "harm"),
    "not_applicable": (PALETTE["grey"], "^", "no efficacy direction"),
}
# The usual LDN band is defined once, in words.USUAL_BAND_MG.
USUAL_BAND_MG = words.USUAL_BAND_MG
# Doses below this (micrograms a day) are drawn in a panel of their own, so the usual doses keep the width.
MICRO_DOSE_MG = 0.1

# Text sizes in points. Figures are drawn WIDTH_IN wide, close to the width the book shows them at
# (about 48rem), so no text renders smaller than TEXT_PT on a desktop screen.
WIDTH_IN = 6.8
TEXT_PT = 9
TITLE_PT = 10.5


def styled(draw):
    """Run a figure-kind function in the book's style without touching global settings."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def new_figure(**kwargs) -> MplFigure:
    """A figure that pyplot does not manage: nothing is shown or kept open behind the caller's back."""
    return MplFigure(**kwargs)


def _direction_handles(directions) -> list:
    """Legend entries, in the fixed DIRECTION_STYLE order, for the directions present."""
    return [
        Line2D([], [], color=DIRECTION_STYLE[d][0], marker=DIRECTION_STYLE[d][1], linestyle="", label=DIRECTION_STYLE[d][2])
        for d in DIRECTION_STYLE
        if d in set(directions)
    ]


def _direction_legend(fig, directions, extra: tuple = (), title: str = "Direction of result", columns: int = 3) -> None:
    """One legend under the plot, across the figure's width, so the plot itself keeps the full width."""
    handles = _direction_handles(directions) + list(extra)
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(columns, len(handles)), frameon=False,
                   title=title, fontsize=TEXT_PT, title_fontsize=TEXT_PT)


# Plain numbers on log axes (0.001, 1, 100), which readers parse faster than 10^-3.
PLAIN_LOG = FuncFormatter(lambda value, _: f"{value:g}")


def _label(row: pd.Series) -> str:
    """A study's label in every figure: the one rule in words.study_label."""
    return plot_text(words.study_label(row))


def _title(title: str, width: int = 64) -> str:
    """A title wrapped to the figure's width, so a long condition name never widens the figure."""
    return textwrap.fill(plot_text(title), width)


def _ticks(ax) -> None:
    ax.tick_params(labelsize=TEXT_PT)


@styled
def evidence_strength(studies: pd.DataFrame, name: str, title: str) -> MplFigure | None:
    """Each clinical study placed by evidence level (one shaded band per level) and size (log x), coloured and
    shaped by direction. Studies of one level are spread evenly inside that level's band (in order of size),
    never jittered at random, so every point reads as belonging to its band."""
    graded = grade.with_levels(studies)
    graded = graded[graded["level_rank"].isin(grade.CLINICAL_RANKS)]
    if graded.empty:
        return None
    graded = graded.sort_values(["level_rank", "size", "study_id"], kind="stable")
    levels = [lv for lv in grade.LEVELS if lv.rank in grade.CLINICAL_RANKS]
    fig = new_figure(figsize=(WIDTH_IN, 1.6 + 0.8 * len(levels) + 0.04 * len(graded)), layout="constrained")
    ax = fig.subplots()
    ax.grid(axis="y", visible=False)
    for lv in levels:
        if lv.rank % 2:
            ax.axhspan(lv.rank - 0.45, lv.rank + 0.45, color="#f0f0f0", zorder=0, linewidth=0)
    sizes = graded["size"].fillna(1).astype(float).clip(lower=1)
    annotate = len(graded) <= 14
    # Room on the right for labels of the left half of the axis (labels of the right half go to the left).
    upper = max(10.0, float(sizes.max())) * (8 if annotate else 3)
    for rank, group in graded.groupby("level_rank", sort=True):
        offsets = np.linspace(-0.3, 0.3, len(group)) if len(group) > 1 else np.zeros(1)
        for offset, (_, row) in zip(offsets, group.iterrows()):
            colour, marker, _ = DIRECTION_STYLE[row["direction"]]
            x = sizes.loc[row.name]
            y = int(rank) + offset
            hollow = pd.isna(row["size"])
            ax.scatter([x], [y], s=60, marker=marker, facecolor="white" if hollow else colour, edgecolor=colour, linewidth=1.2, zorder=3)
            if annotate:
                # Points of one level sit at distinct heights, so a label goes beside its point: to the right,
                # or to the left in the right half of the axis, so that it stays inside the plot.
                right = np.log10(x) - np.log10(0.5) < 0.5 * (np.log10(upper) - np.log10(0.5))
                ax.annotate(_label(row), (x, y), xytext=(6 if right else -6, 0), textcoords="offset points",
                            va="center", ha="left" if right else "right", fontsize=TEXT_PT)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(PLAIN_LOG)
    ax.set_xlim(0.5, upper)
    ax.set_yticks([lv.rank for lv in levels], [textwrap.fill(lv.label, 22) for lv in levels])
    ax.set_ylim(max(lv.rank for lv in levels) + 0.5, 0.5)
    _ticks(ax)
    ax.set_xlabel("Participants (log scale)\nhollow marker = size not reported, drawn at 1", fontsize=TEXT_PT)
    ax.set_title(_title(title), loc="left", fontsize=TITLE_PT)
    _direction_legend(fig, graded["direction"])
    return fig


def _dose_limits(lows: pd.Series, highs: pd.Series, band: bool) -> tuple[float, float]:
    """A log axis from just below the lowest dose drawn to just above the highest (and the usual band, if shown)."""
    lo, hi = float(lows.min()), float(highs.max())
    if band:
        lo, hi = min(lo, USUAL_BAND_MG[0]), max(hi, USUAL_BAND_MG[1])
    return lo / 1.6, hi * 1.6


@styled
def dose_ranges(studies: pd.DataFrame, title: str, label_with_condition: bool = False,
                condition_names: dict | None = None) -> MplFigure | None:
    """Each study's daily dose range on a log axis that starts near the lowest dose studied, against the usual
    LDN band. Studies dosed below MICRO_DOSE_MG get a panel of their own on the left, so a single microgram
    study does not squeeze every other study into a corner.

    A study that reports only an upper bound (mg/kg dosing capped at a maximum) is drawn as a hollow marker at that bound.
    """
    dosed = studies[studies["dose_max_mg"].notna()]
    if dosed.empty:
        return None
    dosed = dosed.sort_values(["dose_max_mg", "dose_min_mg", "study_id"], kind="stable", na_position="first")
    micro = dosed["dose_max_mg"] < MICRO_DOSE_MG
    panels = [p for p in (dosed[micro], dosed[~micro]) if len(p)]
    fig = new_figure(figsize=(WIDTH_IN, 1.9 + (0.42 if label_with_condition else 0.3) * len(dosed)), layout="constrained")
    widths = [1, 3] if len(panels) == 2 else [1]
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False, gridspec_kw={"width_ratios": widths})[0]
    labels = []
    for _, row in dosed.iterrows():
        label = _label(row)
        if label_with_condition:
            name = (condition_names or {}).get(row["condition"], row["condition"])
            label = textwrap.fill(label + plot_text(f" ({name})"), 36)
        labels.append(label)
    positions = {key: y for y, key in enumerate(dosed.index)}
    for ax, panel in zip(axes, panels):
        usual = not (panel["dose_max_mg"] < MICRO_DOSE_MG).all()
        if usual:
            ax.axvspan(*USUAL_BAND_MG, color=PALETTE["sky"], alpha=0.18, zorder=0)
        for key, row in panel.iterrows():
            y = positions[key]
            colour, marker, _ = DIRECTION_STYLE[row["direction"]]
            hi = float(row["dose_max_mg"])
            if pd.isna(row["dose_min_mg"]):
                ax.scatter([hi], [y], marker=marker, facecolor="white", edgecolor=colour, s=36, zorder=3)
            else:
                lo = float(row["dose_min_mg"])
                ax.plot([lo, hi], [y, y], color=colour, linewidth=3, solid_capstyle="round", zorder=2)
                ax.scatter([lo, hi] if lo != hi else [hi], [y, y] if lo != hi else [y], marker=marker, color=colour, s=30, zorder=3)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0,)))
        ax.xaxis.set_major_formatter(PLAIN_LOG)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(*_dose_limits(panel["dose_min_mg"].fillna(panel["dose_max_mg"]), panel["dose_max_mg"], usual))
        _ticks(ax)
        if len(panels) == 2:
            ax.set_title("micro-doses" if not usual else "usual doses", fontsize=TEXT_PT, loc="left")
    axes[0].set_yticks(range(len(dosed)), labels)
    axes[0].set_ylim(len(dosed) - 0.5, -0.5)
    _ticks(axes[0])
    axes[-1].set_xlabel("Naltrexone dose, mg per day (log scale)\nhollow marker = upper bound only", fontsize=TEXT_PT)
    fig.suptitle(_title(title), x=0.01, ha="left", fontsize=TITLE_PT)
    band = Line2D([], [], color=PALETTE["sky"], alpha=0.4, linewidth=8, label=f"usual LDN band, {words.band_text('-')}/day")
    _direction_legend(fig, dosed["direction"], extra=(band,), columns=2)
    return fig


def _bubble_area(participants: float) -> float:
    """Marker area (points squared) for a bubble: it grows with participants, so the size legend uses it too."""
    # The floor keeps a one-digit count inside even the smallest bubble (so its contrast is with the bubble).
    return 190 + 14 * np.sqrt(participants)


def _text_colour(rgba) -> str:
    """White on dark fills, black on light ones (WCAG relative luminance), so a count is always legible."""
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with white is (1.05) / (L + 0.05); with black (L + 0.05) / 0.05: pick the larger.
    return "white" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 else "black"


# Certainty of a condition's evidence: colour and hatching, so print and colour-blind readers can tell them apart.
CERTAINTY_STYLE = {
    "high": (PALETTE["blue"], ""),
    "moderate": (PALETTE["sky"], ""),
    "low": (PALETTE["yellow"], "//"),
    "very low": ("#e6e6e6", "xx"),
}


@styled
def evidence_map(studies: pd.DataFrame, conditions: pd.DataFrame, certainty: dict, title: str) -> MplFigure:
    """Condition x evidence level; bubble area = participants, colour and hatching = the certainty of the
    condition's evidence, the number in a bubble = studies. Legends show what sizes and colours mean."""
    graded = grade.primary_clinical(studies)
    names = conditions.set_index("condition")["display_name"]
    order = [c for c in conditions.sort_values("display_name", kind="stable")["condition"] if c in set(graded["condition"])]
    levels = [lv for lv in grade.LEVELS if lv.rank in grade.CLINICAL_RANKS]
    fig = new_figure(figsize=(WIDTH_IN, 2.8 + 0.5 * len(order)), layout="constrained")
    ax = fig.subplots()
    for y, condition in enumerate(order):
        sub = graded[graded["condition"] == condition]
        fill, hatch = CERTAINTY_STYLE[certainty.get(condition, "very low")]
        for rank, cell in sub.groupby("level_rank"):
            participants = float(cell["size"].fillna(1).sum())
            ax.scatter([int(rank)], [y], s=_bubble_area(participants), color=fill, hatch=hatch, edgecolor="#444444",
                       linewidth=0.6, zorder=3)
            ax.annotate(str(len(cell)), (int(rank), y), ha="center", va="center", fontsize=TEXT_PT, zorder=4,
                        color=_text_colour(colors.to_rgba(fill)), fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.15", facecolor=fill, edgecolor="none") if hatch else None)
    ax.set_xticks([lv.rank for lv in levels], [textwrap.fill(lv.label, 12, break_long_words=False) for lv in levels])
    ax.set_yticks(range(len(order)), [textwrap.fill(plot_text(names[c]), 24) for c in order])
    _ticks(ax)
    ax.set_ylim(len(order) - 0.5, -0.7)
    ax.set_xlim(0.4, 5.6)
    ax.set_title(_title(title), loc="left", fontsize=TITLE_PT)
    shades = [Patch(facecolor=fill, hatch=hatch, edgecolor="#444444", label=rating)
              for rating, (fill, hatch) in CERTAINTY_STYLE.items() if rating in set(certainty.values())]
    ax.legend(handles=shades, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=TEXT_PT,
              title="Certainty", title_fontsize=TEXT_PT)
    sizes = [Line2D([], [], linestyle="", marker="o", markerfacecolor="#dddddd", markeredgecolor="#444444",
                    markersize=float(np.sqrt(_bubble_area(n))), label=f"{n:,}") for n in (10, 100, 1000)]
    fig.legend(handles=sizes, loc="outside lower center", ncol=3, frameon=False, fontsize=TEXT_PT,
               title="Participants (bubble area); the number inside is the count of studies", title_fontsize=TEXT_PT,
               labelspacing=1.2, borderpad=0.8, columnspacing=2.5)
    return fig


@styled
def verdicts(claims: pd.DataFrame, order: tuple[str, ...], title: str) -> MplFigure:
    """Claims per article section, stacked by verdict, with hatching so print and colour-blind readers can tell them apart."""
    colours = dict(zip(order, (PALETTE["blue"], PALETTE["sky"], PALETTE["purple"], PALETTE["vermillion"], PALETTE["grey"])))
    hatches = dict(zip(order, ("", "//", "xx", "\\\\", "..")))
    sections = list(dict.fromkeys(claims["section"]))
    counts = claims.groupby(["section", "evidence"]).size().unstack(fill_value=0).reindex(index=sections, columns=list(order), fill_value=0)
    fig = new_figure(figsize=(WIDTH_IN, 1.6 + 0.36 * len(sections)), layout="constrained")
    ax = fig.subplots()
    left = np.zeros(len(sections))
    for verdict in order:
        values = counts[verdict].to_numpy()
        ax.barh(range(len(sections)), values, left=left, color=colours[verdict], hatch=hatches[verdict], edgecolor="white", label=verdict.replace("_", " "))
        left += values
    ax.set_yticks(range(len(sections)), [s.replace("-", " ") for s in sections])
    _ticks(ax)
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_xlabel("Number of claims", fontsize=TEXT_PT)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(_title(title), loc="left", fontsize=TITLE_PT)
    fig.legend(loc="outside lower center", ncol=3, frameon=False, title="Verdict", fontsize=TEXT_PT, title_fontsize=TEXT_PT)
    return fig


# Judgement -> (colour, symbol, words); symbols keep the meaning without colour.
ROB_STYLE = {
    "low": (PALETTE["green"], "+", "low"),
    "some_concerns": (PALETTE["yellow"], "-", "some concerns"),
    "moderate": (PALETTE["yellow"], "-", "moderate"),
    "no_information": (PALETTE["grey"], "?", "no information"),
    "high": (PALETTE["vermillion"], "x", "high"),
    "serious": (PALETTE["vermillion"], "x", "serious"),
    "critical": ("#7a1f00", "!", "critical"),
}


@styled
def traffic_light(judgements: pd.DataFrame, labels: dict, domains: list[str], domain_names: dict, title: str) -> MplFigure | None:
    """Studies (rows) by risk-of-bias domain (columns), one coloured symbol per judgement."""
    if judgements.empty:
        return None
    studies = list(dict.fromkeys(judgements["study_id"]))
    fig = new_figure(figsize=(WIDTH_IN, 3.6 + 0.4 * len(studies)), layout="constrained")
    ax = fig.subplots()
    cells = judgements.set_index(["study_id", "domain"])["judgement"]
    placed: dict[str, list[tuple[int, int]]] = {}
    for y, study in enumerate(studies):
        for x, domain in enumerate(domains):
            judgement = cells.get((study, domain))
            if judgement is not None:
                placed.setdefault(judgement, []).append((x, y))
    # One marker collection per judgement, not one per cell: the SVG defines each marker once and reuses it.
    for judgement in ROB_STYLE:
        if judgement not in placed:
            continue
        colour, symbol, _ = ROB_STYLE[judgement]
        xs, ys = zip(*placed[judgement])
        ax.scatter(xs, ys, s=170, color=colour, edgecolor="#333333", linewidth=0.5, zorder=3)
        for x, y in placed[judgement]:
            ax.annotate(symbol, (x, y), ha="center", va="center", fontsize=TEXT_PT, fontweight="bold",
                        color="white" if judgement in ("high", "serious", "critical") else "black", zorder=4)
    ax.set_xticks(range(len(domains)), [domain_names[d] for d in domains], rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(studies)), [plot_text(labels[s]) for s in studies])
    _ticks(ax)
    ax.set_ylim(len(studies) - 0.5, -0.5)
    ax.set_xlim(-0.6, len(domains) - 0.4)
    ax.grid(False)
    ax.set_title(_title(title), loc="left", fontsize=TITLE_PT)
    present = list(dict.fromkeys(judgements["judgement"]))
    handles = [Line2D([], [], color=ROB_STYLE[j][0], marker="o", linestyle="", markersize=9, label=f"{ROB_STYLE[j][1]}  {ROB_STYLE[j][2]}")
               for j in ROB_STYLE if j in present]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(3, len(handles)), frameon=False, title="Judgement",
               fontsize=TEXT_PT, title_fontsize=TEXT_PT)
    return fig


@styled
def prisma_flow(counts: dict[str, int], title: str) -> MplFigure:
    """The PRISMA 2020 flow diagram for new reviews (identification, screening, included), boxes drawn
    from the counts of the search log: each number is computed, none typed."""
    fig = new_figure(figsize=(WIDTH_IN, 6.4))
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)

    def box(x, y, w, h, text, fill="#f4f4f4"):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.05", facecolor=fill, edgecolor="#444444", linewidth=0.8))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=TEXT_PT, wrap=True)

    def arrow(x1, y1, x2, y2):
        ax.annotate("", (x2, y2), (x1, y1), arrowprops=dict(arrowstyle="-|>", color="#444444", linewidth=0.8))

    stages = [("Identification", 8.2), ("Screening", 4.6), ("Included", 0.9)]
    for name, y in stages:
        ax.text(0.15, y + 0.5, name, rotation=90, ha="center", va="center", fontsize=TEXT_PT, fontweight="bold")
    box(0.5, 8.2, 5.0, 1.4, f"Records identified by {counts['searches']:,} logged queries\n(n = {counts['identified']:,})")
    box(6.1, 8.2, 3.8, 1.4, f"Not relevant to LDN in people\n(not logged, n = {counts['identified'] - counts['relevant']:,})")
    box(0.5, 6.2, 5.0, 1.4, f"Relevant records logged\n(n = {counts['relevant']:,})")
    box(6.1, 6.2, 3.8, 1.4, f"Duplicates removed\n(n = {counts['duplicates']:,})")
    box(0.5, 4.2, 5.0, 1.4, f"Reports assessed for eligibility\n(n = {counts['assessed']:,})")
    box(6.1, 3.4, 3.8, 2.6, f"Excluded with a reason (n = {counts['excluded']:,})\nAwaiting classification (n = {counts['awaiting']:,})\n"
                            f"Registered, no results (n = {counts['ongoing']:,})")
    box(0.5, 0.6, 5.0, 1.8, f"Studies in the review\n(n = {counts['included']:,}, all designs;\nclinical studies n = {counts['clinical']:,})",
        fill="#dcecf7")
    arrow(3.0, 8.2, 3.0, 7.6)
    arrow(5.5, 8.9, 6.1, 8.9)
    arrow(3.0, 6.2, 3.0, 5.6)
    arrow(5.5, 6.9, 6.1, 6.9)
    arrow(5.5, 4.9, 6.1, 4.9)
    arrow(3.0, 4.2, 3.0, 2.4)
    ax.set_title(plot_text(title), loc="left", fontsize=TITLE_PT)
    return fig
