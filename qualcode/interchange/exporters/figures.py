"""Figures for papers: a co-occurrence heatmap, code frequencies, an agreement forest plot.

Drawn with matplotlib's object API (no pyplot, no display: works over SSH), in colour-blind-safe
colours (viridis for magnitudes, the Okabe–Ito palette for groups), sized for a journal column
(3.5 in) or page (7 in), with text kept as text in SVG and PDF so a reader — or a test — finds every
code's name in the file. The same data gives the same bytes: no dates or random ids in the files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qualcode.files import atomic_path

FIGURE_FORMATS = ("svg", "pdf", "png")
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
COLUMN, PAGE = 3.5, 7.0  # inches


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: searchable, editable, testable
            "svg.hashsalt": "qualcode",
            "pdf.fonttype": 42,
            "font.size": 7,
            "axes.titlesize": 8,
        }
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(fig: Any, path: Path, like: Path | None) -> Path:
    fmt = path.suffix.lstrip(".").lower()
    metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {"Software": None}}[fmt]
    with atomic_path(path, like) as tmp:
        fig.savefig(tmp, format=fmt, metadata=metadata, dpi=300)
    return path


def heatmap(
    values: np.ndarray,
    labels: Sequence[str],
    path: Path,
    *,
    title: str,
    measure: str,
    like: Path | None = None,
) -> Path:
    """A code × code matrix, the diagonal left blank (a code with itself says only how often it was
    applied, and would drown the pairs); cells annotated when there are few enough to read."""
    n = len(labels)
    size = min(PAGE, max(COLUMN, 2.2 + 0.2 * n))
    fig = _figure(size, size)
    ax = fig.add_subplot()
    shown = np.where(np.isfinite(values), values, np.nan).astype(float)
    np.fill_diagonal(shown, np.nan)
    image = ax.imshow(shown, cmap="viridis", aspect="equal")
    ax.set_xticks(range(n), labels=labels, rotation=90)
    ax.set_yticks(range(n), labels=labels)
    ax.set_title(title, loc="left")
    fig.colorbar(image, ax=ax, shrink=0.7, label=measure)
    if n <= 12:
        top = np.nanmax(shown) if np.isfinite(shown).any() else 0
        for i in range(n):
            for j in range(n):
                v = shown[i, j]
                if math.isfinite(v) and v != 0:
                    text = f"{v:.0f}" if float(v).is_integer() else f"{v:.2g}"
                    colour = "white" if v < top * 0.6 else "black"
                    ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=5)
    return _save(fig, path, like)


def bars(
    groups: Mapping[str, Sequence[float]],
    labels: Sequence[str],
    path: Path,
    *,
    title: str,
    xlabel: str,
    like: Path | None = None,
) -> Path:
    """Horizontal bars per code, one colour per group (coder or attribute value)."""
    n, k = len(labels), max(len(groups), 1)
    fig = _figure(PAGE if n > 12 or k > 2 else COLUMN, max(2.0, 0.6 + n * (0.12 + 0.06 * k)))
    ax = fig.add_subplot()
    height = 0.8 / k
    for g, (name, values) in enumerate(groups.items()):
        ys = [i + (g - (k - 1) / 2) * height for i in range(n)]
        ax.barh(ys, values, height=height, label=name, color=OKABE_ITO[g % len(OKABE_ITO)])
    ax.set_yticks(range(n), labels=labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    if len(groups) > 1:
        ax.legend(frameon=False)
    return _save(fig, path, like)


def forest(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    path: Path,
    *,
    title: str,
    xlabel: str,
    like: Path | None = None,
) -> Path:
    """One row per code: the estimate as a dot, its interval as a line; the pooled row as a square."""
    n = len(rows)
    fig = _figure(COLUMN if n <= 20 else PAGE, max(2.0, 0.6 + 0.18 * n))
    ax = fig.add_subplot()
    ax.axvline(0, color="#999999", linewidth=0.6)
    for i, (label, est, low, high) in enumerate(rows):
        pooled = label.startswith("(")
        if low is not None and high is not None:
            ax.hlines(i, low, high, color="#000000", linewidth=0.8)
        if est is not None:
            ax.plot([est], [i], marker="s" if pooled else "o", color=OKABE_ITO[5] if pooled else OKABE_ITO[4])
    ax.set_yticks(range(n), labels=[r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(-1, 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    return _save(fig, path, like)
