"""Prometheus metrics of the platform, labelled by service (one registry per process)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter("anjian_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "anjian_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_PUBLISHED = Counter("anjian_outbox_published_total", "Outbox rows published", ["service"])
OUTBOX_DEAD = Counter("anjian_outbox_dead_total", "Outbox rows set aside as unpublishable", ["service"])
OUTBOX_BACKLOG = Gauge("anjian_outbox_backlog", "Outbox rows waiting to be published", ["service"])
CONSUMED = Counter("anjian_events_consumed_total", "Events handled by consumers", ["service", "consumer", "outcome"])
JOB_RUNS = Counter("anjian_job_runs_total", "Scheduled job runs", ["service", "job", "outcome"])


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
