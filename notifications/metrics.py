"""What the dispatchers count for Prometheus (served by the web role's `GET /metrics`)."""

from prometheus_client import Counter

DELIVERIES = Counter(
    "vitrine_deliveries_total",
    "Outbox messages handed to a platform, by channel and result (sent, retry, failed)",
    ["channel", "result"],
)
RATE_LIMITED = Counter(
    "vitrine_rate_limited_total", "429 Too Many Requests answered by a platform", ["channel"]
)


def delivered(channel: str, error: object | None, permanent: bool = False) -> None:
    result = "sent" if error is None else ("failed" if permanent else "retry")
    DELIVERIES.labels(channel, result).inc()
