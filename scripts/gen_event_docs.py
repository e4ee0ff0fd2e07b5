"""Write docs/events.md from the event contracts (shared/contracts); a test keeps it current.

.venv/bin/python scripts/gen_event_docs.py
"""

from __future__ import annotations

from pathlib import Path

from shared.contracts import catalogue

OUT = Path(__file__).resolve().parents[1] / "docs" / "events.md"

HEADER = """# Event catalogue

Generated from `shared/contracts/` by `scripts/gen_event_docs.py` (a test fails when it is stale).

Every event is a CloudEvents 1.0 message. On Kafka, binary mode: the value is the JSON `data`
below; the attributes travel as headers `ce_id` (UUIDv7), `ce_source` (`/services/<producer>`),
`ce_type`, `ce_specversion` (`1.0`), `ce_time` (RFC 3339), `ce_subject` (the enterprise's credit
code where there is one), `content-type: application/json`, and `ce_requestid` when an HTTP request
caused it. The message key is the credit code, so one enterprise's events keep their order within a
topic. Webhooks deliver the same event as one JSON document (structured mode).

Consumers must tolerate duplicates (delivery is at least once; use `ce_id`) and fields they do not
know (new optional fields can be added to a version). A breaking change is a new type with a new
version suffix. Each topic has a dead-letter topic `<topic>.dlq`.
"""


def _type(schema: dict, defs: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s, defs) for s in schema["anyOf"])
    if "enum" in schema:
        return " / ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    t = schema.get("type", "any")
    if t == "string" and schema.get("format"):
        return f"string ({schema['format']})"
    if t == "array":
        return f"array of {_type(schema.get('items', {}), defs)}"
    return t


def render() -> str:
    lines = [HEADER]
    by_topic: dict[str, list[dict]] = {}
    for entry in catalogue():
        if entry["topic"].startswith(("test.", "bench.")):
            continue
        by_topic.setdefault(entry["topic"], []).append(entry)
    for topic in sorted(by_topic):
        lines.append(f"\n## `{topic}`\n")
        for entry in by_topic[topic]:
            schema = entry["schema"]
            lines.append(f"### `{entry['type']}`\n")
            if schema.get("description"):
                lines.append(" ".join(schema["description"].split()) + "\n")
            required = set(schema.get("required", []))
            lines.append("| field | type | required |")
            lines.append("|---|---|---|")
            for name, prop in schema.get("properties", {}).items():
                kind = _type(prop, schema.get("$defs", {}))
                lines.append(f"| `{name}` | {kind} | {'yes' if name in required else ''} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
