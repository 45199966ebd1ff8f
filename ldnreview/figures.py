"""One style, one export helper, one function per figure kind.

Each figure is a :class:`matplotlib.figure.Figure` drawn inside ``matplotlib.rc_context(STYLE)``:
importing this module changes no backend and no global rcParams, so a researcher's own plots in
the same notebook behave as usual. :func:`save` exports SVG and PNG with pinned metadata
(byte-identical on every run) and returns an :class:`~ldnreview.output.Figure` that shows the
PNG in the book and embeds the SVG in Jupyter.
"""

from __future__ import annotations

import functools
import io
import textwrap

import matplotlib
from matplotlib import cm, colors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from . import grade, paths
from .output import Figure, plot_text

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
# The band that most LDN trials and dosing reviews use; the dosing chapter gives its sources.
USUAL_BAND_MG = (1.5, 4.5)
DOSE_AXIS_MG = (0.0001, 50.0)

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.family": "DejaVu Sans",  # ships with matplotlib, so text renders the same everywhere
    "font.size": 10,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "svg.hashsalt": "ldn-evidence-book",  # stable ids inside SVG files
    "svg.fonttype": "none",  # keep text as text: smaller and searchable
    "path.simplify": True,
}


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


def save(fig: MplFigure, name: str, caption, alt: str) -> Figure:
    """Write ``<figures>/<name>.svg`` and ``.png`` with metadata that never changes.

    The SVG is the full vector description of the figure, so when it comes out byte-identical to the
    file already on disk (and the PNG exists) the PNG is current too and is not rendered again:
    the PNG raster is the slowest step of executing a chapter.
    """
    out = paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    svg, png = out / f"{name}.svg", out / f"{name}.png"
    with matplotlib.rc_context(STYLE):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        content = buffer.getvalue()
        if not (svg.exists() and png.exists() and svg.read_bytes() == content):
            svg.write_bytes(content)
            fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches="tight")
    return Figure(name=name, caption=caption, alt=alt, svg=content)


def _direction_handles(directions) -> list:
    """Legend entries, in the fixed DIRECTION_STYLE order, for the directions present."""
    return [
        Line2D([], [], color=DIRECTION_STYLE[d][0], marker=DIRECTION_STYLE[d][1], linestyle="", label=DIRECTION_STYLE[d][2])
        for d in DIRECTION_STYLE
        if d in set(directions)
    ]


def _direction_legend(ax, directions, extra: tuple = ()) -> None:
    handles = _direction_handles(directions) + list(extra)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="Direction of result")


# Plain numbers on log axes (0.001, 1, 100), which readers parse faster than 10^-3.
PLAIN_LOG = FuncFormatter(lambda value, _: f"{value:g}")


def _label(row: pd.Series) -> str:
    author = row["first_author"] if isinstance(row["first_author"], str) else "[authors not verified]"
    return plot_text(f"{author} {row['year']}")


@styled
def evidence_strength(studies: pd.DataFrame, name: str, title: str) -> MplFigure | None:
    """Each clinical study placed by evidence level (rows) and size (log x), coloured and shaped by direction."""
    graded = grade.with_levels(studies)
    graded = graded[graded["level_rank"].isin(grade.CLINICAL_RANKS)]
    if graded.empty:
        return None
    graded = graded.sort_values(["level_rank", "size", "study_id"], kind="stable")
    levels = [lv for lv in grade.LEVELS if lv.rank in grade.CLINICAL_RANKS]
    fig = new_figure(figsize=(6.8, 0.8 + 0.7 * len(levels) + 0.02 * len(graded)))
    ax = fig.subplots()
    sizes = graded["size"].fillna(1).astype(float).clip(lower=1)
    annotate = len(graded) <= 14
    for rank, group in graded.groupby("level_rank", sort=True):
        offsets = np.linspace(-0.3, 0.3, len(group)) if len(group) > 1 else np.zeros(1)
        for index, (offset, (_, row)) in enumerate(zip(offsets, group.iterrows())):
            colour, marker, _ = DIRECTION_STYLE[row["direction"]]
            x = sizes.loc[row.name]
            y = int(rank) + offset
            hollow = pd.isna(row["size"])
            ax.scatter([x], [y], s=60, marker=marker, facecolor="white" if hollow else colour, edgecolor=colour, linewidth=1.2, zorder=3)
            if annotate:
                # Alternate sides so labels of neighbouring points do not overprint each other.
                right = index % 2 == 0
                ax.annotate(_label(row), (x, y), xytext=(6 if right else -6, 0), textcoords="offset points",
                            va="center", ha="left" if right else "right", fontsize=7.5)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(PLAIN_LOG)
    upper = max(10.0, float(sizes.max()) * 3)
    ax.set_xlim(0.25, upper)
    ax.set_yticks([lv.rank for lv in levels], [lv.label for lv in levels])
    ax.set_ylim(max(lv.rank for lv in levels) + 0.6, 0.4)
    ax.set_xlabel("Participants (log scale; hollow marker = size not reported, drawn at 1)")
    ax.set_title(plot_text(title), loc="left", fontsize=10)
    _direction_legend(ax, graded["direction"])
    return fig


@styled
def dose_ranges(studies: pd.DataFrame, title: str, label_with_condition: bool = False) -> MplFigure | None:
    """Each study's daily dose range on a log axis, against the usual LDN band.

    A study that reports only an upper bound (mg/kg dosing capped at a maximum) is drawn as a hollow marker at that bound.
    """
    dosed = studies[studies["dose_max_mg"].notna()]
    if dosed.empty:
        return None
    dosed = dosed.sort_values(["dose_max_mg", "dose_min_mg", "study_id"], kind="stable", na_position="first")
    fig = new_figure(figsize=(6.8, 1.4 + 0.26 * len(dosed)))
    ax = fig.subplots()
    ax.axvspan(*USUAL_BAND_MG, color=PALETTE["sky"], alpha=0.18, zorder=0)
    labels = []
    for y, (_, row) in enumerate(dosed.iterrows()):
        colour, marker, _ = DIRECTION_STYLE[row["direction"]]
        hi = float(row["dose_max_mg"])
        if pd.isna(row["dose_min_mg"]):
            ax.scatter([hi], [y], marker=marker, facecolor="white", edgecolor=colour, s=36, zorder=3)
        else:
            lo = float(row["dose_min_mg"])
            ax.plot([lo, hi], [y, y], color=colour, linewidth=3, solid_capstyle="round", zorder=2)
            ax.scatter([lo, hi] if lo != hi else [hi], [y, y] if lo != hi else [y], marker=marker, color=colour, s=30, zorder=3)
        label = _label(row)
        if label_with_condition:
            label += plot_text(f" ({row['condition']})")
        labels.append(label)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(PLAIN_LOG)
    ax.set_xlim(*DOSE_AXIS_MG)
    ax.set_yticks(range(len(dosed)), labels, fontsize=7.5)
    ax.set_ylim(len(dosed) - 0.5, -0.5)
    ax.set_xlabel("Naltrexone dose, mg per day (log scale keeps microgram doses visible; hollow = upper bound only)")
    ax.set_title(plot_text(title), loc="left", fontsize=10)
    band = Line2D([], [], color=PALETTE["sky"], alpha=0.4, linewidth=8, label="usual LDN band,\n1.5-4.5 mg/day")
    _direction_legend(ax, dosed["direction"], extra=(band,))
    return fig


RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio", "rate ratio")


def forest_groups(outcomes: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Results with an estimate and a 95% CI, grouped by effect measure; only measures with two or more results."""
    rows = outcomes[outcomes["effect"].notna() & outcomes["ci_low"].notna() & outcomes["ci_high"].notna()]
    return [(m, g.sort_values("outcome_id", kind="stable")) for m, g in rows.groupby("effect_measure", sort=True) if len(g) >= 2]


@styled
def forest(outcomes: pd.DataFrame, title: str) -> MplFigure | None:
    """Effect estimates with 95% confidence intervals: one panel per effect measure that has two or more
    results, so only like is drawn beside like; a line marks no effect (1 for ratios, 0 otherwise)."""
    groups = forest_groups(outcomes)
    if not groups:
        return None
    heights = [1.6 * len(g) + 1.2 for _, g in groups]
    fig = new_figure(figsize=(6.8, 1.2 + 0.3 * sum(heights)), layout="constrained")
    axes = fig.subplots(len(groups), 1, squeeze=False, gridspec_kw={"height_ratios": heights})
    for ax, (measure, group) in zip(axes[:, 0], groups):
        for y, (_, row) in enumerate(group.iterrows()):
            colour, marker, _ = DIRECTION_STYLE[row["direction"]]
            ax.plot([row["ci_low"], row["ci_high"]], [y, y], color=colour, linewidth=1.6)
            ax.scatter([row["effect"]], [y], marker=marker, color=colour, s=40, zorder=3)
        null = 1.0 if any(r in measure.lower() for r in RATIO_MEASURES) else 0.0
        ax.axvline(null, color=PALETTE["grey"], linewidth=1, linestyle="--", zorder=1)
        labels = [plot_text(textwrap.fill(f"{r.study_id}: {r.outcome}", 38)) for r in group.itertuples()]
        ax.set_yticks(range(len(group)), labels, fontsize=7.5)
        ax.set_ylim(len(group) - 0.5, -0.5)
        ax.set_title(plot_text(measure), loc="left", fontsize=9)
    axes[0, 0].set_title(plot_text(title) + "\n" + plot_text(groups[0][0]), loc="left", fontsize=9)
    axes[-1, 0].set_xlabel("Effect estimate with 95% confidence interval")
    handles = _direction_handles(pd.concat([g for _, g in groups])["direction"])
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    return fig


@styled
def evidence_map(studies: pd.DataFrame, conditions: pd.DataFrame, title: str) -> MplFigure:
    """Condition x evidence level; bubble area = participants, colour = share of studies reporting benefit.
    ``conditions`` are the rows to draw (the chapters), in any order."""
    graded = grade.primary_clinical(studies)
    names = conditions.set_index("condition")["display_name"]
    order = [c for c in conditions.sort_values("display_name", kind="stable")["condition"] if c in set(graded["condition"])]
    levels = [lv for lv in grade.LEVELS if lv.rank in grade.CLINICAL_RANKS]
    fig = new_figure(figsize=(6.8, 1.2 + 0.4 * len(order)))
    ax = fig.subplots()
    cmap = colors.LinearSegmentedColormap.from_list("ldn", [PALETTE["vermillion"], "#f2f2f2", PALETTE["blue"]])
    for y, condition in enumerate(order):
        sub = graded[graded["condition"] == condition]
        for rank, cell in sub.groupby("level_rank"):
            participants = float(cell["size"].fillna(1).sum())
            benefit = (cell["direction"] == "benefit").mean()
            ax.scatter([int(rank)], [y], s=20 + 6 * np.sqrt(participants) * 4, color=cmap(benefit), edgecolor="#444444", linewidth=0.6, zorder=3)
            ax.annotate(str(len(cell)), (int(rank), y), ha="center", va="center", fontsize=7, zorder=4)
    ax.set_xticks([lv.rank for lv in levels], [lv.label.replace(" ", "\n", 1) for lv in levels], fontsize=8)
    ax.set_yticks(range(len(order)), [plot_text(names[c]) for c in order], fontsize=8)
    ax.set_ylim(len(order) - 0.5, -0.7)
    ax.set_xlim(0.4, 5.6)
    ax.set_title(plot_text(title), loc="left", fontsize=10)
    sm = cm.ScalarMappable(cmap=cmap, norm=colors.Normalize(0, 1))
    bar = fig.colorbar(sm, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("share of studies reporting benefit")
    return fig


@styled
def verdicts(claims: pd.DataFrame, order: tuple[str, ...], title: str) -> MplFigure:
    """Claims per article section, stacked by verdict, with hatching so print and colour-blind readers can tell them apart."""
    colours = dict(zip(order, (PALETTE["blue"], PALETTE["sky"], PALETTE["purple"], PALETTE["vermillion"], PALETTE["grey"])))
    hatches = dict(zip(order, ("", "//", "xx", "\\\\", "..")))
    sections = list(dict.fromkeys(claims["section"]))
    counts = claims.groupby(["section", "verdict"]).size().unstack(fill_value=0).reindex(index=sections, columns=list(order), fill_value=0)
    fig = new_figure(figsize=(6.8, 0.9 + 0.32 * len(sections)))
    ax = fig.subplots()
    left = np.zeros(len(sections))
    for verdict in order:
        values = counts[verdict].to_numpy()
        ax.barh(range(len(sections)), values, left=left, color=colours[verdict], hatch=hatches[verdict], edgecolor="white", label=verdict.replace("_", " "))
        left += values
    ax.set_yticks(range(len(sections)), [s.replace("-", " ") for s in sections])
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_xlabel("Number of claims")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(plot_text(title), loc="left", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="Verdict")
    return fig
