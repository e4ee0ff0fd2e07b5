"""The Transport protocol and its adapters (``inprocess`` for embedded mode and tests, ``kafka``)."""

from shared.messaging.transport.base import (
    Delivery,
    Message,
    PublishRejected,
    Subscription,
    Transport,
    TransportError,
)

__all__ = ["Delivery", "Message", "PublishRejected", "Subscription", "Transport", "TransportError", "make_transport"]


def make_transport(settings) -> Transport:
    """Build the transport the settings name."""
    if settings.transport == "kafka":
        from shared.messaging.transport.kafka import KafkaTransport

        return KafkaTransport.from_settings(settings)
    from shared.messaging.transport.inprocess import InProcessTransport

    return InProcessTransport(partitions=settings.kafka_partitions)
