"""A small inline SVG line chart of an indicator's readings over time (no chart library)."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 360, 180, 24


@dataclass
class Point:
    x: float
    y: float
    reading: object


def chart(indicator) -> dict | None:
    """Coordinates for the readings in the indicator's own unit, plus the target line; None if < 1 reading."""
    readings = [r for r in indicator.ledger() if r.unit == indicator.unit]
    if not readings:
        return None
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
    }
