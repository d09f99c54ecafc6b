"""Charts drawn on the server as SVG: no script, no inline style (the CSP forbids both), readable by screen readers.

Each chart has ``role="img"`` with a ``<title>`` and a ``<desc>`` that say what it shows; the page shows the title
above it and puts the same figures in a table beside it. A series keeps its look wherever it appears: its ``key``
(a category such as ``rent``, or ``leefgeld``) picks its colour and, so that no one needs to tell colours apart,
its hatching (bars) or its dash and marker shape (lines), shown the same in the legend.
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
HATCHES = ("", "M0,8 L8,0", "M0,4 L8,4", "M4,0 L4,8", "M0,0 L8,8", "M0,8 L8,0 M0,0 L8,8", "M0,4 L8,4 M4,0 L4,8")
"""The hatching drawn in white over a bar's colour (8 × 8 tiles): solid, diagonal, horizontal, vertical, ..."""
DASHES = ("", "6 3", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "diamond", "triangle")
STABLE_KEYS = ("rent", "health_insurance", "energy", "water", "municipal_taxes", "contents_insurance",
               "liability_insurance", "loan_repayment", "other", "leefgeld")
"""The keys with a look of their own, the same in every chart and every range (the fixed-cost categories and
leefgeld, in :class:`~budgetbeheer.domain.categories.Category` order)."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    key: str | None = None
    """What the series is (a category, ``leefgeld``): the same key gets the same look in every chart."""


@dataclass(frozen=True)
class Look:
    colour: str
    hatch: str
    dash: str
    marker: str


def look(series: Series, index: int) -> Look:
    """A series' look: by its key when it has a stable one, otherwise by its place in the chart."""
    number = STABLE_KEYS.index(series.key) if series.key in STABLE_KEYS else index
    return Look(PALETTE[number % len(PALETTE)], HATCHES[number % len(HATCHES)], DASHES[number % len(DASHES)],
                MARKERS[number % len(MARKERS)])


def _pattern_id(chart_id: str, index: int) -> str:
    return f"{chart_id}-fill-{index}"


def _patterns(chart_id: str, series: Sequence[Series]) -> list[str]:
    body = ["<defs>"]
    for index, item in enumerate(series):
        style = look(item, index)
        body.append(f'<pattern id="{_pattern_id(chart_id, index)}" patternUnits="userSpaceOnUse" width="8" height="8">'
                    f'<rect width="8" height="8" fill="{style.colour}"/>'
                    + (f'<path d="{style.hatch}" stroke="#ffffff" stroke-width="1.5"/>' if style.hatch else "")
                    + "</pattern>")
    body.append("</defs>")
    return body


def _marker(shape: str, x: float, y: float, colour: str, tip: str = "") -> str:
    title = f"<title>{tip}</title>" if tip else ""
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{title}</rect>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{title}</circle>'


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


def _legend(chart_id: str, series: Sequence[Series], *, lines: bool) -> list[str]:
    """One key per series: the same hatching (bars) or dash and marker (lines) as in the chart, and its name, so
    the legend does not rely on colour alone."""
    body = []
    x = LEFT
    for index, item in enumerate(series):
        style = look(item, index)
        y = HEIGHT - 19
        if lines:
            dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
            body.append(f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{style.colour}" stroke-width="2"'
                        f"{dash}/>")
            body.append(_marker(style.marker, x + 11, y, style.colour))
            width = 26
        else:
            body.append(f'<rect x="{x}" y="{y - 6}" width="14" height="12" fill="url(#{_pattern_id(chart_id, index)})" '
                        f'stroke="{style.colour}"/>')
            width = 18
        body.append(f'<text x="{x + width}" y="{y + 4}" font-size="11">{escape(item.name)}</text>')
        x += width + 12 + 7 * len(item.name)
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
    body = _patterns(chart_id, series) + _axes(labels, top, fmt)
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
                f'fill="url(#{_pattern_id(chart_id, number)})" stroke="{look(item, number).colour}" stroke-width="0.5">'
                f"<title>{escape(label)}, {escape(item.name)}: "
                f"{escape(fmt(value))}</title></rect>"
            )
            if stacked:
                base = y
    return _frame(chart_id, title, desc, body + _legend(chart_id, series, lines=False))


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *,
               fmt: Callable[[int], str] = str) -> Markup:
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    body = _axes(labels, top, fmt)
    for number, item in enumerate(series):
        style = look(item, number)
        points = [
            (LEFT + slot * (index + 0.5), HEIGHT - BOTTOM - plot_height * value / top)
            for index, value in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        body.append(f'<polyline points="{path}" fill="none" stroke="{style.colour}" stroke-width="2"{dash}/>')
        for (x, y), label, value in zip(points, labels, item.values, strict=True):
            body.append(_marker(style.marker, x, y, style.colour,
                                f"{escape(label)}, {escape(item.name)}: {escape(fmt(value))}"))
    return _frame(chart_id, title, desc, body + _legend(chart_id, series, lines=True))
