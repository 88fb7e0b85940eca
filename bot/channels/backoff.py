"""The pause between tries of a platform call, the same for every channel."""

MAX_DELAY = 30.0  # seconds: no pause between two tries of one call is longer


def backoff_delay(attempt: int, base: float) -> float:
    """Seconds to wait after failed try number `attempt` (0 for the first): `base`, doubling
    each time, capped at MAX_DELAY."""
    return min(base * 2**attempt, MAX_DELAY)
