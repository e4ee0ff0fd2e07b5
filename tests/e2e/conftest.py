"""End-to-end: start anjian the way a user does (its console script), drive it over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.testing.broker import free_port

BIN = Path(sys.executable).parent / "anjian"


class Running:
    def __init__(self, proc: subprocess.Popen, base: str, log: Path) -> None:
        self.proc, self.base, self.log = proc, base, log

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def wait_ready(urls: list[str], proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    pending = list(urls)
    while pending:
        if proc.poll() is not None:
            raise AssertionError(f"anjian exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(pending[0], timeout=2).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if time.time() > deadline:
            raise AssertionError(f"{pending[0]} not ready after {timeout} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture
def embedded(tmp_path):
    """``anjian run`` on a free port with a fresh data folder (demo data on)."""
    port = free_port()
    log = tmp_path / "anjian.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANJIAN_", "KAFKA_"))}
    proc = subprocess.Popen(
        [str(BIN), "run", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    running = Running(proc, f"http://127.0.0.1:{port}", log)
    try:
        wait_ready([f"{running.base}/health"], proc, log)
        yield running
    finally:
        running.stop()


def free_port_block(n: int) -> int:
    """The first of ``n`` consecutive free ports."""
    import random
    import socket

    for _ in range(200):
        base = random.randint(20000, 50000)
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", base + i))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no block of free ports")


def launch_distributed(tmp_path) -> tuple[subprocess.Popen, int, Path]:
    """Start ``anjian run-distributed`` in its own process group on a free block of five ports (the
    services, then the gateway), logging to ``tmp_path/anjian.log``; returns the process, the first
    port and the log."""
    base = free_port_block(5)
    log = tmp_path / "anjian.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANJIAN_", "KAFKA_"))}
    env["ANJIAN_KAFKA_SESSION_TIMEOUT_MS"] = "6000"
    proc = subprocess.Popen(
        [
            str(BIN),
            "run-distributed",
            "--data-dir",
            str(tmp_path / "data"),
            "--base-port",
            str(base),
            "--gateway-port",
            str(base + 4),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    return proc, base, log


@pytest.fixture
def distributed(tmp_path):
    """``anjian run-distributed``: four processes on Kafka (the Tansu broker it starts itself), the gateway."""
    proc, base, log = launch_distributed(tmp_path)
    names = ("registry", "grid", "hazard", "incentives")
    running = Running(proc, f"http://127.0.0.1:{base}", log)
    running.ports = {n: base + i for i, n in enumerate(names)}
    running.gateway = f"http://127.0.0.1:{base + 4}"
    try:
        urls = [f"http://127.0.0.1:{p}/{n}/health/ready" for n, p in running.ports.items()]
        wait_ready([*urls, f"{running.gateway}/gateway/health/ready"], proc, log)
        yield running
    finally:
        running.stop()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # nothing of the process group may outlive the test
        except ProcessLookupError:
            pass
