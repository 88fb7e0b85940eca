"""A bar chart of orders per day, drawn on the server as SVG (no JavaScript)."""

from datetime import date
from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 36, 28, 12


def _ticks(top: int) -> list[int]:
    """Up to five round values from 0 to at least `top`."""
    step = 1
    while top / step > 4:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return list(range(0, top + step, step))


def orders_chart(per_day: list[tuple[date, int]], title: str, label: str) -> str:
    """The SVG: one bar a day with its count in a tooltip; `label` formats "{day}: {count}"."""
    top = max((n for _, n in per_day), default=0)
    ticks = _ticks(max(top, 1))
    scale = (HEIGHT - BOTTOM - TOP) / ticks[-1]
    slot = (WIDTH - LEFT) / max(len(per_day), 1)
    bar = min(max(slot * 0.7, 1.0), 48.0)  # one day alone stays a bar, not a wall
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for tick in ticks:
        y = HEIGHT - BOTTOM - tick * scale
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    every = max(1, len(per_day) // 10)  # a date under every few bars, so they stay legible
    for index, (day, count) in enumerate(per_day):
        x = LEFT + index * slot + (slot - bar) / 2
        height = count * scale
        y = HEIGHT - BOTTOM - height
        text = escape(label.format(day=day.strftime("%d/%m"), count=count))
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'data-day="{day.isoformat()}" data-count="{count}"><title>{text}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{day.strftime('%d/%m')}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
