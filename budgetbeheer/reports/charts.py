"""Charts drawn on the server as SVG: no script, no inline style (the CSP forbids both), readable by screen readers.

Each chart has ``role="img"`` with a ``<title>`` and a ``<desc>`` that say what it shows; the page puts the same
figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 720
HEIGHT = 300
LEFT = 90
RIGHT = 20
TOP = 20
BOTTOM = 60
PALETTE = ("#00539b", "#e17000", "#1b6e20", "#b00020", "#6a3d9a", "#8c564b", "#00838f", "#5b5b5b", "#c2185b",
           "#827717")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> Markup:
    # Safe: every text placed in the SVG went through html.escape above; numbers are formatted by this module.
    return Markup(  # noqa: S704 (every text escaped above)  # nosec B704

        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axes(labels: Sequence[str], top: int, fmt: Callable[[int], str]) -> list[str]:
    plot_height = HEIGHT - TOP - BOTTOM
    body = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#1d1d1b"/>',
            f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#1d1d1b"/>']
    steps = next((n for n in (4, 5, 2) if top % n == 0), 1)  # every tick a whole number (counts: 0, 10, 20 ...)
    for step in range(steps + 1):
        value = top * step // steps
        y = HEIGHT - BOTTOM - plot_height * step / steps
        body.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        body.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(fmt(value))}</text>')
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for index, label in enumerate(labels):
        x = LEFT + slot * (index + 0.5)
        body.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">'
                    f"{escape(label)}</text>")
    return body


def _legend(series: Sequence[Series]) -> list[str]:
    body = []
    x = LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="{x}" y="{HEIGHT - 24}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{x + 14}" y="{HEIGHT - 15}" font-size="11">{escape(item.name)}</text>')
        x += 22 + 7 * len(item.name)
    return body


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *,
              stacked: bool, fmt: Callable[[int], str] = str) -> Markup:
    """Bars per label: stacked (one bar made of the series) or grouped (a bar per series side by side)."""
    if stacked:
        peak = max((sum(s.values[i] for s in series) for i in range(len(labels))), default=0)
    else:
        peak = max((v for s in series for v in s.values), default=0)
    top = _nice_max(peak)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    body = _axes(labels, top, fmt)
    for index, label in enumerate(labels):
        base: float = HEIGHT - BOTTOM
        width = slot * 0.6 if stacked else slot * 0.8 / max(1, len(series))
        for number, item in enumerate(series):
            value = item.values[index]
            if value <= 0:
                continue
            height = plot_height * value / top
            x = LEFT + slot * index + slot * 0.2 + (0 if stacked else number * width)
            y = base - height
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"><title>{escape(label)}, {escape(item.name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
            if stacked:
                base = y
    return _frame(chart_id, title, desc, body + _legend(series))


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *,
               fmt: Callable[[int], str] = str) -> Markup:
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    body = _axes(labels, top, fmt)
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (LEFT + slot * (index + 0.5), HEIGHT - BOTTOM - plot_height * value / top)
            for index, value in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, item.values, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(label)}, '
                        f"{escape(item.name)}: {escape(fmt(value))}</title></circle>")
    return _frame(chart_id, title, desc, body + _legend(series))
