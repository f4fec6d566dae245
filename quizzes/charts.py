"""Geometry for the server-rendered SVG bar charts (pure: no database, no templates).

`templates/charts/_bar_chart.html` draws what `bar_chart` returns, with a table of the same
figures underneath for readers who cannot see the chart. Used by the flashcard statistics (reviews
per day, the forecast) and the teachers' quiz results (the grade distribution).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str  # e.g. the day "Mar 6", or the band "40–50%"
    value: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool = False  # whether the axis prints this bar's label
    label_x: float = 0.0
    label_anchor: str = "start"  # SVG text-anchor of the axis label


def _axis_labels(count: int, label_all: bool) -> set[int]:
    if label_all:
        return set(range(count))
    if count == 0:
        return set()
    # Long series (30 days): the first, the middle and the last bar only.
    return {0, max(count // 2 - 1, 0), count - 1}


def bar_chart(
    points: list[tuple[str, int]],
    *,
    width=600,
    height=160,
    pad=24,
    label_all: bool = False,
    top: int | None = None,
    target: float | None = None,
) -> dict:
    """Bars scaled to the largest value (or to `top`), one per (label, value) point, left to right.

    `label_all` prints every bar's label under it (short series such as ten grade bands);
    otherwise only the first, middle and last are printed. `target` draws a horizontal line at
    that value (a goal, such as the retention a deck aims for).
    """
    top = top or max((value for _, value in points), default=0) or 1
    slot = (width - pad) / max(len(points), 1)
    labelled = _axis_labels(len(points), label_all)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = (height - pad) * value / top
        x = round(pad + index * slot + slot * 0.1, 2)
        bar_width = round(slot * 0.8, 2)
        if label_all:
            label_x, anchor = round(x + bar_width / 2, 2), "middle"
        elif index == len(points) - 1 and index > 0:
            label_x, anchor = float(width), "end"
        else:
            label_x, anchor = x, "start"
        bars.append(
            Bar(
                label=label,
                value=value,
                x=x,
                y=round(height - pad - bar_height, 2),
                width=bar_width,
                height=round(bar_height, 2),
                show_label=index in labelled,
                label_x=label_x,
                label_anchor=anchor,
            )
        )
    target_y = None
    if target is not None:
        target_y = round(height - pad - (height - pad) * min(target, top) / top, 2)
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "pad": pad,
        "top": top,
        "target_y": target_y,
    }
