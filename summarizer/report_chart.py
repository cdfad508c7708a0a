"""Acceptance against seconds per draft as SVG geometry: one point per profile, the Pareto front joined.

Only numbers are computed here; the template draws them and escapes the profile names, so the
chart needs no script, no CDN and no `mark_safe`.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.report import ProfileRow

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 28, 44


@dataclass
class Point:
    row: ProfileRow
    x: float
    y: float


@dataclass
class Chart:
    width: int
    height: int
    points: list[Point]
    front: str  # "x,y x,y ..." for an SVG polyline through the Pareto front, fastest first
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    plot_left: int = LEFT
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP


def _nice_max(value: float) -> float:
    """The axis end: the next of 1, 2, 5 x 10^n above the slowest profile."""
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10 if value >= 1 else 0.1
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10


def scatter(rows: list[ProfileRow]) -> Chart:
    plotted = [r for r in rows if r.median_seconds is not None and r.offered > 0]
    x_max = _nice_max(max((r.median_seconds or 0 for r in plotted), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(seconds: float) -> float:
        return round(LEFT + plot_w * seconds / x_max, 1)

    def y_of(share: float) -> float:
        return round(TOP + plot_h * (1 - share), 1)

    points = [Point(r, x_of(r.median_seconds or 0), y_of(r.acceptance)) for r in plotted]
    front = sorted((p for p in points if p.row.pareto), key=lambda p: (p.x, -p.y))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        front=" ".join(f"{p.x},{p.y}" for p in front),
        x_ticks=[(x_of(x_max * i / 4), f"{x_max * i / 4:g} s") for i in range(5)],
        y_ticks=[(y_of(i / 4), f"{i * 25}%") for i in range(5)],
    )
