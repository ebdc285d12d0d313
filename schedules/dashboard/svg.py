"""Charts as SVG drawn on the server: no JavaScript, no CDN, nothing fetched by the browser.

Each function returns Markup (an inline <svg>) built from numbers and escaped
text only, so an outlet or error name cannot inject markup. Presentation is
in attributes and classes (static/dashboard.css), never inline style, so the
page's Content-Security-Policy can forbid inline styles and scripts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
STATUS_COLOURS = {"ok": "#59a14f", "degraded": "#edc948", "running": "#4e79a7"}
BAD_COLOUR = "#e15759"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, BAD_COLOUR)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str], cls: str) -> Markup:
    return Markup(f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
                  f'<title>{escape(label)}</title>{"".join(body)}</svg>')


def nice_max(value: float) -> float:
    """The top of an axis: 1, 2 or 5 times a power of ten, at least value."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    while step > value:
        step /= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def sparkline(values: Sequence[int], *, width: int = 150, height: int = 28, label: str = "new articles per run"
              ) -> Markup:
    """One bar per run, oldest on the left; a run with nothing new is a thin mark on the baseline."""
    if not values:
        return _svg(width, height, f"{label}: no runs", [], "spark")
    top = max(max(values), 1)
    slot = width / max(len(values), 1)
    bar = max(slot - 1, 1)
    body = []
    for i, value in enumerate(values):
        h = max(value / top * (height - 2), 1 if value else 0.5)
        cls = "bar" if value else "bar zero"
        body.append(f'<rect class="{cls}" x="{_num(i * slot)}" y="{_num(height - h)}" width="{_num(bar)}" '
                    f'height="{_num(h)}"><title>run {i + 1}: {int(value)} new</title></rect>')
    return _svg(width, height, f"{label}: {', '.join(str(int(v)) for v in values)}", body, "spark")


def stacked_bars(labels: Sequence[str], series: Mapping[str, Sequence[int]], *, width: int = 760,
                 height: int = 260, label: str = "articles stored per day") -> Markup:
    """Days along x, one colour per series stacked; a legend under the plot."""
    names = list(series)
    legend_rows = (len(names) + 3) // 4
    left, right, top, bottom = 44, 8, 8, 40 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(series[n][i] for n in names) for i in range(len(labels))]
    ymax = nice_max(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    body = _axis(left, top, plot_w, plot_h, ymax)
    for i, day in enumerate(labels):
        y = top + plot_h
        for s, name in enumerate(names):
            value = series[name][i]
            if not value:
                continue
            h = value / ymax * plot_h
            y -= h
            body.append(f'<rect x="{_num(left + i * slot + 1)}" y="{_num(y)}" width="{_num(max(slot - 2, 1))}" '
                        f'height="{_num(h)}" fill="{colour(s)}"><title>{escape(day)} {escape(name)}: {value}'
                        f'</title></rect>')
        if len(labels) <= 16 or i % max(len(labels) // 8, 1) == 0:
            body.append(f'<text class="tick" x="{_num(left + i * slot + slot / 2)}" y="{top + plot_h + 14}" '
                        f'text-anchor="middle">{escape(day[5:])}</text>')
    body.extend(_legend(names, left, top + plot_h + 32, plot_w))
    return _svg(width, height, label, body, "chart")


def duration_bars(runs: Sequence[Mapping], *, width: int = 760, height: int = 220,
                  label: str = "run durations") -> Markup:
    """One bar per run, oldest on the left, coloured by status; each links to its run page."""
    left, right, top, bottom = 44, 8, 8, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    ymax = nice_max(max((float(r["duration_s"]) for r in runs), default=0))
    slot = plot_w / max(len(runs), 1)
    body = _axis(left, top, plot_w, plot_h, ymax, unit="s")
    for i, run in enumerate(runs):
        h = max(float(run["duration_s"]) / ymax * plot_h, 0.5)
        started = run.get("started_at")
        when = started.strftime("%Y-%m-%d %H:%M") if started else "?"
        body.append(f'<a href="/runs/{escape(run["id"])}"><rect x="{_num(left + i * slot)}" '
                    f'y="{_num(top + plot_h - h)}" width="{_num(max(slot - 1, 0.8))}" height="{_num(h)}" '
                    f'fill="{status_colour(run["status"])}"><title>{escape(run["outlet"])} {when}: '
                    f'{float(run["duration_s"]):.1f}s {escape(run["status"])}</title></rect></a>')
    return _svg(width, height, label, body, "chart")


def hbars(items: Sequence[tuple[str, int]], *, width: int = 760, label: str = "errors by kind") -> Markup:
    """Horizontal bars, largest first, each labelled with its name and count."""
    row, left, right = 20, 200, 60
    height = max(row * len(items) + 8, 28)
    top = max((v for _, v in items), default=0) or 1
    body = []
    if not items:
        body.append('<text class="empty" x="8" y="18">none</text>')
    for i, (name, value) in enumerate(items):
        y = 4 + i * row
        w = value / top * (width - left - right)
        body.append(f'<text class="tick" x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(name)}</text>'
                    f'<rect x="{left}" y="{y + 2}" width="{_num(max(w, 1))}" height="{row - 6}" '
                    f'fill="{BAD_COLOUR}"><title>{escape(name)}: {value}</title></rect>'
                    f'<text class="tick" x="{_num(left + w + 4)}" y="{y + 13}">{value}</text>')
    return _svg(width, height, label, body, "chart")


def _axis(left: int, top: int, plot_w: float, plot_h: float, ymax: float, unit: str = "") -> list[str]:
    out = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{_num(left + plot_w)}" y2="{top + plot_h}"/>']
    for frac in (0.5, 1.0):
        y = top + plot_h - frac * plot_h
        out.append(f'<line class="grid" x1="{left}" y1="{_num(y)}" x2="{_num(left + plot_w)}" y2="{_num(y)}"/>'
                   f'<text class="tick" x="{left - 4}" y="{_num(y + 4)}" text-anchor="end">'
                   f'{_num(ymax * frac)}{unit}</text>')
    out.append(f'<text class="tick" x="{left - 4}" y="{_num(top + plot_h + 4)}" text-anchor="end">0</text>')
    return out


def _legend(names: Sequence[str], x0: float, y0: float, width: float) -> list[str]:
    out = []
    col = width / 4
    for i, name in enumerate(names):
        x, y = x0 + (i % 4) * col, y0 + (i // 4) * 18
        out.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" fill="{colour(i)}"/>'
                   f'<text class="tick" x="{_num(x + 14)}" y="{_num(y)}">{escape(name)}</text>')
    return out
