"""Small inline SVG charts (no chart library): an indicator's readings over time, and the sectors' status bars."""

from dataclasses import dataclass

from .models import Promise

WIDTH, HEIGHT, PAD = 360, 180, 24
CHART_POINTS = 100  # the latest figures; an indicator with more keeps every one in its ledger and its CSV


@dataclass
class Point:
    x: float
    y: float
    reading: object


def chart(indicator) -> dict | None:
    """Coordinates for the readings in the indicator's own unit, plus the target line; None if < 1 reading."""
    readings = [r for r in indicator.standing() if r.unit == indicator.unit]
    if not readings:
        return None
    every = len(readings)
    readings = readings[-CHART_POINTS:]
    values = [r.value for r in readings] + ([indicator.target_value] if indicator.target_value else [])
    top = max(values) or 1
    first, last = readings[0].as_of, readings[-1].as_of
    span = (last - first).days or 1

    def x(day) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * ((day - first).days / span if last != first else 0.5), 1)

    def y(value) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * float(value / top), 1)

    points = [Point(x(r.as_of), y(r.value), r) for r in readings]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": points,
        "target_y": y(indicator.target_value) if indicator.target_value else None,
        "left": PAD,
        "right": WIDTH - PAD,
        "bottom": HEIGHT - PAD,
        "top": top,
        "first": first,
        "last": last,
        "left_out": every - len(readings),
    }


@dataclass
class BarPart:
    """One status's stretch of a stacked bar: `count` promises, starting `offset` promises from the left."""

    status: Promise.Status
    count: int
    offset: int


def sector_bars(sectors: list[dict]) -> list[dict]:
    """Each sector of `sector_status_counts()` with `parts`: its statuses that have promises, as bar stretches.

    The parts follow the order of the scale, so the bars of all sectors line up.
    """
    bars = []
    for sector in sectors:
        offset, parts = 0, []
        for status in Promise.Status:
            if count := sector["statuses"][status]:
                parts.append(BarPart(status, count, offset))
                offset += count
        bars.append({**sector, "parts": parts})
    return bars
