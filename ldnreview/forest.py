"""Forest plot of one pooled comparison: one measure per axis, favours labels, pooled diamond.

:func:`forest_plot` returns a :class:`matplotlib.figure.Figure` built without pyplot's global figure state and
drawn inside ``matplotlib.rc_context``, so calling it changes nothing for other figures; saving is the caller's job.

Systematic reviews' own pooled estimates are never drawn beside the trials they contain: when given, they go in
a separate panel below, one panel per measure, each with its own axis label.
"""

from __future__ import annotations

import math

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import NullFormatter

from .synthesis import Pooled, ReviewEstimate

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), as in the book's figures.
BLUE = "#0072B2"
BLACK = "#000000"
GREY = "#999999"
ORANGE = "#E69F00"

STYLE = {
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
    "axes.grid": False,
    "svg.hashsalt": "ldnreview",
}
def _fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _favours(ax, left: str, right: str) -> None:
    ax.xaxis.labelpad = 15  # room for the favours labels between the tick labels and the axis label
    ax.annotate(f"← {left}", xy=(0, 0), xycoords="axes fraction", xytext=(0, -17), textcoords="offset points",
                ha="left", va="top", fontsize=9.5)
    ax.annotate(f"{right} →", xy=(1, 0), xycoords="axes fraction", xytext=(0, -17), textcoords="offset points",
                ha="right", va="top", fontsize=9.5)


def _values_on_right(ax, ticks, labels) -> None:
    """Each row's estimate and interval as text in a column on the right of the plot."""
    sec = ax.secondary_yaxis("right")
    sec.set_yticks(ticks, labels)
    sec.tick_params(axis="y", length=0, labelsize=9.5)
    sec.spines["right"].set_visible(False)


MEASURE_LABELS = {"SMD": "Standardised mean difference (Hedges' g)", "RR": "Risk ratio (log scale)"}


def forest_plot(pooled: Pooled, *, outcome: str, labels: dict[str, str] | None = None,
                comparator: str = "placebo", threshold: float | tuple[float, float] | None = None,
                reviews: list[ReviewEstimate] | tuple = (), measure: str | None = None,
                title: str | None = None) -> Figure:
    """Forest plot of the studies in ``pooled`` and their random-effects diamond.

    Effects are SMDs oriented so that negative favours LDN, or risk ratios (drawn on a log axis, below 1 favours
    LDN); see :mod:`ldnreview.synthesis`. ``threshold`` draws the smallest important effects, as one SMD (drawn
    either side of no effect) or as a (low, high) pair on the scale shown, e.g. (0.75, 1.25) for a risk ratio.
    ``reviews`` are shown in their own panel(s), one per measure, below the trials and never on the trials' axis.
    """
    labels = labels or {}
    measure = measure or MEASURE_LABELS.get(pooled.measure, pooled.measure)
    g = pooled.shown
    ratio = pooled.measure == "RR"
    null = 1.0 if ratio else 0.0
    if threshold is not None and not isinstance(threshold, tuple):
        threshold = (-float(threshold), float(threshold))
    effects = list(pooled.effects)
    by_measure: dict[str, list[ReviewEstimate]] = {}
    for r in reviews:
        by_measure.setdefault(r.measure, []).append(r)
    n_rows = len(effects) + (2 if pooled.k >= 2 else 0)
    heights = [max(n_rows, 2) + 1.5] + [len(v) + 1.5 for v in by_measure.values()]
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(6.8, 0.42 * sum(heights) + 1.4), layout="constrained")  # the width the book shows, so text stays >= 9 pt
        axes = fig.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
        ax = axes[0]
        weights = _weights(pooled)
        y = len(effects) + (1.5 if pooled.k >= 2 else 0)
        ticks, names, right = [], [], []
        for e in effects:
            low, high = (g(x) for x in e.ci)
            est = g(e.estimate)
            ax.plot([low, high], [y, y], color=BLACK, lw=1.2, solid_capstyle="butt")
            size = 4 + 10 * (weights.get(e.study_id, 0) ** 0.5)
            ax.plot([est], [y], marker="s", ms=size, color=BLUE, mec=BLUE, ls="none")
            ticks.append(y)
            names.append(labels.get(e.study_id, e.study_id))
            w = f"  {100 * weights[e.study_id]:.0f}%" if pooled.k >= 2 else ""
            right.append(f"{_fmt(est)} [{_fmt(low)}, {_fmt(high)}]{w}")
            y -= 1
        if pooled.k >= 2:
            y -= 0.5
            p_low, p_est, p_high = g(pooled.ci_low), g(pooled.estimate), g(pooled.ci_high)
            diamond = Polygon([(p_low, y), (p_est, y + 0.3), (p_high, y), (p_est, y - 0.3)], closed=True,
                              facecolor=BLACK, edgecolor=BLACK)
            ax.add_patch(diamond)
            if pooled.pi_low is not None:
                ax.plot([g(pooled.pi_low), g(pooled.pi_high)], [y - 0.55, y - 0.55], color=GREY, lw=2.0)
            ticks.append(y)
            i2 = f", I² = {100 * (pooled.i2 or 0):.0f}%" if pooled.i2 is not None else ""
            names.append(f"Pooled ({pooled.method.split(' (')[0]}{i2})")
            pi = (f"\nprediction interval {_fmt(g(pooled.pi_low))} to {_fmt(g(pooled.pi_high))}"
                  if pooled.pi_low is not None else "")
            right.append(f"{_fmt(p_est)} [{_fmt(p_low)}, {_fmt(p_high)}]{pi}")
        ax.axvline(null, color=BLACK, lw=0.8)
        if threshold:
            for x in threshold:
                ax.axvline(x, color=GREY, lw=0.8, ls="--")
        ax.set_yticks(ticks, names)
        ax.tick_params(axis="y", length=0)
        lows = [e.ci[0] for e in effects] + [pooled.ci_low] + ([pooled.pi_low] if pooled.pi_low is not None else [])
        highs = [e.ci[1] for e in effects] + [pooled.ci_high] + ([pooled.pi_high] if pooled.pi_high is not None else [])
        if ratio:  # symmetric about 1 on the log axis
            span = max(abs(min(lows)), abs(max(highs)), 0.5) * 1.1
            ax.set_xscale("log")
            ax.set_xlim(math.exp(-span), math.exp(span))
            marks = [x for x in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if math.exp(-span) <= x <= math.exp(span)]
            ax.set_xticks(marks, [f"{x:g}" for x in marks])
            ax.xaxis.set_minor_formatter(NullFormatter())
        else:
            bound = max(abs(x) for x in threshold) if threshold else 0.0
            span = max(abs(min(lows)), abs(max(highs)), bound * 1.5, 0.5) * 1.1
            ax.set_xlim(-span, span)
        ax.set_ylim(min(ticks) - 1.0, max(ticks) + 0.8)
        _values_on_right(ax, ticks, right)
        ax.set_xlabel(f"{measure}: {outcome}")
        _favours(ax, "favours LDN", f"favours {comparator}")
        ax.set_title(title or f"LDN vs {comparator}: {outcome}", loc="left", fontsize=10.5)
        for rax, (rmeasure, items) in zip(axes[1:], by_measure.items()):
            _review_panel(rax, rmeasure, items, comparator)
    return fig


def _weights(pooled: Pooled) -> dict[str, float]:
    tau2 = pooled.tau2 or 0.0
    raw = {e.study_id: 1.0 / (e.se**2 + tau2) for e in pooled.effects}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def _review_panel(ax, measure: str, items: list[ReviewEstimate], comparator: str) -> None:
    ticks, names, right = [], [], []
    for i, r in enumerate(items):
        y = len(items) - i
        ax.plot([r.ci_low, r.ci_high], [y, y], color=ORANGE, lw=1.2)
        ax.plot([r.estimate], [y], marker="D", ms=6, color=ORANGE, ls="none")
        ticks.append(y)
        names.append(r.label)
        right.append(f"{_fmt(r.estimate)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]")
    ax.axvline(0, color=BLACK, lw=0.8)
    ax.set_yticks(ticks, names)
    ax.tick_params(axis="y", length=0)
    span = max(max(abs(r.ci_low), abs(r.ci_high)) for r in items) * 1.2
    ax.set_xlim(-span, span)
    ax.set_ylim(0.3, len(items) + 0.7)
    _values_on_right(ax, ticks, right)
    ax.set_xlabel(f"{measure}: a review's own pooled estimate, shown apart and not pooled with the trials")
    _favours(ax, "favours LDN", f"favours {comparator}")
