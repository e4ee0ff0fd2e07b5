"""Webhooks to partners: Standard Webhooks signing, the retry policy and the private-address guard.

Signing follows https://www.standardwebhooks.com so partners can verify with its published
libraries: `webhook-signature: v1,<base64 HMAC-SHA256>` keyed with the base64-decoded secret over
"{webhook-id}.{webhook-timestamp}.{body}".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NoReturn
from urllib.parse import urlsplit

from shared.errors import Invalid, Unauthorized, field_error

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


# --- signing ---------------------------------------------------------------------------------


def generate_secret() -> str:
    """A new signing secret: "whsec_" + base64 of 32 random bytes (shown to the partner once)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def decode_secret(secret: str) -> bytes:
    """The HMAC key inside a secret, with or without its "whsec_" prefix."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise Invalid("the webhook secret is not valid base64", code="invalid_webhook_secret")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """The `webhook-signature` value for one message: "v1,<base64 HMAC-SHA256>"."""
    payload = body.encode("utf-8") if isinstance(body, str) else body
    signed = f"{msg_id}.{timestamp}.".encode() + payload
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signed_headers(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes | str,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Accept a delivery whose timestamp is within tolerance and one of whose v1 signatures matches."""
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature")
    if not msg_id or not signatures or not (raw_timestamp.isascii() and raw_timestamp.isdigit()):
        raise Unauthorized("missing or malformed webhook headers", code="invalid_signature")
    timestamp = int(raw_timestamp)
    # Both directions: an old message may be a replay, a future one a forged clock.
    if abs(now - timestamp) > tolerance:
        raise Unauthorized("the webhook timestamp is outside the tolerance", code="timestamp_out_of_tolerance")

    expected = signature(secret, msg_id, timestamp, body).split(",", 1)[1].encode("ascii")
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        # Other versions (e.g. v1a, asymmetric) are skipped, as the specification asks.
        if version == SIGNATURE_VERSION and hmac.compare_digest(expected, value.encode("utf-8")):
            return
    raise Unauthorized("no webhook signature matches", code="invalid_signature")


# --- retries ---------------------------------------------------------------------------------

# Standard Webhooks / Svix: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27 h).
DEFAULT_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)


@dataclass(frozen=True)
class RetryPolicy:
    """Delays before each attempt: schedule[0] before the first, schedule[n] after attempt n fails."""

    schedule: tuple[timedelta, ...] = DEFAULT_SCHEDULE

    def __post_init__(self) -> None:
        if not self.schedule or any(d < timedelta(0) for d in self.schedule):
            raise ValueError("a retry schedule needs at least one delay and no negative delay")

    @property
    def max_attempts(self) -> int:
        """How many attempts a delivery gets before it fails."""
        return len(self.schedule)


def next_attempt_at(
    policy: RetryPolicy, attempt: int, now: datetime, retry_after: timedelta | None = None
) -> datetime | None:
    """When to try again after attempt number `attempt` (1-based) failed at `now`; None when exhausted."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt >= policy.max_attempts:
        # The delivery fails and stays visible for a manual redelivery.
        return None
    delay = policy.schedule[attempt]
    if retry_after is not None:
        # A 429/503 Retry-After is a floor: never sooner than the partner asked, never sooner than
        # our own schedule.
        delay = max(delay, retry_after)
    return now + delay


class DeliveryOutcome(StrEnum):
    """What a delivery attempt's answer means."""

    DELIVERED = "delivered"
    RETRY = "retry"
    DISABLE = "disable"


def classify_response(status: int | None) -> DeliveryOutcome:
    """Classify an HTTP status (None: no answer, e.g. a network error or time-out)."""
    if status is not None and 200 <= status <= 299:
        return DeliveryOutcome.DELIVERED
    if status == 410:
        # 410 Gone is the partner saying the endpoint is retired (Standard Webhooks).
        return DeliveryOutcome.DISABLE
    # 408, 429, 5xx and network errors are transient. Other 4xx (a rotated secret, a broken
    # deployment) and 3xx (redirects are not followed) are usually fixed by the partner within the
    # window, so they are retried too; the schedule bounds the cost.
    return DeliveryOutcome.RETRY


# --- private address guard -------------------------------------------------------------------

_EXTRA_FORBIDDEN_NETWORKS = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT, not flagged private by ipaddress
    ipaddress.ip_network("169.254.169.254/32"),  # cloud metadata, named for the reader
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


def is_forbidden_address(ip: str) -> bool:
    """Whether a resolved address must not receive webhooks (anything not on the public internet)."""
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        # Fail closed: what cannot be read as an address cannot be shown to be public.
        return True
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return is_forbidden_address(str(addr.ipv4_mapped))
        embedded = addr.sixtofour or (ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF) if addr in _NAT64 else None)
        if embedded is not None and is_forbidden_address(str(embedded)):
            return True
    return (
        addr.is_loopback
        or addr.is_private
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or (isinstance(addr, ipaddress.IPv6Address) and addr.is_site_local)
        or not addr.is_global
        or any(addr in net for net in _EXTRA_FORBIDDEN_NETWORKS if net.version == addr.version)
    )


def check_webhook_url(url: str, *, allow_private: bool = False) -> tuple[str, str, int]:
    """Validate a partner's webhook URL and return (scheme, host, port); Invalid `invalid_webhook_url`.

    Only literal addresses can be checked here; the sender must check every address the host
    resolves to with `is_forbidden_address`, at each delivery, against DNS rebinding.
    `allow_private` (a deployment setting, tests' local receivers) lets loopback and private
    hosts through; the URL must still be well formed.
    """
    errors: list[str] = []
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        errors.append("must not be empty or contain spaces or control characters")
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        _raise_url(errors + ["is not a valid URL (bad host or port)"])
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        errors.append("must use http or https")
    if "@" in parts.netloc:
        errors.append("must not contain a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        errors.append("must name a host")
    else:
        errors.extend(_host_errors(host, allow_private))
    if port == 0:
        errors.append("port must be between 1 and 65535")
    if errors:
        _raise_url(errors)
    return scheme, host, port or (443 if scheme == "https" else 80)


def _host_errors(host: str, allow_private: bool = False) -> list[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        forbidden = is_forbidden_address(host) and not allow_private
        return ["must not point to a private, local or reserved address"] if forbidden else []
    if (host in _LOCAL_NAMES or host.endswith(".localhost")) and not allow_private:
        return ["must not point to the local machine"]
    last_label = host.rsplit(".", 1)[-1]
    # URL parsers and resolvers read "127.1", "2130706433" or "0x7f.1" as IPv4 addresses.
    if last_label.isdigit() or last_label.startswith("0x"):
        return ["an IPv4 address must be written as four decimal numbers"]
    if host.isascii() and not all(_LABEL.match(label) for label in host.split(".")):
        return ["is not a valid host name"]
    return []


def _raise_url(messages: list[str]) -> NoReturn:
    raise Invalid(
        "the webhook URL is not acceptable",
        code="invalid_webhook_url",
        errors=[field_error("url", message) for message in messages],
    )
