"""The public event contract: topics and the data model of every integration event, versioned.

These models are what the wire carries (contract.md, "Events"). Producers build them; consumers
validate incoming ``data`` against them. A breaking change is a new type with a new version.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

TOPIC_REGISTRY = "safety.registry.v1"
TOPIC_GRID = "safety.grid.v1"
TOPIC_HAZARD = "safety.hazard.v1"
TOPIC_INCENTIVES = "safety.incentives.v1"
ALL_TOPICS = (TOPIC_REGISTRY, TOPIC_GRID, TOPIC_HAZARD, TOPIC_INCENTIVES)


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of ``topic``."""
    return f"{topic}.dlq"


class EventData(BaseModel):
    """Base of every event's ``data``: its type and topic are class attributes."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_type: ClassVar[str] = ""
    topic: ClassVar[str] = ""

    def subject(self) -> str | None:
        """The CloudEvents subject and Kafka key: the enterprise's credit code where there is one."""
        return getattr(self, "uscc", None)


EVENT_TYPES: dict[str, type[EventData]] = {}


def event(cls: type[EventData]) -> type[EventData]:
    """Class decorator: register an event data model under its type."""
    if not cls.event_type or not cls.topic:
        raise TypeError(f"{cls.__name__} must set event_type and topic")
    if cls.event_type in EVENT_TYPES and EVENT_TYPES[cls.event_type] is not cls:
        raise TypeError(f"event type {cls.event_type} registered twice")
    EVENT_TYPES[cls.event_type] = cls
    return cls


def model_for(event_type: str) -> type[EventData] | None:
    return EVENT_TYPES.get(event_type)


def catalogue() -> list[dict[str, Any]]:
    """Every registered event type with its topic and JSON schema (for docs and tests)."""
    from shared.contracts import grid, hazard, incentives, registry  # noqa: F401  (registration)

    return [{"type": t, "topic": m.topic, "schema": m.model_json_schema()} for t, m in sorted(EVENT_TYPES.items())]
