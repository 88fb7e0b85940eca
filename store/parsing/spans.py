"""Arithmetic on a day's opening spans (minutes after midnight): breaks, half days, overlaps."""

from store.parsing.hours_words import Span


def minus(spans: list[Span], holes: list[Span]) -> list[Span]:
    for hole_start, hole_end in holes:
        pieces: list[Span] = []
        for start, end in spans:
            if hole_end <= start or end <= hole_start:
                pieces.append((start, end))
                continue
            pieces += [p for p in ((start, hole_start), (hole_end, end)) if p[0] < p[1]]
        spans = pieces
    return spans


HALVES = {  # which spans belong to a half day, by their start and end
    "morning": lambda a, b: a < 12 * 60 and b <= 14 * 60,
    "afternoon": lambda a, b: a >= 12 * 60,
    "evening": lambda a, b: a >= 17 * 60,
    "lunch": lambda a, b: 11 * 60 <= a < 15 * 60 and b <= 15 * 60 + 30,
}


def half_of(spans: list[Span], half: str) -> list[Span]:
    return [(a, b) for a, b in spans if HALVES[half](a, b)]


def half_closed(spans: list[Span], half: str) -> list[Span]:
    """Spans left when a half day is closed ("sauf mercredi après-midi", "dimanche soir")."""
    noon, afternoon = 12 * 60, 14 * 60
    kept: list[Span] = []
    for start, end in spans:
        if half == "afternoon" and start < noon:
            kept.append((start, end if end <= afternoon else noon))
        elif half == "morning" and end > afternoon:
            kept.append((max(start, afternoon) if start < noon else start, end))
        elif half in ("evening", "lunch") and not HALVES[half](start, end):
            kept.append((start, end))
    return kept


def union(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def clock(minutes: int) -> str:
    minutes = min(minutes, 23 * 60 + 59)  # "minuit" closes at 23:59: a day has no 24:00
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
