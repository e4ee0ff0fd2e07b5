"""No input makes a service answer 500: schemathesis fuzzes every operation of every service's
OpenAPI against the running embedded suite, as an admin and as a district officer."""

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.mark.slow
@pytest.mark.parametrize("service", ["registry", "grid", "hazard", "incentives"])
def test_no_operation_answers_a_server_error(embedded, service, tmp_path):
    if not SCHEMATHESIS.exists() and not shutil.which("schemathesis"):
        pytest.skip("schemathesis is not installed")
    c = httpx.Client(base_url=embedded.base, timeout=30)
    for user, password in (("admin", "Anjian-admin-1"), ("nanxun", "Anjian-nanxun-1")):
        token = c.post("/auth/v1/token", data={"username": user, "password": password}).json()["access_token"]
        r = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{embedded.base}/{service}/openapi.json",
                "--checks",
                "not_a_server_error",
                "-H",
                f"Authorization: Bearer {token}",
                "--max-examples",
                "8",
                "--phases",
                "examples,coverage,fuzzing",
                "--warnings",
                "off",
                "--seed",
                "20261130",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
        assert r.returncode == 0, r.stdout[-4000:]
    assert "unhandled error" not in embedded.log.read_text()
