"""Write docs/configuration.md from the settings classes; a test keeps it current.

.venv/bin/python scripts/gen_config_docs.py
"""

from __future__ import annotations

import importlib
from pathlib import Path

from shared.settings import ServiceSettings

OUT = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
SERVICES = ("registry", "grid", "hazard", "incentives")

HEADER = """# Configuration

Generated from the settings classes by `scripts/gen_config_docs.py` (a test fails when it is stale).

Every setting is an environment variable. A suite-wide value is `ANJIAN_<NAME>`; one service's own
value is `ANJIAN_<SERVICE>_<NAME>` and wins (e.g. `ANJIAN_HAZARD_DATABASE_URL`). `anjian run` and
`anjian run-distributed` fill in the data folder, SQLite URLs and the embedded signing key.
"""


def _default(field) -> str:
    d = field.default
    if hasattr(d, "get_secret_value"):
        return "(embedded key)"
    if d in ("", None):
        return "-"
    return f"`{d}`"


def _rows(fields: dict, prefix: str = "ANJIAN_") -> list[str]:
    out = ["| variable | default | meaning |", "|---|---|---|"]
    for name, f in fields.items():
        desc = " ".join((f.description or "").split())
        out.append(f"| `{prefix}{name.upper()}` | {_default(f)} | {desc} |")
    return out


def render() -> str:
    lines = [HEADER, "## Every service\n"]
    base = ServiceSettings.model_fields
    lines += _rows(base)
    for svc in SERVICES:
        cls = getattr(importlib.import_module(f"services.{svc}.settings"), f"{svc.capitalize()}Settings")
        own = {k: v for k, v in cls.model_fields.items() if k not in base}
        if not own:
            continue
        lines += ["", f"## {svc}\n", f"Also settable as `ANJIAN_{svc.upper()}_<NAME>`.\n"]
        lines += _rows(own)
    from services.gateway import GatewaySettings

    lines += [
        "",
        "## gateway\n",
        "`anjian gateway` (started by `anjian run-distributed`): the console and every service's paths on",
        "one port. Its own settings only; the log settings also fall back to `ANJIAN_LOG_LEVEL` and",
        "`ANJIAN_LOG_JSON`.\n",
    ]
    lines += _rows(GatewaySettings.model_fields, "ANJIAN_GATEWAY_")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
